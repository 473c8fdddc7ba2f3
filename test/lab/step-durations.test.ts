import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProject } from '../../src/config/load-project.js';
import type { MachinePlan, MachineResult } from '../../src/model/index.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { createRedactor } from '../../src/run/redact.js';
import { runFleet } from '../../src/run/scheduler.js';
import { resolveSecrets } from '../../src/run/secrets.js';
import { startLab, type Lab } from '../../src/lab/start-lab.js';
import { createSshTransport } from '../../src/transport/index.js';

/** Durations are measured on every path: a slow PC's time counts, a timed-out step keeps the time it had. */
const SLOW_SECONDS = 2;
const STEP_LIMIT_SECONDS = 2;
let dir: string;
let lab: Lab;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hs-lab-durations-'));
  lab = await startLab({ dir, machines: 3, sites: 1, seed: 3, faults: `slow=1:delay=${SLOW_SECONDS},hang=1`, windows: '0' });
});

afterAll(async () => {
  await lab?.stop();
  await rm(dir, { recursive: true, force: true });
});

const shorten = (m: MachinePlan): MachinePlan => ({ ...m, ssh: { ...m.ssh, connectTimeout: 20, machineTimeout: 30 }, steps: m.steps.map((s) => ({ ...s, timeout: STEP_LIMIT_SECONDS })) });

test('a slow PC takes at least its delay, a timed-out step at least its limit, and finished steps are timed', async () => {
  const { project } = await loadProject({ projectDir: lab.projectDir });
  const plan = buildPlan(project!);
  const secrets = resolveSecrets(project!.config.secrets, plan.machines.flatMap((m) => m.steps.flatMap((s) => s.secrets)), project!.root);
  const results = new Map<string, MachineResult>();
  const stop = new AbortController();
  await runFleet({
    runId: 'durations', plan, waves: [plan.machines.map(shorten)], transport: createSshTransport(), mode: 'apply', forks: 3,
    maxFailures: null, secrets, redact: createRedactor(secrets), projectRoot: project!.root,
    retries: 0, retryBackoffMs: 10, softStop: stop.signal, hardStop: stop.signal,
    listeners: [(e) => void (e.kind === 'machine-finished' && results.set(e.result.machine, e.result))],
  });
  const of = (kind: string | null) => results.get(lab.machines.find((m) => (m.fault?.kind ?? null) === kind)!.id)!;

  const slow = of('slow');
  expect(slow.status).toBe('changed');
  expect(slow.durationMs).toBeGreaterThanOrEqual(SLOW_SECONDS * 1000);

  const hang = of('hang');
  const timedOut = hang.steps.find((s) => s.errorClass === 'timeout')!;
  expect(timedOut).toMatchObject({ status: 'failed' });
  expect(timedOut.durationMs).toBeGreaterThanOrEqual(STEP_LIMIT_SECONDS * 1000);

  const healthy = of(null);
  expect(healthy.status).toBe('changed');
  expect(healthy.steps.reduce((sum, s) => sum + s.durationMs, 0)).toBeGreaterThan(0);
});
