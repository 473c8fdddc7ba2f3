/**
 * bench/rollout's Windows line: N Windows lab PCs (real pwsh per PC, in the lab's own background process) rolled
 * out by homeshift in the measuring process. The controller's CPU (that process only) and the PCs' CPU (the lab
 * process and the pwsh it starts) are taken apart: pwsh start-up is what the PCs pay, not homeshift.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProject } from '../../src/config/index.js';
import { labDown, labUp } from '../../src/lab/index.js';
import type { Plan } from '../../src/model/plan.js';
import { buildPlan } from '../../src/plan/index.js';

const LAB_SERVE = fileURLToPath(new URL('./lab-serve.js', import.meta.url));
const TICKS_PER_SECOND = 100;

/** CPU seconds of a process and its waited-for children (utime + stime + cutime + cstime). */
async function processTreeCpu(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields.slice(11, 15).reduce((sum, f) => sum + Number(f), 0) / TICKS_PER_SECOND;
}

export interface WindowsLab {
  planFile: string;
  /** Run `work` and return the PCs' CPU seconds it cost (lab process and its pwsh). */
  pcCpu(work: () => Promise<void>): Promise<number>;
  stop(): Promise<void>;
}

export async function startWindowsLab(dir: string, n: number): Promise<WindowsLab> {
  const info = await labUp({ dir, machines: n, sites: 5, windows: '100%', command: [process.execPath, LAB_SERVE, dir], timeoutMs: 60_000 + n * 500 });
  try {
    const loaded = await loadProject({ projectDir: info.projectDir });
    if (!loaded.project) throw new Error(`the lab's repository did not load: ${loaded.diagnostics.map((d) => d.message).join('; ')}`);
    const plan: Plan = buildPlan(loaded.project);
    // the lab pins short limits for demos; a benchmark on a loaded machine must not turn slowness into failures
    plan.machines = plan.machines.map((m) => ({ ...m, ssh: { ...m.ssh, machineTimeout: 3600 }, steps: m.steps.map((s) => ({ ...s, timeout: 1800 })) }));
    const planFile = join(dir, 'plan.json');
    await writeFile(planFile, JSON.stringify(plan));
    return {
      planFile,
      async pcCpu(work) {
        const before = await processTreeCpu(info.pid);
        await work();
        return (await processTreeCpu(info.pid)) - before;
      },
      stop: async () => void (await labDown(dir)),
    };
  } catch (error) {
    await labDown(dir);
    throw error;
  }
}
