import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { chromium, type Browser } from 'playwright-core';
import { createJournalWriter, routeBySite, groupWorklists, openCasesOverTime, openSqliteStore, type SqliteStore } from '../../src/journal/index.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import type { MachineResult } from '../../src/model/result.js';
import { gatherReportData, renderHtmlReport } from '../../src/report/html/index.js';
import { finished, makeResult, makeTempDir } from '../journal/fixtures.js';
import { BIN, runCli } from '../cli/run-cli.js';

const CHROMIUM = '/usr/bin/chromium';
const HOSTILE_OWNER = 'Seán O\'Brien <script>window.__pwned = 1</script>';
const NOW = new Date('2026-11-24T12:00:00.000Z');

async function record(store: SqliteStore, runId: string, at: string, results: MachineResult[], owner: string): Promise<void> {
  await store.startRun({ id: runId, mode: 'apply', startedAt: at, commandLine: 'homeshift rollout', planHash: 'p', selector: null },
    results.map((r) => ({ machine: r.machine, site: r.site, wave: 0, planHash: r.planHash })));
  const writer = createJournalWriter(store, { runId, route: routeBySite(() => owner), escalateAfterAttempts: 2 });
  results.forEach((r) => writer(finished(r)));
  writer({ kind: 'run-finished', outcome: 'failed', counts: {} as never, at });
  await writer.close();
}

describe('HTML report from a journal', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let store: SqliteStore;

  beforeAll(async () => {
    tmp = makeTempDir();
    store = await openSqliteStore(join(tmp.dir, 'journal.db'));
    const [t1, t2] = ['2026-11-21T10:00:00.000Z', '2026-11-22T10:00:00.000Z'];
    await record(store, 'r1', t1, [
      makeResult('BRU-D0001', 'failed', { site: 'bruehl', at: t1, message: 'mailbox <b>jörg.müller</b>@example.com not found' }),
      makeResult('BRU-D0002', 'unreachable', { site: 'bruehl', at: t1 }),
      makeResult('BRU-D0003', 'changed', { site: 'bruehl', at: t1 }),
    ], HOSTILE_OWNER);
    await record(store, 'r2', t2, [
      makeResult('BRU-D0001', 'failed', { site: 'bruehl', at: t2, message: 'mailbox <b>jörg.müller</b>@example.com not found' }),
      makeResult('BRU-D0002', 'changed', { site: 'bruehl', at: t2 }),
    ], HOSTILE_OWNER);
  });

  afterAll(async () => {
    await store.close();
    tmp.remove();
  });

  it('counts open cases after each run for the burn-down', async () => {
    expect((await openCasesOverTime(store)).map((p) => [p.runId, p.open])).toEqual([['r1', 2], ['r2', 1]]);
  });

  it('puts escalated cases and their owners first in the worklists', () => {
    const view = (machine: string, owner: string, escalated: boolean, ageMs: number) => ({ machine, owner, escalated, ageMs }) as never;
    const lists = groupWorklists([view('A', 'x', false, 5), view('B', 'y', false, 1), view('C', 'y', true, 1), view('D', 'y', false, 9)]);
    expect(lists.map((l) => [l.owner, l.escalated, l.cases.map((c) => c.machine)])).toEqual([['y', 1, ['C', 'D', 'B']], ['x', 0, ['A']]]);
  });

  it('escapes names and messages and keeps its only script inline', async () => {
    const machines = ['BRU-D0001', 'BRU-D0002', 'BRU-D0003', 'BRU-D0004'].map((id) => ({ id, site: 'bruehl', role: 'hotline-agent', os: 'linux' }));
    const data = await gatherReportData({
      title: 'Rollout <Brühl> & "Köln"', store, machines, sites: [{ id: 'bruehl', name: 'Service Center Brühl' }],
      planHashes: new Map([['BRU-D0003', 'plan-b']]), escalation: { after: '2d', afterAttempts: 3 }, now: NOW,
    });
    expect(data.machines.map((m) => [m.id, m.state])).toEqual([['BRU-D0001', 'open'], ['BRU-D0002', 'done'], ['BRU-D0003', 'stale'], ['BRU-D0004', 'never tried']]);
    const html = renderHtmlReport(data);
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toContain('window.__pwned = 1</script>');
    expect(html).toContain('Seán O&#39;Brien &lt;script&gt;window.__pwned = 1&lt;/script&gt;');
    expect(html).toContain('mailbox &lt;b&gt;jörg.müller&lt;/b&gt;@example.com not found');
    expect(html).toContain('<title>homeshift report: Rollout &lt;Brühl&gt; &amp; &quot;Köln&quot;</title>');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });
});

async function runReport(args: string[]) {
  return execa(process.execPath, [BIN, ...args], { env: { NO_COLOR: '1' }, reject: false, timeout: 60_000, stdin: 'ignore' });
}

const LAUNCH = { executablePath: CHROMIUM, args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] };
const browserTest = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM)) console.warn(`HTML report browser test skipped: ${CHROMIUM} is missing (install the Debian package chromium)`);

browserTest('homeshift report --html on a lab rollout, in headless Chromium', () => {
  let dir: string;
  let lab: Lab;
  let browser: Browser;
  let reportFile: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hs-report-'));
    lab = await startLab({ dir, machines: 20, sites: 2, seed: 3, faults: 'fail-mailbox=3:heal=1,offline=1' });
    const [first] = (await readdir(join(lab.projectDir, 'inventory'))).sort();
    const inventoryFile = join(lab.projectDir, 'inventory', first);
    const yamlText = await readFile(inventoryFile, 'utf8');
    await writeFile(inventoryFile, yamlText.replace(/(supporters:\n\s+- \{ name: )("[^"]*"|[^,]+),/, `$1${JSON.stringify(HOSTILE_OWNER)},`));
    const config = join(lab.projectDir, 'homeshift.yaml');
    const configText = (await readFile(config, 'utf8')).replace(/\nescalateAfterAttempts: \d+\n/, '\n');
    await writeFile(config, `${configText.trimEnd()}\nescalateAfterAttempts: 2\n`);
    const rollout = await runCli(['-C', lab.projectDir, 'rollout', '--yes']);
    expect(rollout.exitCode).toBe(3);
    const rerun = await runCli(['-C', lab.projectDir, 'rerun', '--failed', '--yes']);
    expect(rerun.exitCode).toBe(3);
    reportFile = join(dir, 'out', 'report.html');
    browser = await chromium.launch(LAUNCH);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await lab?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes the file and says where', async () => {
    const result = await runReport(['-C', lab.projectDir, 'report', '--html', reportFile]);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(`HTML report written to ${reportFile}: 20 machines, 19 done, 1 open case, 1 cause`);
  });

  it('shows every section, filters the machine table and logs no errors', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => void (['error', 'warning'].includes(m.type()) && problems.push(`${m.type()}: ${m.text()}`)));
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('request', (r) => void (r.url().startsWith('file:') || requests.push(r.url())));
    await page.goto(pathToFileURL(reportFile).href);

    expect(await page.locator('#progress table.progress tbody tr').count()).toBe(3); // two sites and the total
    expect(await page.locator('#progress .bar .seg.done').count()).toBe(3);
    expect(await page.locator('#causes table.causes tbody tr').count()).toBe(1);
    expect(await page.locator('#causes').innerText()).toMatch(/unreachable/);
    expect(await page.locator('#home-ready svg.home-ready path.site-line').count()).toBe(2); // one line per site
    expect(await page.locator('#home-ready .caption').innerText()).toBe('19 PCs home-ready in 2 sites after 2 runs.');
    const html = await readFile(reportFile, 'utf8');
    expect(html).not.toContain(lab.projectDir); // no local paths: the journal is named by its kind
    expect(html).toContain('from the SQLite journal');
    await page.locator('#home-ready').screenshot({ path: join(dir, 'home-ready.png') });
    const worklists = page.locator('#worklists article.worklist');
    expect(await worklists.count()).toBe(1);
    expect(await worklists.locator('.badge.escalated').count()).toBeGreaterThan(0);
    expect(await page.locator('#machine-table tbody tr').count()).toBe(20);
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('#worklists h3').innerText()).toContain(HOSTILE_OWNER); // shown as text, never run

    const open = lab.machines.find((m) => m.fault?.kind === 'offline')!;
    await page.fill('#machine-search', `${open.id.toLowerCase()} open`);
    expect(await page.locator('#machine-table tbody tr:visible').count()).toBe(1);
    expect(await page.locator('#machine-table tbody tr:visible').innerText()).toContain(open.id);
    expect(await page.locator('#machine-count').innerText()).toBe('1 of 20 machines');
    await page.fill('#machine-search', 'no-such-machine');
    expect(await page.locator('#machine-table tbody tr:visible').count()).toBe(0);
    expect(await page.locator('#machine-none').isVisible()).toBe(true);
    await page.fill('#machine-search', '');
    expect(await page.locator('#machine-table tbody tr:visible').count()).toBe(20);

    await mkdir('test-artifacts', { recursive: true });
    await page.screenshot({ path: 'test-artifacts/report.png', fullPage: true });
    await page.close();
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('writes JUnit XML to stdout with a suite per site', async () => {
    const result = await runReport(['-C', lab.projectDir, 'report', '--junit', '-']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.match(/<testsuite /g)).toHaveLength(2);
    expect(result.stdout.match(/<testcase /g)).toHaveLength(20);
    expect(result.stdout).toMatch(/<failure type="unreachable" message="[^"]+">/);
    expect(result.stderr).toMatch(/JUnit report written to standard output/);
  });

  it('takes --format junit --out FILE as --junit FILE, and --limit for the selected PCs alone', async () => {
    const file = join(dir, 'out', 'machines.xml');
    const result = await runReport(['-C', lab.projectDir, 'report', '--format', 'junit', '--out', file, '--limit', `site=${lab.machines[0].site}`]);
    expect(result.exitCode).toBe(0);
    const xml = await readFile(file, 'utf8');
    expect(xml.match(/<testsuite /g)).toHaveLength(1);
    expect(xml.match(/<testcase /g)).toHaveLength(lab.machines.filter((m) => m.site === lab.machines[0].site).length);
    const both = await runReport(['-C', lab.projectDir, 'report', '--format', 'html', '--html', reportFile]);
    expect([both.exitCode, both.stderr]).toEqual([1, expect.stringContaining('--format html and --html both name the html report')]);
  });

  it('refuses a call without a report to write', async () => {
    const result = await runReport(['-C', lab.projectDir, 'report']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('--html FILE or --junit FILE');
  });
});
