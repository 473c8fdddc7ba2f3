/**
 * bench/wide: a thousand slow PCs at once. N PCs whose first software install takes SLOW seconds on the PC (its
 * simulated apt-get sleeps), rolled out by the real CLI (`homeshift rollout --forks N --yes`, journal, log files and
 * plain progress) next to the bare ssh2 floor connecting the same N PCs at once, in the same run.
 * Usage: npm run bench -- wide [N] [--slow=SECONDS] [--profile=both|full|wide] [--node-arg=ARG ...]
 *   (node dist-bench/bench/wide.js; N = 1000, 60 s, both). --node-arg passes ARG to the CLI's node, e.g.
 *   --node-arg=--cpu-prof --node-arg=--cpu-prof-dir=/tmp/prof; --lab-node-arg=ARG the same for the lab's node.
 *
 * Two rollouts of the same N PCs, from fresh PC roots each:
 * - full: the lab's own service-center profiles (checks, screen lock, VPN, three bundles, mailbox: 8 steps on a
 *   hotline PC), the first bundle's install slow. Printed first, on its own line, not the last.
 * - wide: a profile the bench writes into the lab's repository (profiles/wide.yaml, every PC and employee given
 *   that role) whose only step is the slow bundle: the PCs "whose bundle step takes SLOW s on the PC" of the
 *   definition. Its figure is the last line. Why: on this 2-core machine the 1,000 simulated PCs share the
 *   controller's cores; in the full profile their other steps (about 45 ms of sh and tool processes per PC, a cost
 *   each real PC pays on its own CPU) queue behind one another, and that, not the controller, sets most of the wall
 *   time above the ideal. The controller does the same work in both: journal, leases, log files, plain progress.
 *
 * The PCs are served by the lab (`homeshift lab`'s server, in its own background process): every PC its own port and
 * host key, every exec a real /bin/sh in the PC's root. One OpenSSH sshd (as bench/rollout uses) cannot stand for
 * 1,000 PCs behind the real CLI: they would all be one host:port, which the inventory rightly refuses (duplicate-host),
 * and sshd listens on at most 16 ports. The lab's handshakes run on one core; the floor pays the same.
 * The sleep lives on the PC side only: a wrapper in front of each lab PC's simulated apt-get.
 *
 * Prints, last: wide N=…: wall W s, ideal I s (ratio R), connected all in C s, peak RSS M MB,
 * controller CPU while waiting P % of a core. W is the CLI process from start to exit; ideal is SLOW + the floor's
 * time to connect all N. C: the latest first-step start after the run's start (machine logs: the step's end time
 * less its duration, which runs from its start marker). The waiting phase runs from C to the first PC's finish
 * (journal); P is the CLI process's CPU (/proc/PID/stat) over that phase; peak RSS its VmHWM.
 */
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { loadProject } from '../src/config/index.js';
import { labDown, labUp } from '../src/lab/index.js';
import { installSimTools } from '../src/lab/sim-tools.js';
import { buildPlan } from '../src/plan/index.js';
import type { Measurement } from './support/measure.js';

const MEASURE = fileURLToPath(new URL('./support/measure.js', import.meta.url));
const LAB_SERVE = fileURLToPath(new URL('./support/lab-serve.js', import.meta.url));
const CLI = fileURLToPath(new URL('../../bin/homeshift.js', import.meta.url));
// The lab (a listener, a connection and a command's pipes per PC) and the CLI get the soft limit of open files raised
// to the hard one; the same pid goes on as node.
const RAISED = ['sh', '-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"'];
const TICK_MS = 10; // /proc/PID/stat counts CPU in clock ticks of 1/100 s
const SAMPLE_MS = 200;

// The first install on a PC sleeps, as a real one takes minutes; later ones (and the floor's) run at once.
const slowAptGet = (seconds: number) => `#!/bin/sh
case $0 in
  /*/.sim/bin/*) sim_root=\${0%/.sim/bin/*} ;;
  *) sim_root=$(cd "$(dirname "$0")/../.." && pwd) ;;
esac
case " $* " in
  *" install "*)
    if [ ! -e "$sim_root/var/lib/sim/slow-install-done" ]; then
      mkdir -p "$sim_root/var/lib/sim" && : >"$sim_root/var/lib/sim/slow-install-done"
      sleep ${seconds}
    fi ;;
esac
exec "$sim_root/.sim/bin/apt-get-fast" "$@"
`;

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

interface Sample { at: number; cpuMs: number; hwmKb: number; pcsCpuMs: number }

/** Fresh PC roots: the simulated tools and skeleton again, so a second rollout finds every step to do. */
async function resetRoots(roots: string[]): Promise<void> {
  for (let i = 0; i < roots.length; i += 50) {
    await Promise.all(roots.slice(i, i + 50).map(async (root) => {
      await rm(root, { recursive: true, force: true });
      await installSimTools(root);
    }));
  }
}

/** The wide profile: the slow bundle alone; every PC and every employee of the lab's repository gets that role. */
async function useWideProfile(projectDir: string): Promise<void> {
  await mkdir(join(projectDir, 'profiles'), { recursive: true });
  await writeFile(join(projectDir, 'profiles/wide.yaml'), [
    'name: wide',
    'description: bench/wide - the slow software bundle and nothing else.',
    'bundles:',
    '  - office-base',
    'checks:',
    '  diskEncryption: false',
    '  noLocalCustomerData: false',
    '',
  ].join('\n'));
  for (const name of readdirSync(join(projectDir, 'inventory'))) {
    const file = join(projectDir, 'inventory', name);
    await writeFile(file, (await readFile(file, 'utf8')).replace(/\brole: [a-z0-9-]+/g, 'role: wide'));
  }
  const directory = join(projectDir, 'directory/employees.csv');
  const [header, ...rows] = (await readFile(directory, 'utf8')).split('\n');
  if (!/,role$/.test(header)) throw new Error(`bench/wide: expected role as the last column of ${directory}`);
  await writeFile(directory, [header, ...rows.map((r) => (r ? r.replace(/,[^,]*$/, ',wide') : r))].join('\n'));
}

/** Every lab PC's simulated apt-get behind the slow wrapper. */
async function slowDownInstalls(roots: string[], slowSeconds: number): Promise<void> {
  for (let i = 0; i < roots.length; i += 50) {
    await Promise.all(roots.slice(i, i + 50).map(async (root) => {
      await rename(join(root, '.sim/bin/apt-get'), join(root, '.sim/bin/apt-get-fast'));
      await writeFile(join(root, '.sim/bin/apt-get'), slowAptGet(slowSeconds), { mode: 0o755 });
    }));
  }
}

/** The lab's repository with limits for a minute-long install on a loaded machine; the plan for the floor. */
async function pinLimits(projectDir: string, slowSeconds: number, base: string): Promise<string> {
  const configFile = join(projectDir, 'homeshift.yaml');
  const config = parseDocument(await readFile(configFile, 'utf8'));
  config.setIn(['ssh', 'connectTimeout'], 120);
  config.setIn(['ssh', 'stepTimeout'], slowSeconds + 300);
  config.setIn(['ssh', 'machineTimeout'], slowSeconds + 900);
  await writeFile(configFile, config.toString());
  const loaded = await loadProject({ projectDir });
  if (!loaded.project) throw new Error(`the lab's repository did not load: ${loaded.diagnostics.map((d) => d.message).join('; ')}`);
  const planFile = join(base, 'plan.json');
  await writeFile(planFile, JSON.stringify(buildPlan(loaded.project)));
  return planFile;
}

/** utime + stime (+ cutime + cstime: the children it waited for) of a process, in ms. */
function cpuOf(pid: number, withChildren: boolean): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').slice(11, withChildren ? 15 : 13);
  return fields.reduce((sum, f) => sum + Number(f), 0) * TICK_MS;
}

/** The controller's CPU and peak RSS, and the PCs' CPU (the lab process and the commands it waited for, once they ended). */
function sample(pid: number, labPid: number): Sample | null {
  try {
    const hwmKb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return { at: Date.now(), cpuMs: cpuOf(pid, false), hwmKb, pcsCpuMs: cpuOf(labPid, true) };
  } catch {
    return null; // the process is gone
  }
}

/** The controller's CPU time at a moment, interpolated between the samples around it. */
function cpuAt(samples: Sample[], at: number, of: 'cpuMs' | 'pcsCpuMs' = 'cpuMs'): number {
  const after = samples.findIndex((s) => s.at >= at);
  if (after <= 0) return (after === 0 ? samples[0] : samples[samples.length - 1])[of];
  const a = samples[after - 1];
  const b = samples[after];
  return a[of] + ((b[of] - a[of]) * (at - a.at)) / Math.max(1, b.at - a.at);
}

async function rollout(projectDir: string, n: number, nodeArgs: string[], labPid: number): Promise<{ wallMs: number; samples: Sample[]; exitCode: number | undefined; tail: string }> {
  const started = Date.now();
  const [sh, ...raise] = RAISED;
  const child = execa(sh, [...raise, process.execPath, ...nodeArgs, CLI, '-C', projectDir, 'rollout', '--yes', '--forks', String(n), '--retries', '0'], { reject: false, stdin: 'ignore', all: true, buffer: { all: true } });
  const samples: Sample[] = [];
  const timer = setInterval(() => {
    const s = child.pid === undefined ? null : sample(child.pid, labPid);
    if (s) samples.push(s);
  }, SAMPLE_MS);
  let shown = 0; // the CLI's progress, up to a screenful (a run where every PC fails would print a line each)
  child.all?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) if (shown++ < 40) console.log(`  | ${line}`);
  });
  const result = await child;
  clearInterval(timer);
  const lines = String(result.all ?? '').trim().split('\n');
  return { wallMs: Date.now() - started, samples, exitCode: result.exitCode, tail: lines.slice(-3).join(' / ') };
}

/** When the run started, when every PC had its first step done (so was connected), when the first PC finished. */
function readTimes(projectDir: string): { startedAt: number; connected: number[]; connectedAt: number; firstDoneAt: number; statuses: Record<string, number>; steps: number } {
  const db = new Database(join(projectDir, '.homeshift/journal.db'), { readonly: true });
  try {
    const run = db.prepare('SELECT id, started_at FROM runs ORDER BY started_at DESC LIMIT 1').get() as { id: string; started_at: string };
    const first = db.prepare('SELECT MIN(finished_at) AS at FROM run_machines WHERE run_id = ?').get(run.id) as { at: string };
    const rows = db.prepare('SELECT status, COUNT(*) AS n FROM run_machines WHERE run_id = ? GROUP BY status').all(run.id) as { status: string; n: number }[];
    const { steps } = db.prepare('SELECT CAST(COUNT(*) AS REAL) / COUNT(DISTINCT machine) AS steps FROM step_results WHERE run_id = ?').get(run.id) as { steps: number };
    const logs = join(projectDir, '.homeshift/logs', run.id.replace(/[^A-Za-z0-9._-]/g, '_'));
    const connected: number[] = [];
    for (const name of readdirSync(logs)) {
      // the first step began when its start marker came back: the session was up and the program running
      const step = /^(\S+) step \S+ \S+(?: exit=\S+)? (\d+)ms/m.exec(readFileSync(join(logs, name), 'utf8'));
      if (step) connected.push(Date.parse(step[1]) - Number(step[2]));
    }
    connected.sort((a, b) => a - b);
    const connectedAt = connected.at(-1) ?? NaN;
    return { startedAt: Date.parse(run.started_at), connected, connectedAt, firstDoneAt: Date.parse(first.at), statuses: Object.fromEntries(rows.map((r) => [r.status, r.n])), steps };
  } finally {
    db.close();
  }
}

interface Figures { wall: number; ideal: number; connected: number; hwmMb: number; cpuPct: number; steps: number }

/** One rollout of every lab PC by the CLI, from fresh roots; prints its detail lines and returns its figures. */
async function measureRollout(lab: { pid: number; projectDir: string; roots: string[] }, n: number, slow: number, floorMs: number, nodeArgs: string[]): Promise<Figures> {
  await resetRoots(lab.roots);
  await slowDownInstalls(lab.roots, slow);
  const ours = await rollout(lab.projectDir, n, nodeArgs, lab.pid);
  const t = readTimes(lab.projectDir);
  const hwmMb = Math.max(0, ...ours.samples.map((s) => s.hwmKb)) / 1024;
  const waitMs = t.firstDoneAt - t.connectedAt;
  const cpuPct = waitMs > 0 ? ((cpuAt(ours.samples, t.firstDoneAt) - cpuAt(ours.samples, t.connectedAt)) / waitMs) * 100 : NaN;
  console.log(`  homeshift rollout exit ${ours.exitCode}: ${Object.entries(t.statuses).map(([k, v]) => `${k} ${v}`).join(', ')}; waiting phase ${(waitMs / 1000).toFixed(1)} s`);
  const after = (q: number) => ((t.connected[Math.floor(q * (t.connected.length - 1))] - t.startedAt) / 1000).toFixed(1);
  console.log(`  first step started (s after the run's start): 10% ${after(0.1)}, 50% ${after(0.5)}, 90% ${after(0.9)}, all ${after(1)}`);
  const first = ours.samples[0];
  const last = ours.samples.at(-1) ?? first;
  console.log(`  CPU in all: PCs ${((last.pcsCpuMs - first.pcsCpuMs) / 1000).toFixed(1)} s (the lab process and the sh it ran; it shares this machine's cores), controller ${(last.cpuMs / 1000).toFixed(1)} s (${(last.cpuMs / n).toFixed(1)} ms per PC)`);
  if (ours.exitCode !== 0) console.log(`  (last lines: ${ours.tail})`);
  return { wall: ours.wallMs / 1000, ideal: slow + floorMs / 1000, connected: (t.connectedAt - t.startedAt) / 1000, hwmMb, cpuPct, steps: t.steps };
}

const figures = (f: Figures) => `wall ${f.wall.toFixed(1)} s, ideal ${f.ideal.toFixed(1)} s (ratio ${(f.wall / f.ideal).toFixed(2)}), connected all in ${f.connected.toFixed(1)} s, peak RSS ${f.hwmMb.toFixed(0)} MB, controller CPU while waiting ${f.cpuPct.toFixed(1)} % of a core`;

async function main(): Promise<void> {
  const n = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 1000);
  const slow = Number(/^--slow=(\d+)$/.exec(process.argv.find((a) => a.startsWith('--slow=')) ?? '')?.[1] ?? 60);
  const profile = /^--profile=(both|full|wide)$/.exec(process.argv.find((a) => a.startsWith('--profile=')) ?? '--profile=both')?.[1];
  if (!profile) throw new Error('bench/wide: --profile is both, full or wide');
  const { stdout: limit } = await execa('sh', ['-c', 'ulimit -Hn']);
  const base = await mkdtemp(join(tmpdir(), 'homeshift-bench-wide-'));
  const labDir = join(base, 'lab');
  try {
    const labNodeArgs = process.argv.filter((a) => a.startsWith('--lab-node-arg=')).map((a) => a.slice('--lab-node-arg='.length));
    const lab = await labUp({ dir: labDir, machines: n, sites: 5, windows: '0', command: [...RAISED, process.execPath, ...labNodeArgs, LAB_SERVE, labDir], timeoutMs: 60_000 + n * 200 });
    console.log(`bench/wide: ${n} lab PCs (pid ${lab.pid}), first install ${slow} s on each PC, forks ${n}, open files raised to the hard limit ${limit}`);
    const roots = lab.machines.map((m) => m.root);
    const planFile = await pinLimits(lab.projectDir, slow, base);
    await execa(process.execPath, [MEASURE, 'connect', planFile, String(n), join(base, 'connect.json')], { stdio: 'inherit' });
    const floor = JSON.parse(await readFile(join(base, 'connect.json'), 'utf8')) as Measurement;
    console.log(`  floor: bare ssh2 connected all ${n} PCs at once in ${(floor.wallMs / 1000).toFixed(1)} s (${Object.entries(floor.statuses).map(([k, v]) => `${k} ${v}`).join(', ')})`);
    console.log(`  floor connect p50 ${(pct(floor.perMachineMs, 50) / 1000).toFixed(1)} s`);
    const nodeArgs = process.argv.filter((a) => a.startsWith('--node-arg=')).map((a) => a.slice('--node-arg='.length));
    const target = { pid: lab.pid, projectDir: lab.projectDir, roots };
    if (profile !== 'wide') {
      console.log('full service-center profiles (the lab\'s own roles), first bundle slow:');
      const full = await measureRollout(target, n, slow, floor.wallMs, nodeArgs);
      const line = `full profile N=${n} (${full.steps.toFixed(1)} steps a PC on average): ${figures(full)}`;
      if (profile === 'full') console.log(`wide N=${n}: ${figures(full)}`);
      else console.log(line);
    }
    if (profile !== 'full') {
      await useWideProfile(lab.projectDir);
      console.log('wide profile (written by the bench: the slow bundle is the only step; journal, leases, logs and progress as ever):');
      const wide = await measureRollout(target, n, slow, floor.wallMs, nodeArgs);
      console.log(`wide N=${n}: ${figures(wide)}`);
    }
  } finally {
    await labDown(labDir).catch(() => undefined);
    await rm(base, { recursive: true, force: true });
  }
}

await main();
