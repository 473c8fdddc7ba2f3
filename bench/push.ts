/**
 * bench/push: `push:` package sources. One installer file (100 MB of random bytes by default) goes to N = 50 Windows
 * lab PCs through homeshift's own push path (the Pusher over the real SSH transport: each PC's cache looked at with an
 * SFTP stat, the file written over SFTP into <file>.partial and renamed onto its name; no shell starts on a PC), all
 * PCs at once (--push-forks N). The floor, in the same run: N parallel `scp` (OpenSSH) of the same file into a real
 * OpenSSH sshd on loopback. A second push, with every PC holding the file, measures the cache checks alone: a
 * connection, an SFTP session and a stat per PC. Last line:
 *   push N=50: wall W s, scp floor F s (ratio R), file read K times
 * Usage: npm run bench -- push [N] [--mb=M]
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { loadProject } from '../src/config/index.js';
import { labDown, labUp } from '../src/lab/index.js';
import { formatCachedFiles, WINDOWS_PACKAGE_CACHE } from '../src/model/package-cache.js';
import type { MachinePlan } from '../src/model/plan.js';
import { buildPlan } from '../src/plan/index.js';
import { Pusher } from '../src/run/push.js';
import { targetFor } from '../src/run/target.js';
import { findPwsh } from '../src/shell/pwsh-path.js';
import { createSshTransport } from '../src/transport/index.js';
import { startSshd, sshdAvailable, SSHD_MISSING } from '../test/support/sshd.js';
import { PWSH_MISSING } from '../test/support/pwsh.js';

const LAB_SERVE = fileURLToPath(new URL('./support/lab-serve.js', import.meta.url));
const args = process.argv.slice(2);
const N = Number(args.find((a) => /^\d+$/.test(a)) ?? 50);
const MB = Number(args.find((a) => a.startsWith('--mb='))?.slice(5) ?? 100);
const seconds = (ms: number) => (ms / 1000).toFixed(1);

async function writeRandomFile(file: string, bytes: number): Promise<string> {
  const hash = createHash('sha256');
  const handle = await open(file, 'w');
  try {
    for (let left = bytes; left > 0; left -= 4 << 20) {
      const chunk = randomBytes(Math.min(left, 4 << 20));
      hash.update(chunk);
      await handle.write(chunk);
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

/** Every PC's plan with one step whose HS_SOURCES names the push file: what the Pusher reads of a plan. */
function pushPlans(plans: MachinePlan[], file: string, sha256: string): MachinePlan[] {
  const sources = formatCachedFiles([{ sha256, kind: 'push', location: file, credentialVar: '', cachePath: `${WINDOWS_PACKAGE_CACHE}/${sha256}/Installer.msi`, name: 'installer' }]);
  return plans.map((p) => ({ ...p, steps: [{ ...p.steps[0], id: 'bundle:bench', vars: { HS_SOURCES: sources } }] }));
}

/** All PCs at once: connect, push, close. Returns the wall time and the Pusher (its read count). */
async function pushAll(plans: MachinePlan[], projectRoot: string): Promise<{ ms: number; reads: number }> {
  const transport = createSshTransport();
  const pusher = new Pusher(projectRoot, plans.length);
  const started = performance.now();
  await Promise.all(plans.map(async (plan) => {
    // the lab's one process answers the SSH keepalives of all PCs while it moves their bytes; a real PC answers its own
    const conn = await transport.connect({ ...targetFor(plan, projectRoot), keepaliveMs: 60_000, connectTimeoutMs: 120_000 });
    try {
      await pusher.push(plan, conn, 1_800_000);
    } finally {
      await conn.close();
    }
  }));
  return { ms: performance.now() - started, reads: pusher.reads };
}

async function scpFloor(file: string, n: number, base: string): Promise<number> {
  const sshd = await startSshd({ extraConfig: ['MaxStartups 4000', 'MaxSessions 4000', 'Subsystem sftp internal-sftp'] }); // scp speaks SFTP
  try {
    const targets = Array.from({ length: n }, (_, i) => join(base, 'scp', String(i)));
    await Promise.all(targets.map((t) => mkdir(t, { recursive: true })));
    const started = performance.now();
    await Promise.all(targets.map((t) => execa('scp', ['-q', '-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${sshd.knownHostsFile}`, '-i', sshd.clientKeyFile, '-P', String(sshd.port), file, `${sshd.user}@127.0.0.1:${t}/Installer.msi`], { stdin: 'ignore' })));
    const ms = performance.now() - started;
    for (const t of targets) if ((await stat(join(t, 'Installer.msi'))).size !== MB << 20) throw new Error(`scp left a short file in ${t}`);
    return ms;
  } finally {
    await sshd.stop();
  }
}

async function main(): Promise<void> {
  if (!findPwsh()) return void console.log(`push: not measured (${PWSH_MISSING})`);
  if (!sshdAvailable()) return void console.log(`push: not measured (${SSHD_MISSING})`);
  const base = await mkdtemp(join(tmpdir(), 'homeshift-bench-push-'));
  const labDir = join(base, 'lab');
  try {
    const file = join(base, 'Installer.msi');
    const sha256 = await writeRandomFile(file, MB << 20);
    const lab = await labUp({ dir: labDir, machines: N, sites: 1, windows: '100%', command: [process.execPath, LAB_SERVE, labDir], timeoutMs: 60_000 + N * 500 });
    console.log(`bench/push: ${MB} MB to ${N} Windows lab PCs (lab pid ${lab.pid}), all at once (--push-forks ${N}); floor: ${N} parallel scp to an OpenSSH sshd`);
    const loaded = await loadProject({ projectDir: lab.projectDir });
    if (!loaded.project) throw new Error('the lab repository does not load');
    const plans = pushPlans(buildPlan(loaded.project).machines, file, sha256);

    const first = await pushAll(plans, lab.projectDir);
    for (const p of plans) {
      const cached = join(p.root, WINDOWS_PACKAGE_CACHE, sha256, 'Installer.msi');
      if ((await stat(cached)).size !== MB << 20) throw new Error(`${p.machine.id}: the cached file is short`);
    }
    const check = createHash('sha256').update(await readFile(join(plans[0].root, WINDOWS_PACKAGE_CACHE, sha256, 'Installer.msi'))).digest('hex');
    if (check !== sha256) throw new Error(`${plans[0].machine.id}: the cached file's hash differs`);
    const again = await pushAll(plans, lab.projectDir); // every PC has it: only the cache checks
    await labDown(labDir);
    const floor = await scpFloor(file, N, base);

    console.log(`  second push, every PC holding the file (nothing sent): ${seconds(again.ms)} s: a connection, an SFTP session and a stat per PC, no shell started`);
    console.log(`push N=${N}: wall ${seconds(first.ms)} s, scp floor ${seconds(floor)} s (ratio ${(first.ms / floor).toFixed(2)}), file read ${first.reads} times`);
  } finally {
    await labDown(labDir).catch(() => undefined);
    await rm(base, { recursive: true, force: true });
  }
}

await main();
