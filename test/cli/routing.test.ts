/**
 * Routing through the lab, journal and CLI in fresh processes: the auth PCs' cases go to central IT with a due
 * time, the offline PCs' to their site's supporter; `case assign` and `case note` are kept and shown by `log`.
 */
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProject } from '../../src/config/index.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { runCli } from './run-cli.js';
import { EXAMPLE_ROUTING } from '../support/routing.js';

interface OpenCase { machine: string; site: string; owner: string | null; errorClass: string; firstFailed: string; dueAt: string | null }

describe('case routing from lab faults', () => {
  let dir: string;
  let lab: Lab;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'homeshift-routing-'));
    lab = await startLab({ dir: join(dir, 'lab'), machines: 12, sites: 2, faults: 'offline=2,auth=2' });
    await appendFile(join(lab.projectDir, 'homeshift.yaml'), EXAMPLE_ROUTING);
  });
  afterAll(async () => {
    await lab?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives auth cases to central IT and offline ones to the site supporter; assign and note show in log', async () => {
    const first = await runCli(['-C', lab.projectDir, 'rollout', '--yes', '--json', '--retries', '0']);
    if (first.exitCode !== 3) console.log(first.stderr);
    expect(first.exitCode).toBe(3);
    const errors = JSON.parse(String((await runCli(['-C', lab.projectDir, 'errors', '--format', 'json'])).stdout));
    const cases = new Map((errors.cases as OpenCase[]).map((c) => [c.machine, c]));
    const { project } = await loadProject({ projectDir: lab.projectDir });
    const firstSupporter = (site: string) => { const s = project!.sites.get(site)!.supporters[0]; return `${s.name} <${s.email}>`; };
    for (const m of lab.machines.filter((x) => x.fault)) {
      const c = cases.get(m.id)!;
      const [owner, reactMs] = m.fault!.kind === 'auth' ? ['it-ops@example-telco.de', 3_600_000] : [firstSupporter(c.site), 4 * 3_600_000];
      expect([m.id, c.owner, c.dueAt]).toEqual([m.id, owner, new Date(Date.parse(c.firstFailed) + reactMs).toISOString()]);
    }
    expect(cases.size).toBe(4);

    const offline = lab.machines.find((m) => m.fault?.kind === 'offline')!;
    const before = cases.get(offline.id)!.owner!;
    const assign = await runCli(['-C', lab.projectDir, 'case', 'assign', offline.id.toLowerCase(), '--to', 'it-ops@example-telco.de']);
    expect([assign.exitCode, String(assign.stdout).trim()]).toEqual([0, `${offline.id}: case assigned to it-ops@example-telco.de (was ${before})`]);
    const note = await runCli(['-C', lab.projectDir, 'case', 'note', offline.id, 'PC switched off; employee back on Monday']);
    expect([note.exitCode, String(note.stdout).trim()]).toEqual([0, `${offline.id}: note added`]);

    const log = String((await runCli(['-C', lab.projectDir, 'log', offline.id], { env: { TZ: 'Europe/Berlin' } })).stdout);
    expect(log).toMatch(/owner it-ops@example-telco\.de since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0[12]:00, due \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0[12]:00:/); // local time in Berlin
    const history = log.slice(log.indexOf('case history:')).split('\n').slice(1, 4);
    expect(history.map((l) => l.replace(/^ {2}\S+ \S+ \S+ /, ''))).toEqual([
      expect.stringMatching(new RegExp(`^opened by run \\S+, owner ${before.replace(/[.+<>]/g, '\\$&')}$`)),
      expect.stringMatching(/^assigned to it-ops@example-telco\.de by \S+$/),
      expect.stringMatching(/^note by \S+: PC switched off; employee back on Monday$/),
    ]);
  });

  it('refuses what it cannot do with a clear message and exit 1', async () => {
    const healthy = lab.machines.find((m) => !m.fault)!;
    const assign = await runCli(['-C', lab.projectDir, 'case', 'assign', healthy.id, '--to', 'it-ops@example-telco.de']);
    expect([assign.exitCode, String(assign.stderr).trim()]).toEqual([1, `homeshift: ${healthy.id} has no open case (see homeshift errors)`]);
    const bad = await runCli(['-C', lab.projectDir, 'case', 'assign', healthy.id, '--to', 'Eve <eve@example-telco.de>\r\nBcc: x@y.de']);
    expect(bad.exitCode).toBe(1);
    expect(String(bad.stderr)).toMatch(/--to: .* is not a mail address/);
    const empty = await runCli(['-C', lab.projectDir, 'case', 'note', healthy.id, '  ']);
    expect([empty.exitCode, String(empty.stderr).trim()]).toEqual([1, 'homeshift: the note is empty']);
    const unknown = await runCli(['-C', lab.projectDir, 'case', 'assign', `${healthy.id}X`, '--to', 'it-ops@example-telco.de']);
    expect([unknown.exitCode, String(unknown.stderr)]).toEqual([1, expect.stringContaining(`no machine ${healthy.id}X in the inventory; did you mean ${healthy.id}`)]);
    const none = await runCli(['-C', lab.projectDir, 'case', 'note', healthy.id, 'hello']);
    expect([none.exitCode, String(none.stderr).trim()]).toEqual([1, `homeshift: ${healthy.id} has no case (a case opens when a rollout fails on it)`]);
  });
});
