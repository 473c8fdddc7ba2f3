/**
 * Three real `homeshift rollout` processes on one lab with HOMESHIFT_JOURNAL=postgres://...: the team journal's
 * leases keep any PC from being worked on twice, exactly as the shared SQLite file does.
 */
import { execa, type ResultPromise } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startLab, type Lab } from '../../src/lab/index.js';
import { POSTGRES_MISSING, postgresAvailable, startPostgres, type Postgres } from '../support/postgres.js';
import { BIN, runCli } from './run-cli.js';
import { failedPcs, roomyLimits } from '../support/lab-room.js';

const suite = postgresAvailable() ? describe : describe.skip;
if (!postgresAvailable()) console.warn(POSTGRES_MISSING);

type Event = { kind: string; counts?: Record<string, number> };
const finalCounts = (stdout: string): Record<string, number> =>
  stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Event).find((e) => e.kind === 'run-finished')!.counts!;

suite('concurrent rollouts on one PostgreSQL journal', () => {
  let dir: string;
  let server: Postgres;
  let lab: Lab;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'homeshift-pgleases-'));
    server = await startPostgres();
    lab = await startLab({ dir: join(dir, 'lab'), machines: 60, sites: 3 });
    await roomyLimits(lab.projectDir); // the test is about leases, not limits
  }, 120_000);
  afterAll(async () => {
    await lab?.stop();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('three rollouts on overlapping selections personalise every PC exactly once', async () => {
    const url = await server.createDatabase('three');
    const env = { NO_COLOR: '1', HOMESHIFT_JOURNAL: url };
    const rollout = (args: string[]) =>
      execa(process.execPath, [BIN, '-C', lab.projectDir, 'rollout', '--yes', '--json', '--forks', '30', ...args], { reject: false, env, stdin: 'ignore' }) as ResultPromise<{ reject: false }>;
    const runs = await Promise.all([rollout([]), rollout([]), rollout(['--limit', 'BRU-*'])]);
    for (const run of runs) expect({ exit: run.exitCode, failed: failedPcs(String(run.stdout)), stderr: String(run.stderr).slice(-400) }).toMatchObject({ exit: 0, failed: [] });
    const counts = runs.map((r) => finalCounts(String(r.stdout)));
    expect(counts.reduce((sum, c) => sum + c.changed, 0)).toBe(60);
    for (const c of counts) expect(c.failed + c.unreachable + c.interrupted).toBe(0);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const twice = await client.query(`SELECT machine, step FROM step_results WHERE status = 'changed' GROUP BY machine, step HAVING count(*) > 1`);
      expect(twice.rows).toEqual([]);
      expect((await client.query('SELECT count(*) AS n FROM leases')).rows[0].n).toBe('0');
    } finally {
      await client.end();
    }
    const status = JSON.parse(String((await runCli(['-C', lab.projectDir, 'status', '--format', 'json'], { env: { HOMESHIFT_JOURNAL: url } })).stdout));
    expect(status.totals).toMatchObject({ machines: 60, open: 0, done: 60 });
    // runs that found PCs busy end with them pending (for --resume); none is left running or stopped
    for (const run of status.runs as { state: string }[]) expect(run.state).toBe('ended');
  });
});
