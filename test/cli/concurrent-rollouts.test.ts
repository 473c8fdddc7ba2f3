/**
 * Several real `homeshift rollout` processes on one lab and one shared SQLite journal: machine leases keep any PC
 * from being worked on by two of them at once, a killed controller's PCs are taken over after leaseTimeout, and
 * two resumes of one run lose no result.
 */
import Database from 'better-sqlite3';
import { execa, type ResultPromise } from 'execa';
import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '../../src/lab/index.js';
import { BIN, machineResults, runCli } from './run-cli.js';
import { failedPcs, roomyLimits } from '../support/lab-room.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Event = { kind: string; runId?: string; counts?: Record<string, number>; result?: { machine: string; status: string } };
const events = (stdout: string): Event[] => stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
const finalCounts = (stdout: string) => events(stdout).find((e) => e.kind === 'run-finished')!.counts!;

function rollout(lab: Lab, args: string[]): ResultPromise<{ reject: false }> {
  return execa(process.execPath, [BIN, '-C', lab.projectDir, 'rollout', '--yes', '--json', ...args], { reject: false, env: { NO_COLOR: '1' }, stdin: 'ignore' }) as never;
}

function openJournal(lab: Lab): Database.Database {
  return new Database(join(lab.projectDir, '.homeshift', 'journal.db'), { readonly: true });
}

/** (machine, step) pairs journaled `changed` more than once over every run. */
function changedTwice(db: Database.Database): unknown[] {
  return db.prepare("SELECT machine, step, count(*) AS n FROM step_results WHERE status = 'changed' GROUP BY machine, step HAVING n > 1").all();
}

async function recordedCount(lab: Lab): Promise<number> {
  const file = join(lab.projectDir, '.homeshift', 'journal.db');
  if (!existsSync(file)) return 0;
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare("SELECT count(*) AS n FROM run_machines WHERE status != 'pending'").get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0; // the schema may not be there yet
  }
}

// Labs of 20-40 PCs and two or three controllers at once: minutes, not seconds, on a 2-core machine under the suite's load.
const LONG = 240_000;

describe('concurrent rollouts on one journal', () => {
  let dir: string;
  const labs: Lab[] = [];
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'homeshift-leases-')); });
  afterAll(async () => {
    for (const lab of labs) await lab.stop();
    await rm(dir, { recursive: true, force: true, maxRetries: 5 });
  });

  async function newLab(name: string, machines: number, options: { faults?: string; leaseTimeout?: string } = {}): Promise<Lab> {
    const lab = await startLab({ dir: join(dir, name), machines, sites: 3, faults: options.faults });
    labs.push(lab);
    if (options.leaseTimeout) await appendFile(join(lab.projectDir, 'homeshift.yaml'), `\nleaseTimeout: ${options.leaseTimeout}\n`);
    await roomyLimits(lab.projectDir); // these tests are about leases, not limits
    return lab;
  }

  it('three rollouts on overlapping selections personalise every PC exactly once', async () => {
    const lab = await newLab('three', 60);
    expect(lab.machines.filter((m) => m.id.startsWith('BRU-')).length).toBeGreaterThan(0);
    const runs = await Promise.all([
      rollout(lab, ['--forks', '30']),
      rollout(lab, ['--forks', '30']),
      rollout(lab, ['--forks', '30', '--limit', 'BRU-*']),
    ]);
    for (const run of runs) expect({ exit: run.exitCode, failed: failedPcs(String(run.stdout)), stderr: String(run.stderr).slice(-400) }).toMatchObject({ exit: 0, failed: [] });
    const counts = runs.map((r) => finalCounts(String(r.stdout)));
    expect(counts.reduce((sum, c) => sum + c.changed, 0)).toBe(60);
    for (const c of counts) expect(c.failed + c.unreachable + c.interrupted).toBe(0);
    // a PC another run had is reported busy with its holder, in the summary line and the counts
    const busy = runs.filter((r, i) => counts[i].busy > 0);
    for (const run of busy) expect(String(run.stderr)).toMatch(/\d+ busy \(\d+ held by run \S+ by \S+@\S+ pid \d+/);
    expect(counts.reduce((sum, c) => sum + c.busy, 0)).toBeGreaterThan(0);

    const db = openJournal(lab);
    try {
      expect(changedTwice(db)).toEqual([]);
      expect(db.prepare("SELECT count(*) AS n FROM run_machines WHERE status = 'changed'").get()).toEqual({ n: 60 });
      expect(db.prepare('SELECT count(*) AS n FROM leases').get()).toEqual({ n: 0 });
    } finally {
      db.close();
    }
    const status = JSON.parse(String((await runCli(['-C', lab.projectDir, 'status', '--format', 'json'])).stdout));
    expect(status.totals).toMatchObject({ machines: 60, done: 60, open: 0 });
  }, LONG);

  it('a PC leased by another live run is left alone; --resume finishes it once the lease is free', async () => {
    const lab = await newLab('busy', 6);
    const first = await runCli(['-C', lab.projectDir, 'rollout', '--yes', '--json', '--limit', lab.machines[0].id]);
    expect(first.exitCode).toBe(0);
    // another controller holds two PCs
    const file = join(lab.projectDir, '.homeshift', 'journal.db');
    const db = new Database(file);
    const until = new Date(Date.now() + 10 * 60_000).toISOString();
    const hold = db.prepare(`INSERT INTO leases (machine, run_id, who, pid, taken_at, expires_at) VALUES (?, 'other-run', 'bob@ctl2', 4242, ?, ?)`);
    for (const m of lab.machines.slice(1, 3)) hold.run(m.id, new Date().toISOString(), until);
    db.close();

    const run = await runCli(['-C', lab.projectDir, 'rollout', '--yes', '--json']);
    expect(run.exitCode).toBe(0);
    const results = machineResults(String(run.stdout));
    expect(results.filter((r) => r.status === 'busy').map((r) => r.machine).sort()).toEqual(lab.machines.slice(1, 3).map((m) => m.id).sort());
    expect(finalCounts(String(run.stdout))).toMatchObject({ busy: 2, changed: 3, ok: 1, failed: 0 });
    expect(String(run.stderr)).toContain('2 busy (2 held by run other-run by bob@ctl2 pid 4242)');
    const cases = JSON.parse(String((await runCli(['-C', lab.projectDir, 'status', '--format', 'json'])).stdout));
    expect(cases.totals).toMatchObject({ open: 0, neverTried: 0, unfinished: 2 }); // pending in the run, for rollout --resume

    const free = new Database(file);
    free.prepare("DELETE FROM leases WHERE run_id = 'other-run'").run();
    free.close();
    const resumed = await runCli(['-C', lab.projectDir, 'rollout', '--resume', '--yes', '--json']);
    expect(resumed.exitCode).toBe(0);
    expect(machineResults(String(resumed.stdout)).map((r) => [r.machine, r.status]).sort()).toEqual(lab.machines.slice(1, 3).map((m) => [m.id, 'changed']).sort());
  }, LONG);

  it('a lease from another control machine whose holder stopped renewing is taken over once it expires (--wait-busy)', async () => {
    const lab = await newLab('expiry', 4, { leaseTimeout: '3s' });
    const first = await runCli(['-C', lab.projectDir, 'rollout', '--yes', '--json', '--limit', lab.machines[0].id]);
    expect(first.exitCode).toBe(0);
    const file = join(lab.projectDir, '.homeshift', 'journal.db');
    const db = new Database(file);
    db.prepare(`INSERT INTO leases (machine, run_id, who, pid, taken_at, expires_at) VALUES (?, 'gone-run', 'bob@ctl-elsewhere', 1, ?, ?)`)
      .run(lab.machines[1].id, new Date().toISOString(), new Date(Date.now() + 10 * 60_000).toISOString());
    const child = rollout(lab, ['--wait-busy']);
    await new Promise<void>((resolve) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += String(chunk);
        if (out.includes('"machines-waiting"')) resolve();
      });
    });
    // the holder's last renewal: from now on nobody renews it, so it expires after leaseTimeout (3 s)
    db.prepare('UPDATE leases SET expires_at = ? WHERE run_id = ?').run(new Date(Date.now() + 3000).toISOString(), 'gone-run');
    db.close();
    const run = await child;
    expect(run.exitCode).toBe(0);
    const waiting = events(String(run.stdout)).filter((e) => e.kind === 'machines-waiting');
    expect(waiting).toEqual([
      expect.objectContaining({ machines: 1, busy: [{ holder: { runId: 'gone-run', who: 'bob@ctl-elsewhere', pid: 1 }, machines: [lab.machines[1].id] }] }),
      expect.objectContaining({ machines: 0, busy: [] }),
    ]);
    expect(machineResults(String(run.stdout)).map((r) => [r.machine, r.status]).sort()).toEqual(lab.machines.map((m, i) => [m.id, i === 0 ? 'ok' : 'changed']).sort());
  }, LONG);

  it('kill -9 of one of two controllers: the survivor with --wait-busy finishes its PCs, nothing is applied twice', async () => {
    const lab = await newLab('kill', 30, { faults: 'slow=100%:delay=1', leaseTimeout: '3s' });
    const victim = rollout(lab, ['--forks', '3']);
    let recorded = 0;
    for (let i = 0; i < 600 && recorded < 3; i++) {
      await sleep(50);
      recorded = await recordedCount(lab);
    }
    const survivor = rollout(lab, ['--forks', '6', '--wait-busy']);
    await new Promise<void>((resolve) => {
      let out = '';
      survivor.stdout!.on('data', (chunk: Buffer) => {
        out += String(chunk);
        if (out.includes('"run-started"')) resolve();
      });
    });
    await sleep(200);
    const beforeKill = openJournal(lab);
    const held = (beforeKill.prepare('SELECT machine FROM leases WHERE pid = ?').all(victim.pid) as { machine: string }[]).map((r) => r.machine);
    beforeKill.close();
    const killedAt = new Date().toISOString();
    victim.kill('SIGKILL');
    const dead = await victim;
    expect(dead.signal).toBe('SIGKILL');
    const byVictim = new Map(machineResults(String(dead.stdout)).filter((r) => r.status !== 'busy').map((r) => [r.machine, r as unknown as { startedAt: string; finishedAt: string }]));
    const orphaned = held.filter((m) => !byVictim.has(m));
    expect(orphaned.length).toBeGreaterThan(0); // PCs the victim was working on when it died

    const run = await survivor;
    expect({ exit: run.exitCode, stderr: String(run.stderr).slice(-400) }).toMatchObject({ exit: 0 });
    expect(finalCounts(String(run.stdout))).toMatchObject({ failed: 0, unreachable: 0, interrupted: 0, busy: 0 });
    const bySurvivor = new Map(machineResults(String(run.stdout)).map((r) => [r.machine, r as unknown as { startedAt: string; status: string }]));
    // never both at once: the survivor started a PC only after the victim was done with it, or dead
    for (const m of orphaned) expect([m, bySurvivor.get(m)!.startedAt >= killedAt]).toEqual([m, true]);
    for (const [m, v] of byVictim) expect([m, bySurvivor.get(m)!.startedAt >= v.finishedAt]).toEqual([m, true]);

    const db = openJournal(lab);
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(changedTwice(db)).toEqual([]);
      const done = db.prepare("SELECT count(DISTINCT machine) AS n FROM run_machines WHERE status IN ('changed', 'ok')").get();
      expect(done).toEqual({ n: 30 });
    } finally {
      db.close();
    }
    // the dead run's unfinished PCs stay resumable; resuming it re-checks them and changes nothing
    const resumed = await runCli(['-C', lab.projectDir, 'rollout', '--resume', '--yes', '--json']);
    expect(resumed.exitCode).toBe(0);
    expect(finalCounts(String(resumed.stdout))).toMatchObject({ changed: 0, failed: 0 });
  }, LONG);

  it('two --resume of one crashed run started together lose no result', async () => {
    const lab = await newLab('resume', 40, { leaseTimeout: '3s' });
    const crashed = rollout(lab, ['--forks', '2']);
    let recorded = 0;
    for (let i = 0; i < 600 && recorded < 6; i++) {
      await sleep(50);
      recorded = await recordedCount(lab);
    }
    crashed.kill('SIGKILL');
    expect((await crashed).signal).toBe('SIGKILL');
    const before = openJournal(lab);
    const kept = before.prepare("SELECT machine, status FROM run_machines WHERE status != 'pending'").all() as { machine: string; status: string }[];
    before.close();

    const [a, b] = await Promise.all([
      rollout(lab, ['--resume', '--forks', '5', '--wait-busy']),
      rollout(lab, ['--resume', '--forks', '5', '--wait-busy']),
    ]);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    const worked = [a, b].map((r) => machineResults(String(r.stdout)).filter((x) => x.status !== 'busy'));
    const byA = new Set(worked[0].map((r) => r.machine));
    expect(worked[1].filter((r) => byA.has(r.machine))).toEqual([]); // no PC worked on by both
    const db = openJournal(lab);
    try {
      const rows = db.prepare('SELECT machine, status FROM run_machines').all() as { machine: string; status: string }[];
      expect(rows).toHaveLength(40);
      expect(rows.filter((r) => r.status === 'pending')).toEqual([]);
      const journaled = new Map(rows.map((r) => [r.machine, r.status]));
      // every result either resume reported is the one the journal kept, and so is every result from before the crash
      for (const r of [...worked.flat(), ...kept]) expect([r.machine, journaled.get(r.machine)]).toEqual([r.machine, r.status]);
      expect(worked.flat().length + kept.length).toBe(40);
      expect(changedTwice(db)).toEqual([]);
    } finally {
      db.close();
    }
  }, LONG);
});
