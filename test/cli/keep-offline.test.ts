import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProject } from '../../src/config/index.js';
import { openSqliteStore } from '../../src/journal/index.js';
import { startLab, type Lab } from '../../src/lab/start-lab.js';
import { runCli } from './run-cli.js';

/**
 * "Not seen for days", against a real lab: a PC switched off whose journal says it has not answered for ten days
 * gets one offline case for its site's supporter however often keep sweeps, without an attempt; a parked PC gets
 * none; the case shows in errors, status, the digests and the report, and closes when the PC answers again.
 */
let base: string;
let lab: Lab;
const journalFile = () => join(lab.projectDir, '.homeshift', 'journal.db');

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'hs-keep-offline-'));
  lab = await startLab({ dir: join(base, 'lab'), machines: 3, sites: 1, windows: '0', power: 'off=2' });
  await appendFile(join(lab.projectDir, 'homeshift.yaml'), 'notify:\n  from: homeshift@example-telco.de\n');
});

afterAll(async () => {
  await lab?.stop();
  await rm(base, { recursive: true, force: true });
});

interface Sweep { seen: string[]; unseen: string[]; parked: string[]; offline: { opened: string[]; closed: string[] }; runId: string | null }

async function sweep(): Promise<Sweep> {
  const r = await runCli(['-C', lab.projectDir, 'keep', '--once', '--format', 'json', '--probe-timeout', '1s', '--backoff-cap', '0s']);
  expect([r.exitCode, String(r.stderr)]).toEqual([0, '']);
  return JSON.parse(String(r.stdout).split('\n').find((l) => l.includes('"kind":"sweep"'))!);
}

async function journal<T>(read: (store: Awaited<ReturnType<typeof openSqliteStore>>) => Promise<T>): Promise<T> {
  const store = await openSqliteStore(journalFile());
  try {
    return await read(store);
  } finally {
    await store.close();
  }
}

test('a PC not seen for 3 working days gets one offline case for its supporter, no attempt, and it closes when the PC answers', async () => {
  const [away, parked] = lab.poweredOff();
  const site = lab.machines[0].site;
  const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000).toISOString();
  await journal((s) => s.recordPresence([away, parked].map((machine) => ({ machine, site, seen: false, at: tenDaysAgo, nextProbeAt: null }))));
  expect((await runCli(['-C', lab.projectDir, 'case', 'park', parked, '--until', '2099-01-01', '--note', 'on holiday'])).exitCode).toBe(0);

  const sweeps = [await sweep(), await sweep(), await sweep()];
  expect(sweeps.map((s) => s.offline)).toEqual([{ opened: [away], closed: [] }, { opened: [], closed: [] }, { opened: [], closed: [] }]);
  expect(sweeps.map((s) => s.unseen)).toEqual([[away], [away], [away]]);
  expect(sweeps[0].parked).toEqual([parked]);

  const { project } = await loadProject({ projectDir: lab.projectDir });
  const supporter = project!.sites.get(site)!.supporters[0];
  const open = await journal((s) => s.listCases({ status: 'open' }));
  expect(open).toEqual([expect.objectContaining({
    machine: away, errorClass: 'offline', fingerprint: 'offline:not-seen', attempts: 0, lastRun: null, owner: `${supporter.name} <${supporter.email}>`, escalatedAt: null,
  })]);
  expect(open[0].message).toMatch(/^not seen for \d+ working days \(since \d{4}-\d\d-\d\d \d\d:\d\d\)$/);
  expect(await journal((s) => s.listRunMachines({ machine: away }))).toEqual([]); // never tried: no attempt, no result

  const errors = await runCli(['-C', lab.projectDir, 'errors']);
  expect(errors.stdout).toContain(away);
  expect(errors.stdout).toMatch(/not seen for \d+ working days/);
  expect(errors.stdout).toContain('1 open case(s)'); // the parked PC is listed only as parked, below the table
  const status = await runCli(['-C', lab.projectDir, 'status']);
  expect(status.stdout).toContain(away);
  expect(status.stdout).toMatch(/Call the colleague: is the PC switched on and on the VPN\?/);
  const digests = JSON.parse(String((await runCli(['-C', lab.projectDir, 'notify', '--check', '--json'])).stdout));
  expect(digests.messages).toEqual([expect.objectContaining({ to: supporter.email, kind: 'owner', cases: [away] })]);
  const html = join(base, 'report.html');
  expect((await runCli(['-C', lab.projectDir, 'report', '--html', html])).exitCode).toBe(0);
  expect(await readFile(html, 'utf8')).toMatch(/Call the colleague: is the PC switched on and on the VPN\?/);

  lab.setPower([away], true);
  const back = await sweep();
  expect(back.offline).toEqual({ opened: [], closed: [away] });
  expect(back.seen).toEqual([away]);
  expect(await journal((s) => s.listCases({ status: 'open' }))).toEqual([]);
  expect((await journal((s) => s.caseEvents(away))).map((e) => [e.kind, e.runId])).toEqual([['opened', null], ['closed', null]]);
  expect((await journal((s) => s.listRunMachines({ machine: away }))).map((r) => [r.status, r.attempts])).toEqual([['changed', 1]]);
  expect(await journal((s) => s.listCases({ machine: parked }))).toEqual([]);
}, 180_000);
