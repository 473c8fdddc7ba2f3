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

/** The lab's repository goes through the real pipeline: load, plan, run over SSH, twice. */
const FAULTS = 'offline=1,slow=1:delay=15,auth=1,hostkey=1,drop=1,hang=1,fail-mailbox=1:heal=1,disk-full=1,unencrypted=1';
let dir: string;
let lab: Lab;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hs-lab-run-'));
  lab = await startLab({ dir, machines: 14, sites: 2, seed: 5, faults: FAULTS });
});

afterAll(async () => {
  await lab?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function rollout(): Promise<Map<string, MachineResult>> {
  const { project, diagnostics } = await loadProject({ projectDir: lab.projectDir });
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const plan = buildPlan(project!);
  const secrets = resolveSecrets(project!.config.secrets, plan.machines.flatMap((m) => m.steps.flatMap((s) => s.secrets)), project!.root);
  const results = new Map<string, MachineResult>();
  const stop = new AbortController();
  await runFleet({
    runId: 'lab', plan, waves: [plan.machines.map(faultLimits(lab))], transport: createSshTransport(), mode: 'apply', forks: 20,
    maxFailures: null, secrets, redact: createRedactor(secrets), projectRoot: project!.root,
    retries: 0, retryBackoffMs: 10, softStop: stop.signal, hardStop: stop.signal,
    listeners: [(e) => void (e.kind === 'machine-finished' && results.set(e.result.machine, e.result))],
  });
  return results;
}

test('faults surface as the error classes the journal records; healthy PCs change once, then stay ok', async () => {
  const byFault = (results: Map<string, MachineResult>, kind: string | null) =>
    lab.machines.filter((m) => (m.fault?.kind ?? null) === kind).map((m) => results.get(m.id)!);
  const first = await rollout();
  expect(first.size).toBe(14);
  expect(byFault(first, null).map((r) => r.status)).toEqual(byFault(first, null).map(() => 'changed'));
  expect(byFault(first, 'offline')[0]).toMatchObject({ status: 'unreachable', errorClass: 'unreachable' });
  expect(byFault(first, 'slow')[0]).toMatchObject({ errorClass: 'timeout' });
  expect(byFault(first, 'auth')[0]).toMatchObject({ status: 'failed', errorClass: 'auth' });
  expect(byFault(first, 'hostkey')[0]).toMatchObject({ status: 'failed', errorClass: 'auth' });
  expect(byFault(first, 'drop')[0]).toMatchObject({ status: 'unreachable', errorClass: 'unreachable', message: expect.stringContaining('connection lost') });
  expect(byFault(first, 'hang')[0]).toMatchObject({ status: 'failed', errorClass: 'timeout' });
  expect(byFault(first, 'fail-mailbox')[0]).toMatchObject({ errorClass: 'step-failed', message: expect.stringMatching(/exited 3: mailbox not found for /) });
  expect(byFault(first, 'disk-full')[0]).toMatchObject({ errorClass: 'step-failed', message: expect.stringContaining('exited 100') });
  expect(byFault(first, 'unencrypted')[0]).toMatchObject({ errorClass: 'step-failed', message: expect.stringContaining('no luks entry') });

  const second = await rollout();
  expect(byFault(second, null).map((r) => r.status)).toEqual(byFault(second, null).map(() => 'ok'));
  expect(byFault(second, 'fail-mailbox')[0].status).toBe('changed'); // healed after one attempt
});
