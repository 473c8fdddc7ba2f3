/**
 * bench/keep: `homeshift keep --every 15s` against N lab PCs (Linux PCs: the lab's pwsh would spend the shared
 * cores on start-ups a real PC pays on its own CPU), 30 % of them switched off at the start and each switched on at
 * a seeded random moment within 120 s. Measures when every PC has converged, how long after coming online each
 * switched-off PC was done, keep's peak RSS, and its CPU while nothing is due (two idle sweeps). A second figure
 * probes 16,000 addresses of which 90 % never answer (a silent listener that takes connections and says nothing).
 * Usage: npm run bench -- keep [N] (default 1000). Prints figures; asserts nothing.
 */
import { execa } from 'execa';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { labDown, labUp, planPower } from '../src/lab/index.js';
import { probeMachines } from '../src/run/probe.js';

const LAB_SERVE = fileURLToPath(new URL('./support/lab-serve.js', import.meta.url));
const CLI = fileURLToPath(new URL('../../bin/homeshift.js', import.meta.url));
const RAISED = ['sh', '-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"'];
const EVERY_S = 15;
const WITHIN_S = 120;
const TICKS = 100; // clock ticks per second of /proc/PID/stat

const pct = (values: number[], p: number) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS; // utime + stime
}

async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
}

/** 16,000 probes: 10 % to PCs that answer (the lab's online ports, reused), 90 % to a listener that never answers. */
async function probeSweep(answering: number[]): Promise<{ seconds: number; seen: number }> {
  const held = new Set<Socket>();
  const silent = createServer((s) => { held.add(s); s.on('error', () => undefined); s.resume(); });
  await new Promise<void>((done) => silent.listen(0, '127.0.0.1', 2048, done));
  const port = (silent.address() as { port: number }).port;
  const targets = Array.from({ length: 16_000 }, (_, i) => ({ id: String(i), host: '127.0.0.1', port: i % 10 === 0 ? answering[i % answering.length] : port }));
  const started = performance.now();
  const answers = await probeMachines(targets, { timeoutMs: 3000, concurrency: 4000 });
  const seconds = (performance.now() - started) / 1000;
  for (const s of held) s.destroy();
  await new Promise<void>((done) => silent.close(() => done()));
  return { seconds, seen: [...answers.values()].filter(Boolean).length };
}

async function main(): Promise<void> {
  const n = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 1000);
  const base = await mkdtemp(join(tmpdir(), 'homeshift-bench-keep-'));
  const labDir = join(base, 'lab');
  const spec = `off=30%:on-within=${WITHIN_S}`;
  try {
    const lab = await labUp({ dir: labDir, machines: n, sites: 5, windows: '0', power: spec, command: [...RAISED, process.execPath, LAB_SERVE, labDir], timeoutMs: 60_000 + n * 200 });
    const started = Date.parse(lab.started);
    const schedule = planPower(spec, lab.machines.map((m) => m.id), lab.seed);
    console.log(`bench/keep: ${n} lab PCs (pid ${lab.pid}), ${schedule.off.length} switched off, each on within ${WITHIN_S} s; keep --every ${EVERY_S}s`);
    const keeper = execa(...[RAISED[0], [...RAISED.slice(1), process.execPath, CLI, '-C', lab.projectDir, 'keep', '--every', `${EVERY_S}s`, '--format', 'json', '--forks', '50', '--backoff-cap', '0s']] as [string, string[]], { reject: false, env: { NO_COLOR: '1' }, stdin: 'ignore' });
    const done = new Map<string, number>(); // machine -> when its result was ok or changed
    let sweeps = 0;
    const waiters: (() => void)[] = [];
    createInterface({ input: keeper.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const e = JSON.parse(line);
      if (e.kind === 'machine-finished' && (e.result.status === 'changed' || e.result.status === 'ok')) done.set(e.result.machine, Date.parse(e.at));
      if (e.kind === 'sweep') sweeps++;
      for (const w of waiters.splice(0)) w();
    });
    const until = async (what: () => boolean) => {
      while (!what()) {
        if (keeper.exitCode !== null) throw new Error(`keep ended: ${String((await keeper).stderr).slice(-400)}`);
        await new Promise<void>((w) => waiters.push(w));
      }
    };
    const deadline = started + (WITHIN_S + 4 * EVERY_S + 120) * 1000;
    const timer = setTimeout(() => { for (const w of waiters.splice(0)) w(); }, deadline - Date.now());
    await until(() => done.size === n || Date.now() > deadline);
    clearTimeout(timer);
    const converged = done.size;
    const wall = (Math.max(...done.values()) - started) / 1000;
    const onlineToDone = schedule.off.filter((id) => done.has(id)).map((id) => (done.get(id)! - (started + schedule.onAt[id])) / 1000);
    const pid = keeper.pid!;
    const idleFrom = await cpuSeconds(pid);
    const idleStart = performance.now();
    const idleSweeps = sweeps;
    await until(() => sweeps >= idleSweeps + 2);
    const idle = ((await cpuSeconds(pid)) - idleFrom) / ((performance.now() - idleStart) / 1000) * 100;
    const rss = await peakRssMb(pid);
    keeper.kill('SIGTERM');
    await keeper;
    const answering = lab.machines.map((m) => m.port);
    const probe = await probeSweep(answering);
    await labDown(labDir, { purge: true });
    console.log(`  probe sweep: ${probe.seen} of 16000 answered`);
    console.log(`keep N=${n}: converged ${converged}/${n} in ${wall.toFixed(0)} s, online-to-done p50 ${pct(onlineToDone, 50).toFixed(1)} s p95 ${pct(onlineToDone, 95).toFixed(1)} s, sweep of 16000 probes ${probe.seconds.toFixed(1)} s, peak RSS ${rss.toFixed(0)} MB, CPU idle ${idle.toFixed(1)} % of a core`);
  } finally {
    await labDown(labDir, { purge: true }).catch(() => undefined);
    await rm(base, { recursive: true, force: true });
  }
}

await main();
