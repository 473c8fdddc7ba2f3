import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProject } from '../../src/config/load-project.js';
import type { MachineResult } from '../../src/model/index.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { createRedactor } from '../../src/run/redact.js';
import { runFleet } from '../../src/run/scheduler.js';
import { resolveSecrets } from '../../src/run/secrets.js';
import { startLab, type Lab } from '../../src/lab/start-lab.js';
import { createSshTransport } from '../../src/transport/index.js';
import { faultLimits } from '../support/fault-limits.js';
import { PWSH_MISSING, pwshAvailable } from '../support/pwsh.js';

/** Every fault kind on Windows lab PCs lands in its error class on its PC; the healthy PCs are not affected. */
const FAULTS = 'offline=1,slow=1:delay=15,auth=1,hostkey=1,drop=1,hang=1,fail-mailbox=1:heal=1,disk-full=1,unencrypted=1:heal=1,fail-vpn=1';
const describeWindows = pwshAvailable() ? describe : describe.skip;
if (!pwshAvailable()) console.warn(PWSH_MISSING);

let dir: string;
let lab: Lab;

beforeAll(async () => {
  if (!pwshAvailable()) return;
  dir = await mkdtemp(join(tmpdir(), 'hs-winfaults-'));
  lab = await startLab({ dir, machines: 12, sites: 2, seed: 3, faults: FAULTS, windows: '100%' });
});

afterAll(async () => {
  await lab?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function rollout(): Promise<Map<string, MachineResult>> {
  const { project, diagnostics } = await loadProject({ projectDir: lab.projectDir });
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const plan = buildPlan(project!);
  const secrets = resolveSecrets(project!.config.secrets, plan.machines.flatMap((m) => m.steps.flatMap((s) => s.secrets)), project!.root);
  const results = new Map<string, MachineResult>();
  const stop = new AbortController();
  await runFleet({
    runId: 'winlab', plan, waves: [plan.machines.map(faultLimits(lab))], transport: createSshTransport(), mode: 'apply', forks: 12,
    maxFailures: null, secrets, redact: createRedactor(secrets), projectRoot: project!.root,
    retries: 0, retryBackoffMs: 10, softStop: stop.signal, hardStop: stop.signal,
    listeners: [(e) => void (e.kind === 'machine-finished' && results.set(e.result.machine, e.result))],
  });
  return results;
}

describeWindows('faults of Windows lab PCs', () => {
  test('land in their error classes; healthy PCs change once, then stay ok; healed PCs recover', async () => {
    expect(lab.machines.every((m) => m.os === 'windows')).toBe(true);
    const byFault = (results: Map<string, MachineResult>, kind: string | null) =>
      lab.machines.filter((m) => (m.fault?.kind ?? null) === kind).map((m) => results.get(m.id)!);
    const first = await rollout();
    expect(first.size).toBe(12);
    expect(byFault(first, null).map((r) => r.status)).toEqual(['changed', 'changed']);
    expect(byFault(first, 'offline')[0]).toMatchObject({ status: 'unreachable', errorClass: 'unreachable' });
    expect(byFault(first, 'slow')[0]).toMatchObject({ errorClass: 'timeout' });
    expect(byFault(first, 'auth')[0]).toMatchObject({ status: 'failed', errorClass: 'auth' });
    expect(byFault(first, 'hostkey')[0]).toMatchObject({ status: 'failed', errorClass: 'auth' });
    expect(byFault(first, 'drop')[0]).toMatchObject({ status: 'unreachable', errorClass: 'unreachable', message: expect.stringContaining('connection lost') });
    expect(byFault(first, 'hang')[0]).toMatchObject({ status: 'failed', errorClass: 'timeout' });
    expect(byFault(first, 'fail-mailbox')[0]).toMatchObject({ errorClass: 'step-failed', message: expect.stringMatching(/^mailbox: apply exited 1: mailbox not found for \S+@example-telco\.de/) });
    expect(byFault(first, 'fail-vpn')[0]).toMatchObject({ errorClass: 'step-failed', message: expect.stringContaining('vpn: apply exited 1: vpn: simulated failure') });
    expect(byFault(first, 'disk-full')[0]).toMatchObject({ errorClass: 'step-failed', message: expect.stringMatching(/^bundle:office-base: apply exited 112: winget install \S+ \S+ exited 112: There is not enough space on the disk/) });
    expect(byFault(first, 'unencrypted')[0]).toMatchObject({ errorClass: 'step-failed', message: expect.stringContaining('BitLocker protection on C: is Off') });

    const second = await rollout();
    expect(byFault(second, null).map((r) => r.status)).toEqual(['ok', 'ok']);
    expect(byFault(second, 'fail-mailbox')[0].status).toBe('changed'); // healed after one attempt
    expect(byFault(second, 'unencrypted')[0].status).toBe('changed');
    expect(byFault(second, 'fail-vpn')[0]).toMatchObject({ errorClass: 'step-failed' });
  }, 600_000);
});
