/**
 * A real `homeshift rollout` child is killed with SIGKILL mid-run against the lab; `rollout --resume` finishes the
 * same run: the journal is intact, every planned machine has exactly one final result, no step changed twice.
 */
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '../../src/lab/index.js';
import { localTime } from '../../src/model/local-time.js';
import { BIN, runCli } from './run-cli.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('rollout --resume after kill -9', () => {
  let lab: Lab;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'homeshift-resume-'));
    lab = await startLab({ dir: join(dir, 'lab'), machines: 40, sites: 2 });
  });
  afterAll(async () => {
    await lab?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('finishes the killed run without redoing finished machines', async () => {
    const journal = join(lab.projectDir, '.homeshift', 'journal.db');
    const child = execa(process.execPath, [BIN, '-C', lab.projectDir, 'rollout', '--yes', '--forks', '2'], { reject: false, env: { NO_COLOR: '1' }, stdin: 'ignore' });
    // kill once some machines are recorded and some are not
    let finished = 0;
    for (let i = 0; i < 600 && finished < 6; i++) {
      await sleep(50);
      if (!existsSync(journal)) continue;
      try {
        const db = new Database(journal, { readonly: true, fileMustExist: true });
        finished = (db.prepare("SELECT count(*) AS n FROM run_machines WHERE status != 'pending'").get() as { n: number }).n;
        db.close();
      } catch {
        // the schema may not be there yet
      }
    }
    expect(finished).toBeGreaterThanOrEqual(6);
    child.kill('SIGKILL');
    const killed = await child;
    expect(killed.signal).toBe('SIGKILL');

    // status names the killed run, who started it, since when, how far, and the command that finishes it;
    // its PCs without a result are unfinished, not "never tried"
    const status = await runCli(['-C', lab.projectDir, 'status']);
    const killedRun = (() => {
      const db = new Database(journal, { readonly: true });
      try {
        return db.prepare('SELECT id, started_at AS startedAt FROM runs').get() as { id: string; startedAt: string };
      } finally {
        db.close();
      }
    })();
    expect(status.stdout).toMatch(new RegExp(`${killedRun.id} +apply +\\S+ +\\S+ +${localTime(killedRun.startedAt).replace(/[.+]/g, '\\$&')} +\\d+/40 +stopped: its controller is gone \\(crash or kill\\) +homeshift rollout --resume`));
    const json = JSON.parse(String((await runCli(['-C', lab.projectDir, 'status', '--json'])).stdout));
    expect(json.runs).toEqual([expect.objectContaining({ id: killedRun.id, state: 'stopped', resume: 'homeshift rollout --resume' })]);
    const { done } = json.runs[0] as { done: number };
    expect(json.totals).toMatchObject({ machines: 40, neverTried: 0, unfinished: 40 - done });
    expect(status.stdout).toMatch(new RegExp(`total +40 +\\d+ +\\d+ +\\d+ +${40 - done} +0 +0`));

    const resumed = await runCli(['-C', lab.projectDir, 'rollout', '--resume', '--yes', '--json']);
    expect(resumed.stderr).toMatch(/resuming run/);
    expect(resumed.exitCode).toBe(0);

    const db = new Database(journal, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const runs = db.prepare('SELECT id, finished_at, outcome FROM runs').all() as { id: string; finished_at: string | null; outcome: string }[];
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ outcome: 'ok' });
      const rows = db.prepare('SELECT machine, status FROM run_machines WHERE run_id = ?').all(runs[0].id) as { machine: string; status: string }[];
      expect(rows).toHaveLength(40);
      expect(rows.filter((r) => r.status === 'pending')).toEqual([]);
      expect(new Set(rows.map((r) => r.machine)).size).toBe(40);
      const twice = db.prepare("SELECT machine, step, count(*) AS n FROM step_results WHERE status = 'changed' GROUP BY machine, step HAVING n > 1").all();
      expect(twice).toEqual([]);
    } finally {
      db.close();
    }
  });
});
