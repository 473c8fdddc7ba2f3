/**
 * Two `homeshift keep` processes on one PostgreSQL journal, one of them killed with SIGKILL while it works:
 * the other takes over its PCs when their leases expire; every PC is personalised exactly once.
 */
import { execa, type ResultPromise } from 'execa';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { startLab, type Lab } from '../../src/lab/index.js';
import { POSTGRES_MISSING, postgresAvailable, startPostgres, type Postgres } from '../support/postgres.js';
import { BIN } from './run-cli.js';

const suite = postgresAvailable() ? describe : describe.skip;
if (!postgresAvailable()) console.warn(POSTGRES_MISSING);

suite('two keepers on one PostgreSQL journal', () => {
  let dir: string;
  let server: Postgres;
  let lab: Lab;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'homeshift-pgkeep-'));
    server = await startPostgres();
    lab = await startLab({ dir: join(dir, 'lab'), machines: 20, sites: 2, windows: '0', power: 'off=6' });
    await appendFile(join(lab.projectDir, 'homeshift.yaml'), 'leaseTimeout: 5s\n'); // a killed keeper's PCs come free soon
  }, 120_000);
  afterAll(async () => {
    await lab?.stop();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('one kill -9: every PC exactly once, no lease left, every PC done', async () => {
    const url = await server.createDatabase('keepers');
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => undefined); // the server stops after the test
    const keep = () => {
      const child = execa(process.execPath, [BIN, '-C', lab.projectDir, 'keep', '--every', '1s', '--probe-timeout', '1s', '--backoff-cap', '0s', '--format', 'json', '--forks', '4'],
        { reject: false, env: { NO_COLOR: '1', HOMESHIFT_JOURNAL: url }, stdin: 'ignore' }) as ResultPromise<{ reject: false }>;
      const lines: string[] = [];
      const waiters: (() => void)[] = [];
      createInterface({ input: child.stdout! }).on('line', (l) => { lines.push(l); for (const w of waiters.splice(0)) w(); });
      const until = async (what: (lines: string[]) => boolean) => {
        while (!what(lines)) {
          if (child.exitCode !== null || child.signalCode !== null) throw new Error(`keep ended early: ${String((await child).stderr).slice(-400)}`);
          await new Promise<void>((done) => waiters.push(done));
        }
      };
      return { child, lines, until };
    };
    const a = keep();
    const b = keep();
    try {
      await a.until((lines) => lines.some((l) => l.includes('"machine-finished"'))); // a is in the middle of its first sweep
      a.child.kill('SIGKILL');
      await a.child;
      lab.setPower(lab.poweredOff(), true);
      await client.connect();
      for (;;) { // b's sweeps are the events: after each, is every PC done?
        const done = Number((await client.query('SELECT count(*) AS n FROM machine_state')).rows[0].n);
        if (done === 20) break;
        const seen = b.lines.length;
        await b.until((lines) => lines.length > seen && lines.at(-1)!.includes('"kind":"sweep"'));
      }
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    } finally {
      if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill('SIGKILL');
      b.child.kill('SIGTERM');
    }
    expect((await b.child).exitCode).toBe(0);
    try {
      const twice = await client.query(`SELECT machine, step FROM step_results WHERE status = 'changed' GROUP BY machine, step HAVING count(*) > 1`);
      expect(twice.rows).toEqual([]);
      expect((await client.query('SELECT count(*) AS n FROM leases')).rows[0].n).toBe('0');
      expect((await client.query("SELECT count(*) AS n FROM cases WHERE status = 'open'")).rows[0].n).toBe('0');
      expect((await client.query('SELECT count(*) AS n FROM machine_presence WHERE unseen_since IS NOT NULL')).rows[0].n).toBe('0');
    } finally {
      await client.end();
    }
  }, 300_000);
});
