/**
 * bench/forks: the processes one Linux PC of bench/rollout makes, counted with strace (deterministic, unlike
 * timings on a shared machine): homeshift's machine program on a fresh root (apply), again on the converged root
 * (apply, all ok) and in check mode, next to bench/rollout's floor script on a fresh root.
 * Every PC of the simulated fleet shares the controller's cores, so each fork or exec on a PC slows the rollout.
 * Usage: npm run bench -- forks [N] [--list] (node dist-bench/bench/forks.js; N = 20 bench PCs, mixed roles as in
 * bench/rollout; --list prints every exec'd program per run). Prints figures; asserts nothing.
 *
 * A run is what sshd starts for one exec: `/bin/sh -c COMMAND` with the program on stdin, PATH with the PC's
 * simulated tools first (as the lab gives a PC). "sshd wrapper" adds the ForceCommand wrapper bench/rollout's
 * one sshd puts in front of every exec to find the PC's root (bench only: a real PC has none).
 * clones: fork/vfork/clone calls; execs: successful execve; subshells: clones whose child never execs; CPU: the
 * tree's task-clock from perf stat in a second, untraced run ('-' without perf).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { basename, join } from 'node:path';
import { simPath } from '../src/lab/sim-tools.js';
import type { MachinePlan } from '../src/model/plan.js';
import { buildMachineProgram } from '../src/shell/machine-program.js';
import { SIM_ROOT_WRAPPER } from '../test/support/sshd.js';
import { floorScript } from './support/floor.js';
import { makeFleet, resetRoots, SECRETS } from './support/fleet.js';

interface Count { clones: number; execs: number; subshells: number; programs: Map<string, number>; cpuMs: number }

/** Counts one strace -f log: clones by their returned pid, execs by the program, paired across unfinished calls. */
function countTrace(log: string): Count {
  const pending = new Map<string, string>(); // pid -> the start of its unfinished call
  const children = new Set<string>();
  const execed = new Set<string>();
  const programs = new Map<string, number>();
  let clones = 0;
  let execs = 0;
  for (const raw of log.split('\n')) {
    const m = /^(\d+)\s+(.*)$/.exec(raw);
    if (!m) continue;
    const [, pid, rest] = m;
    let call = rest;
    if (call.endsWith('<unfinished ...>')) { pending.set(pid, call.slice(0, -'<unfinished ...>'.length)); continue; }
    const resumed = /^<\.\.\. \w+ resumed>(.*)$/.exec(call);
    if (resumed) { call = (pending.get(pid) ?? '') + resumed[1]; pending.delete(pid); }
    const result = /\)\s+=\s+(-?\d+)/.exec(call.slice(call.lastIndexOf(')')));
    const ret = result ? Number(result[1]) : -1;
    if (/^(clone3?|v?fork)\(/.test(call) && ret > 0) {
      clones++;
      children.add(String(ret));
    } else if (call.startsWith('execve(') && ret === 0) {
      execs++;
      execed.add(pid);
      const program = basename(/^execve\("([^"]*)"/.exec(call)?.[1] ?? '?');
      programs.set(program, (programs.get(program) ?? 0) + 1);
    }
  }
  const subshells = [...children].filter((pid) => !execed.has(pid)).length;
  return { clones, execs, subshells, programs, cpuMs: 0 };
}

// CPU of the run's whole process tree, without strace: perf stat's task-clock (every child; ns precision), or NaN
// without perf. A timing, so it varies with the machine's load; the counts do not.
function cpuMs(command: string, stdin: string, env: NodeJS.ProcessEnv, dir: string): number {
  const out = join(dir, 'perf.csv');
  const run = spawnSync('perf', ['stat', '-x', ',', '-e', 'task-clock', '-o', out, '--', '/bin/sh', '-c', command], { input: stdin, env, stdio: ['pipe', 'ignore', 'ignore'] });
  if (run.error || run.status !== 0) return NaN;
  const line = readFileSync(out, 'utf8').split('\n').find((l) => l.includes('task-clock'));
  return line ? Number(line.split(',')[0]) : NaN;
}

function traced(command: string, stdin: string, env: NodeJS.ProcessEnv, dir: string): Count {
  const log = join(dir, 'strace.log');
  const run = spawnSync('strace', ['-f', '-qq', '-e', 'signal=none', '-e', 'trace=execve,clone,clone3,fork,vfork', '-o', log, '/bin/sh', '-c', command], { input: stdin, env, encoding: 'utf8' });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`traced run exited ${run.status}: ${run.stderr.slice(-400)}`);
  return countTrace(readFileSync(log, 'utf8'));
}

/** One kind of run: what each PC gets, from a fresh root or the one the previous run left. */
interface Run {
  name: string;
  fresh: boolean;
  exec: (m: MachinePlan) => { command: string; stdin: string };
  tools: boolean; // the PC's simulated tools first on PATH (the lab's way); the floor sets PATH itself
  wrapped: boolean; // through bench/rollout's sshd wrapper, which sets that PATH from the program
}

const SESSION_PATH = '/usr/local/bin:/usr/bin:/bin';

// A session's environment as sshd gives it, not this process's
function sessionEnv(path: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { username, homedir } = userInfo();
  return { PATH: path, HOME: homedir, USER: username, LOGNAME: username, SHELL: '/bin/sh', ...extra };
}

function runOne(run: Run, m: MachinePlan, wrapper: string): { command: string; stdin: string; env: NodeJS.ProcessEnv } {
  const { command, stdin } = run.exec(m);
  if (run.wrapped) return { command: wrapper, stdin, env: sessionEnv(SESSION_PATH, { SSH_ORIGINAL_COMMAND: command }) };
  return { command, stdin, env: sessionEnv(run.tools ? simPath(m.root, SESSION_PATH) : SESSION_PATH) };
}

function add(into: Count, c: Count): void {
  into.clones += c.clones;
  into.execs += c.execs;
  into.subshells += c.subshells;
  into.cpuMs += c.cpuMs;
  for (const [p, n] of c.programs) into.programs.set(p, (into.programs.get(p) ?? 0) + n);
}

function programList(c: Count, per: number): string {
  return [...c.programs].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([p, n]) => `${p} ${+(n / per).toFixed(2)}`).join(', ');
}

async function main(): Promise<void> {
  const n = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 20);
  const list = process.argv.includes('--list');
  if (spawnSync('strace', ['-V']).error) {
    console.log('bench/forks skipped: strace is not installed (apt-get install -y strace)');
    return;
  }
  const base = await mkdtemp(join(tmpdir(), 'homeshift-bench-forks-'));
  try {
    // the fleet is only planned here, never connected: no sshd, its key files are never read
    const user = userInfo().username;
    const fleet = await makeFleet(join(base, 'fleet'), n, { port: 22, clientKeyFile: join(base, 'no-key'), knownHostsFile: join(base, 'no-known-hosts') }, user);
    const wrapper = join(base, 'sim-root-wrapper');
    await writeFile(wrapper, SIM_ROOT_WRAPPER, { mode: 0o755 });
    const ours = (mode: 'apply' | 'check') => (m: MachinePlan) => buildMachineProgram(m, fleet.plan.scripts, { mode, secrets: SECRETS, nonce: 'forks-bench-nonce' });
    const floor = (m: MachinePlan) => ({ command: '/bin/sh -s', stdin: floorScript(m) });
    const runs: Run[] = [
      { name: 'floor, fresh', fresh: true, exec: floor, tools: false, wrapped: false },
      { name: 'homeshift apply, fresh', fresh: true, exec: ours('apply'), tools: true, wrapped: false },
      { name: 'homeshift apply, converged', fresh: false, exec: ours('apply'), tools: true, wrapped: false },
      { name: 'homeshift check, converged', fresh: false, exec: ours('check'), tools: true, wrapped: false },
      { name: 'sshd wrapper + floor, fresh', fresh: true, exec: floor, tools: false, wrapped: true },
      { name: 'sshd wrapper + apply, fresh', fresh: true, exec: ours('apply'), tools: false, wrapped: true },
    ];
    console.log(`bench/forks: processes per bench PC (mean of ${n} PCs, ${fleet.plan.summary.steps} steps), strace -f of /bin/sh -c COMMAND with the program on stdin`);
    console.log(`  ${'run'.padEnd(30)} ${'clones'.padStart(7)} ${'execs'.padStart(7)} ${'subshells'.padStart(9)} ${'CPU ms'.padStart(7)}  (CPU: perf task-clock, varies with load)`);
    for (const run of runs) {
      if (run.fresh) await resetRoots(fleet.roots, user);
      const total: Count = { clones: 0, execs: 0, subshells: 0, programs: new Map(), cpuMs: 0 };
      for (const m of fleet.plan.machines) {
        const { command, stdin, env } = runOne(run, m, wrapper);
        add(total, traced(command, stdin, env, base));
      }
      // the same again untraced for the CPU figure, from the same start
      if (run.fresh) await resetRoots(fleet.roots, user);
      for (const m of fleet.plan.machines) {
        const { command, stdin, env } = runOne(run, m, wrapper);
        total.cpuMs += cpuMs(command, stdin, env, base);
      }
      const mean = (v: number) => (v / n).toFixed(1).padStart(7);
      console.log(`  ${run.name.padEnd(30)} ${mean(total.clones)} ${mean(total.execs)} ${(total.subshells / n).toFixed(1).padStart(9)} ${Number.isNaN(total.cpuMs) ? '      -' : mean(total.cpuMs)}`);
      if (list) console.log(`    execs: ${programList(total, n)}`);
    }
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

await main();
