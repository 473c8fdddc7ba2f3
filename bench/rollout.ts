/**
 * bench/rollout: homeshift against a real OpenSSH sshd on loopback, N = 200 and 1,000 machine entries, next to a bare
 * ssh2 floor doing the same file work at the same concurrency; journal overhead at 1,000; ansible-playbook at 100;
 * N = 200 Windows lab PCs (real pwsh). Prints figures; asserts nothing.
 * Usage: npm run bench (or node dist-bench/bench/rollout.js [SIZES...] [--no-ansible] [--no-windows | --windows-only] [--windows-n=N]
 * [--node-arg=ARG ...]). --node-arg passes ARG to the node of every measurement, e.g. --node-arg=--cpu-prof
 * --node-arg=--cpu-prof-dir=/tmp/prof (one profile per measurement: floor, ours, ours-nojournal).
 */
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureUnprivilegedUser, startSshd, sshdAvailable, SSHD_MISSING, UNPRIVILEGED_USER } from '../test/support/sshd.js';
import type { Sshd } from '../test/support/sshd.js';
import { findMitogenStrategies, runAnsible, writeAnsible } from './support/ansible.js';
import { makeFleet, resetRoots } from './support/fleet.js';
import type { Measurement } from './support/measure.js';
import { startWindowsLab } from './support/windows-lab.js';
import { findPwsh } from '../src/shell/pwsh-path.js';
import { PWSH_MISSING } from '../test/support/pwsh.js';

const FORKS = 50;
// A Windows lab PC's pwsh is CPU-bound on the PC side; more forks than a few per core only add memory.
const WINDOWS_FORKS = 8;
const MEASURE = fileURLToPath(new URL('./support/measure.js', import.meta.url));
const NODE_ARGS = process.argv.filter((a) => a.startsWith('--node-arg=')).map((a) => a.slice('--node-arg='.length));

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function measure(method: string, planFile: string, outFile: string, forks = FORKS): Promise<Measurement> {
  await execa(process.execPath, [...NODE_ARGS, MEASURE, method, planFile, String(forks), outFile], { stdio: 'inherit' });
  return JSON.parse(await readFile(outFile, 'utf8')) as Measurement;
}

function line(m: Measurement): string {
  const rate = m.machines / (m.wallMs / 1000);
  const s = Object.entries(m.statuses).map(([k, v]) => `${k} ${v}`).join(', ');
  return `  ${m.method.padEnd(15)} ${rate.toFixed(1).padStart(6)} machines/s  wall ${(m.wallMs / 1000).toFixed(1).padStart(5)} s  p50 ${pct(m.perMachineMs, 50).toFixed(0).padStart(5)} ms  p95 ${pct(m.perMachineMs, 95).toFixed(0).padStart(5)} ms  peak RSS ${m.rssMb.toFixed(0).padStart(4)} MB  controller CPU ${(m.cpuMs / 1000 / m.machines).toFixed(3)} s/PC  (${s})`;
}

async function windowsLine(base: string, n: number): Promise<void> {
  if (!findPwsh()) {
    console.log(`N = ${n} Windows lab PCs skipped: ${PWSH_MISSING}`);
    return;
  }
  const lab = await startWindowsLab(join(base, `windows-${n}`), n);
  try {
    let ours: Measurement | null = null;
    const pcSeconds = await lab.pcCpu(async () => {
      ours = await measure('ours', lab.planFile, join(base, `windows-${n}.json`), WINDOWS_FORKS);
    });
    const m = ours as unknown as Measurement;
    console.log(`N = ${n} Windows lab PCs (every PC a real pwsh in the lab's own process; forks ${WINDOWS_FORKS})`);
    console.log(line({ ...m, method: 'ours-windows' }));
    console.log(`  CPU per PC: controller ${(m.cpuMs / 1000 / n).toFixed(3)} s (homeshift: plan, ssh, markers, journal) | PCs ${(pcSeconds / n).toFixed(2)} s (the lab: pwsh start-up and the PowerShell program, ssh server; a real PC pays this, not the controller)`);
  } finally {
    await lab.stop();
  }
}

async function main(): Promise<void> {
  const windowsN = Number(/^--windows-n=(\d+)$/.exec(process.argv.find((a) => a.startsWith('--windows-n=')) ?? '')?.[1] ?? 200);
  if (process.argv.includes('--windows-only')) {
    const base = await mkdtemp(join(tmpdir(), 'homeshift-bench-windows-'));
    try {
      await windowsLine(base, windowsN);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
    return;
  }
  if (!sshdAvailable()) {
    console.log(`bench/rollout skipped: ${SSHD_MISSING}`);
    return;
  }
  const withAnsible = !process.argv.includes('--no-ansible') && existsSync('/usr/bin/ansible-playbook');
  const sizes = process.argv.filter((a) => /^\d+$/.test(a)).map(Number);
  const base = await mkdtemp(join(tmpdir(), 'homeshift-bench-rollout-'));
  await chmod(base, 0o755); // the PCs' service account walks into it
  const sshd = await startSshd({ extraConfig: ['MaxStartups 4000', 'MaxSessions 4000'], simRootFromProgram: true });
  try {
    // A service account with /bin/sh, as on real PCs: root's login shell here would source a .bashrc on every exec.
    const user = (await ensureUnprivilegedUser()) ? UNPRIVILEGED_USER : sshd.user;
    console.log(`bench/rollout: one OpenSSH sshd on 127.0.0.1:${sshd.port} as ${user}, forks ${FORKS}, every PC its own root with simulated tools`);
    for (const n of sizes.length ? sizes : [200, 1000]) {
      const fleet = await makeFleet(join(base, `n${n}`), n, sshd, user);
      const planFile = join(fleet.dir, 'plan.json');
      await writeFile(planFile, JSON.stringify(fleet.plan));
      console.log(`N = ${n} (${fleet.plan.summary.steps} steps)`);
      const floor = await measure('floor', planFile, join(fleet.dir, 'floor.json'));
      console.log(line(floor));
      await resetRoots(fleet.roots, user);
      const ours = await measure('ours', planFile, join(fleet.dir, 'ours.json'));
      console.log(line(ours));
      console.log(`  homeshift / floor: ${(floor.wallMs / ours.wallMs).toFixed(2)} of the floor's machines/s (target >= 0.85 at N = 1,000)`);
      if (n >= 1000) {
        await resetRoots(fleet.roots, user);
        const bare = await measure('ours-nojournal', planFile, join(fleet.dir, 'bare.json'));
        console.log(line(bare));
        console.log(`  journal overhead: ${(((ours.wallMs - bare.wallMs) / bare.wallMs) * 100).toFixed(1)}% of wall time (SQLite + per-machine log files; target <= 5%)`);
      }
      await rm(fleet.dir, { recursive: true, force: true });
    }
    if (withAnsible) await ansibleLines(base, sshd, user);
    else if (!process.argv.includes('--no-ansible')) console.log('ansible: not measured (ansible-playbook is not installed: apt-get install -y ansible-core)');
    if (!process.argv.includes('--no-windows')) await windowsLine(base, windowsN);
  } finally {
    await sshd.stop();
    await rm(base, { recursive: true, force: true });
  }
}

/** homeshift against ansible-playbook on the same 100 PCs, and against Ansible with Mitogen where it is installed. */
async function ansibleLines(base: string, sshd: Sshd, user: string): Promise<void> {
  const n = 100;
  const fleet = await makeFleet(join(base, 'ansible'), n, sshd, user);
  const planFile = join(fleet.dir, 'plan.json');
  await writeFile(planFile, JSON.stringify(fleet.plan));
  const ours = await measure('ours', planFile, join(fleet.dir, 'ours.json'));
  const oRate = n / (ours.wallMs / 1000);
  const mitogen = await findMitogenStrategies();
  const kinds: [string, string | undefined][] = [['ansible-playbook (forks 50, pipelining)', undefined]];
  if (mitogen) kinds.push(['ansible-playbook + Mitogen (mitogen_linear, forks 50)', mitogen]);
  else console.log('ansible + Mitogen: not measured (ansible_mitogen is not installed for python3)');
  for (const [name, strategies] of kinds) {
    await resetRoots(fleet.roots, user);
    const dir = await writeAnsible(join(fleet.dir, strategies ? 'ansible-mitogen' : 'ansible'), fleet.plan, sshd, user, strategies);
    const a = await runAnsible(dir);
    if (!a.ok) {
      console.log(`N = ${n}: ${name}: not measured (it failed: ${a.tail.split('\n').filter(Boolean).slice(-2).join(' / ')})`);
      continue;
    }
    const aRate = n / (a.wallMs / 1000);
    console.log(`N = ${n}: ${name} ${aRate.toFixed(1)} machines/s, wall ${(a.wallMs / 1000).toFixed(1)} s`);
    console.log(`  homeshift ${oRate.toFixed(1)} machines/s: ${(oRate / aRate).toFixed(1)}x ${name.split(' (')[0]} (target >= 30x)`);
  }
}

await main();
