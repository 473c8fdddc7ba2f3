import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { createJournalWriter, routeBySite, openSqliteStore, type SqliteStore } from '../../src/journal/index.js';
import type { MachineResult } from '../../src/model/result.js';
import { buildJunitReport, escapeXml } from '../../src/report/junit.js';
import { finished, makeResult, makeTempDir } from '../journal/fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const HOSTILE = 'apply exited 3: mailbox <o\'brien&co> "Müller" not found \u001b[31m; rm -rf /';

async function record(store: SqliteStore, runId: string, at: string, results: MachineResult[]): Promise<void> {
  await store.startRun({ id: runId, mode: 'apply', startedAt: at, commandLine: 'homeshift rollout', planHash: 'p', selector: null },
    results.map((r) => ({ machine: r.machine, site: r.site, wave: 0, planHash: r.planHash })));
  const writer = createJournalWriter(store, { runId, route: routeBySite(() => 'Anna Berg <anna@example.com>') });
  results.forEach((r) => writer(finished(r)));
  writer({ kind: 'run-finished', outcome: 'failed', counts: {} as never, at });
  await writer.close();
}

const inventory = [
  { id: 'BRU-D0001', site: 'bruehl', role: 'hotline-agent', os: 'linux' },
  { id: 'BRU-D0002', site: 'bruehl', role: 'hotline-agent', os: 'linux' },
  { id: 'KOE-D0001', site: 'koeln', role: 'back-office', os: 'windows' },
  { id: 'KOE-D0002', site: 'koeln', role: 'back-office', os: 'windows' },
  { id: 'KOE-D0003', site: 'koeln', role: 'back-office', os: 'windows' },
];
const sites = [{ id: 'bruehl', name: 'Service Center Brühl' }, { id: 'koeln', name: 'Köln & "Umland"' }];

describe('homeshift report --junit', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let store: SqliteStore;
  let xml: string;

  beforeAll(async () => {
    tmp = makeTempDir();
    store = await openSqliteStore(join(tmp.dir, 'journal.db'));
    const t1 = '2026-11-21T10:00:00.000Z';
    const t2 = '2026-11-21T12:00:00.000Z';
    await record(store, 'r1', t1, [
      makeResult('BRU-D0001', 'failed', { site: 'bruehl', at: t1, message: HOSTILE }),
      makeResult('BRU-D0002', 'unreachable', { site: 'bruehl', at: t1, message: 'connect ECONNREFUSED 127.0.0.1:2222' }),
      makeResult('KOE-D0001', 'changed', { site: 'koeln', at: t1 }),
    ]);
    await record(store, 'r2', t2, [
      makeResult('BRU-D0002', 'changed', { site: 'bruehl', at: t2 }),
      makeResult('KOE-D0002', 'failed', { site: 'koeln', at: t2 }),
    ]);
    xml = await buildJunitReport({ title: 'rollout <test>', store, machines: inventory, sites, now: new Date('2026-11-22T08:00:00.000Z') });
  });

  afterAll(async () => {
    await store.close();
    tmp.remove();
  });

  it('writes one testsuite per site and one testcase per machine with its last result', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="homeshift: rollout &lt;test&gt;" tests="5" failures="2" errors="0" skipped="1"')).toBe(true);
    expect(xml).toMatch(/<testsuite id="0" name="bruehl" tests="2" failures="1" errors="0" skipped="0"/);
    expect(xml).toMatch(/<testsuite id="1" name="koeln" tests="3" failures="1" errors="0" skipped="1"/);
    expect(xml).toContain('<property name="site.name" value="Köln &amp; &quot;Umland&quot;"/>');
    expect(xml).toMatch(/<testcase name="BRU-D0002" classname="homeshift.bruehl" time="1.234"\/>/);
    expect(xml).toMatch(/<testcase name="KOE-D0003" classname="homeshift.koeln" time="0.000">\n {6}<skipped message="never tried: [^"]+"\/>/);
  });

  it('gives failures their class, escaped message and the stderr tail of the failing step', () => {
    const failure = /<testcase name="BRU-D0001"[^>]*>\n {6}<failure type="step-failed" message="([^"]*)">([^<]*)<\/failure>/.exec(xml);
    expect(failure).not.toBeNull();
    expect(failure![1]).toBe('apply exited 3: mailbox &lt;o&apos;brien&amp;co&gt; &quot;Müller&quot; not found \\u001B[31m; rm -rf /');
    expect(failure![2]).toContain('step mailbox exited 3\nmailbox not found for anna@example.com');
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
  });

  it('escapes markup and shows controls and bidi characters as escapes', () => {
    expect(escapeXml('<a href="x">O\'Brien & Söhne</a>\u0007\u202e')).toBe('&lt;a href=&quot;x&quot;&gt;O&apos;Brien &amp; Söhne&lt;/a&gt;\\u0007\\u202E');
  });

  it('is well-formed XML for a real parser', async () => {
    if (!existsSync(CHROMIUM)) {
      console.warn(`skipped: ${CHROMIUM} is missing (Debian package: chromium) — the XML parse check needs it`);
      return;
    }
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
      const page = await browser.newPage();
      const parsed = await page.evaluate((text) => {
        type Doc = { querySelector(s: string): { textContent: string | null; getAttribute(a: string): string | null } | null; querySelectorAll(s: string): { length: number } };
        const { DOMParser } = globalThis as unknown as { DOMParser: new () => { parseFromString(t: string, type: string): Doc } };
        const doc = new DOMParser().parseFromString(text, 'application/xml');
        const error = doc.querySelector('parsererror');
        return { error: error?.textContent ?? null, suites: doc.querySelectorAll('testsuite').length, cases: doc.querySelectorAll('testcase').length, failure: doc.querySelector('failure')?.getAttribute('message') };
      }, xml);
      expect(parsed).toEqual({ error: null, suites: 2, cases: 5, failure: 'apply exited 3: mailbox <o\'brien&co> "Müller" not found \\u001B[31m; rm -rf /' });
    } finally {
      await browser?.close();
    }
  });
});
