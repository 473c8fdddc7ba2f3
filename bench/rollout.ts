/**
 * bench/rollout: homeshift against a real OpenSSH sshd on loopback, N = 200 and 1,000 machine entries, next to a bare
 * ssh2 floor doing the same file work at the same concurrency; journal overhead at 1,000; ansible-playbook at 100.
 * Prints figures; asserts nothing. Usage: npm run bench (or node dist-bench/bench/rollout.js [--no-ansible]).
 */
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureUnprivilegedUser, startSshd, sshdAvailable, SSHD_MISSING, UNPRIVILEGED_USER } from '../test/support/sshd.js';
import { runAnsible, writeAnsible } from './support/ansible.js';
import { makeFleet, resetRoots } from './support/fleet.js';
import type { Measurement } from './support/measure.js';

const FORKS = 50;
const MEASURE = fileURLToPath(new URL('./support/measure.js', import.meta.url));

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function measure(method: string, planFile: string, outFile: string): Promise<Measurement> {
  await execa(process.execPath, [MEASURE, method, planFile, String(FORKS), outFile], { stdio: 'inherit' });
  return JSON.parse(await readFile(outFile, 'utf8')) as Measurement;
}

function line(m: Measurement): string {
  const rate = m.machines / (m.wallMs / 1000);
  const s = Object.entries(m.statuses).map(([k, v]) => `${k} ${v}`).join(', ');
  return `  ${m.method.padEnd(15)} ${rate.toFixed(1).padStart(6)} machines/s  wall ${(m.wallMs / 1000).toFixed(1).padStart(5)} s  p50 ${pct(m.perMachineMs, 50).toFixed(0).padStart(5)} ms  p95 ${pct(m.perMachineMs, 95).toFixed(0).padStart(5)} ms  peak RSS ${m.rssMb.toFixed(0).padStart(4)} MB  (${s})`;
}

async function main(): Promise<void> {
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
      console.log(`  homeshift / floor: ${(floor.wallMs / ours.wallMs).toFixed(2)} of the floor's machines/s (target >= 0.75)`);
      if (n >= 1000) {
        await resetRoots(fleet.roots, user);
        const bare = await measure('ours-nojournal', planFile, join(fleet.dir, 'bare.json'));
        console.log(line(bare));
        console.log(`  journal overhead: ${(((ours.wallMs - bare.wallMs) / bare.wallMs) * 100).toFixed(1)}% of wall time (SQLite + per-machine log files; target <= 5%)`);
      }
      await rm(fleet.dir, { recursive: true, force: true });
    }
    if (withAnsible) {
      const n = 100;
      const fleet = await makeFleet(join(base, 'ansible'), n, sshd, user);
      const planFile = join(fleet.dir, 'plan.json');
      await writeFile(planFile, JSON.stringify(fleet.plan));
      const ours = await measure('ours', planFile, join(fleet.dir, 'ours.json'));
      await resetRoots(fleet.roots, user);
      const dir = await writeAnsible(join(fleet.dir, 'ansible'), fleet.plan, sshd, user);
      const a = await runAnsible(dir);
      const aRate = n / (a.wallMs / 1000);
      const oRate = n / (ours.wallMs / 1000);
      console.log(`N = ${n}: ansible-playbook (forks 50, pipelining) ${aRate.toFixed(1)} machines/s, wall ${(a.wallMs / 1000).toFixed(1)} s${a.ok ? '' : ' (FAILED: ' + a.tail + ')'}`);
      console.log(`  homeshift ${oRate.toFixed(1)} machines/s: ${(oRate / aRate).toFixed(1)}x ansible-playbook (target >= 30x)`);
    }
  } finally {
    await sshd.stop();
    await rm(base, { recursive: true, force: true });
  }
}

await main();
