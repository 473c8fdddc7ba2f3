/** runRollout in-process against the lab: a machine whose lease another controller took over ends interrupted, unrecorded. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadProject } from '../../src/config/load-project.js';
import { openSqliteStore } from '../../src/journal/index.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import type { RunEvent } from '../../src/model/result.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { runRollout } from '../../src/run/rollout.js';
import { createSshTransport } from '../../src/transport/index.js';

let dir: string;
let lab: Lab;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hs-rollout-'));
  lab = await startLab({ dir, machines: 4, sites: 1, faults: 'hang=1' });
});
afterAll(async () => {
  await lab?.stop();
  await rm(dir, { recursive: true, force: true });
});

test('a lease lost mid-machine interrupts that machine and leaves its journal rows to the new holder', async () => {
  const { project } = await loadProject({ projectDir: lab.projectDir });
  const plan = buildPlan(project!);
  const file = join(lab.projectDir, '.homeshift', 'journal.db');
  const store = await openSqliteStore(file);
  const other = await openSqliteStore(file); // the controller that takes the machine over
  const hung = lab.machines.find((m) => m.fault?.kind === 'hang')!.id;
  const events: RunEvent[] = [];
  try {
    const running = runRollout(
      {
        plan, settings: { forks: 4, waves: [{ percent: 100 }], maxFailures: null, retries: 0, check: false, waitBusy: false }, store,
        transport: createSshTransport(), secretSources: project!.config.secrets, projectRoot: project!.root,
        cases: { route: () => ({ owner: null, dueInMs: null }), escalateAfterAttempts: null }, leaseTimeoutMs: 3000, logDir: dirname(file),
        commandLine: 'homeshift rollout', selector: null,
      },
      { listeners: () => [(e) => events.push(e)] },
    );
    let lease;
    for (let i = 0; i < 500 && !lease; i++) {
      await new Promise((r) => setTimeout(r, 20));
      lease = (await other.listLeases()).find((l) => l.machine === hung);
    }
    expect(lease).toBeDefined();
    // as if the lease had expired and been taken over by another run
    await other.releaseLeases(lease!.holder, [hung]);
    await other.acquireLeases({ runId: 'run-b', who: 'bob@ctl2', pid: 2 }, [hung], 60_000);
    const summary = await running;

    expect(summary.counts).toMatchObject({ changed: 3, interrupted: 1, failed: 0 });
    const finished = events.filter((e) => e.kind === 'machine-finished');
    const lost = finished.find((e) => e.kind === 'machine-finished' && e.result.machine === hung);
    expect(lost).toMatchObject({ leaseLost: true, result: { status: 'interrupted', errorClass: 'interrupted', message: expect.stringMatching(/^lease lost/) } });
    const rows = await store.listRunMachines({ runId: summary.runId });
    expect(rows.filter((r) => r.status === 'pending').map((r) => r.machine)).toEqual([hung]);
    expect(await store.listCases()).toEqual([]);
    expect((await store.listLeases()).map((l) => [l.machine, l.holder.runId])).toEqual([[hung, 'run-b']]);
    expect((await store.findResumableRun())?.id).toBe(summary.runId);
  } finally {
    await other.close();
    await store.close();
  }
});
