/**
 * Team mode through the CLI in fresh processes: HOMESHIFT_JOURNAL=postgres://... for rollout, errors, status, log
 * and report against a real PostgreSQL server; a journal that cannot be used stops before any PC is touched.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '../../src/lab/index.js';
import { POSTGRES_MISSING, postgresAvailable, startPostgres, type Postgres } from '../support/postgres.js';
import { machineResults, runCli } from './run-cli.js';

const suite = postgresAvailable() ? describe : describe.skip;
if (!postgresAvailable()) console.warn(POSTGRES_MISSING);

suite('team journal on PostgreSQL', () => {
  let dir: string;
  let server: Postgres;
  let lab: Lab;
  let url: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'homeshift-teamjournal-'));
    server = await startPostgres({ password: 'team-secret' });
    url = await server.createDatabase('team');
    lab = await startLab({ dir: join(dir, 'lab'), machines: 12, sites: 2, faults: 'fail-mailbox=2' });
  }, 120_000);
  afterAll(async () => {
    await lab?.stop();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const env = (extra: Record<string, string> = {}) => ({ HOMESHIFT_JOURNAL: url, PGPASSWORD: 'team-secret', ...extra });

  it('rollout, errors, status, log and report answer from the shared database; no SQLite file appears', async () => {
    const run = await runCli(['-C', lab.projectDir, 'rollout', '--yes', '--json'], { env: env() });
    expect(run.exitCode).toBe(3);
    expect(machineResults(String(run.stdout)).filter((r) => r.status === 'failed')).toHaveLength(2);
    expect(existsSync(join(lab.projectDir, '.homeshift/journal.db'))).toBe(false);
    expect(existsSync(join(lab.projectDir, '.homeshift/logs'))).toBe(true);

    const errors = await runCli(['-C', lab.projectDir, 'errors', '--group', '--format', 'json'], { env: env() });
    expect(errors.exitCode).toBe(0);
    expect(JSON.parse(String(errors.stdout)).groups.map((g: { count: number }) => g.count)).toEqual([2]);

    const status = await runCli(['-C', lab.projectDir, 'status', '--format', 'json'], { env: env() });
    expect(JSON.parse(String(status.stdout)).totals).toMatchObject({ machines: 12, open: 2, done: 10 });

    const failed = lab.machines.find((m) => m.fault?.kind === 'fail-mailbox')!;
    const log = await runCli(['-C', lab.projectDir, 'log', failed.id], { env: env() });
    expect(log.stdout).toContain('mailbox failed');

    const html = join(dir, 'report.html');
    const report = await runCli(['-C', lab.projectDir, 'report', '--html', html], { env: env() });
    expect(report.exitCode).toBe(0);
    const page = await readFile(html, 'utf8');
    expect(page).toContain('from the PostgreSQL journal'); // named by its kind: no server address or path in a report that is mailed around
    expect(page).not.toContain(`127.0.0.1:${server.port}`);
    for (const text of [run.stdout, run.stderr, errors.stdout, status.stdout, log.stdout, report.stdout, page]) expect(String(text)).not.toContain('team-secret');
  });

  it('journal copy takes the repository journal by default: the team database into a SQLite file', async () => {
    const file = join(dir, 'copy.db');
    const copy = await runCli(['-C', lab.projectDir, 'journal', 'copy', '--to', file], { env: env() });
    expect(copy.exitCode).toBe(0);
    expect(String(copy.stdout)).toMatch(/^copied 1 run\(s\), 12 run machine\(s\), \d+ step\(s\), 2 case\(s\), 10 machine state\(s\), \d+ case event\(s\), 0 notify deliveries\n  from postgres:\/\/homeshift@127\.0\.0\.1:\d+\/team\n  to   .*copy\.db$/);
    const status = await runCli(['-C', lab.projectDir, 'status', '--format', 'json'], { env: { HOMESHIFT_JOURNAL: file } });
    expect(JSON.parse(String(status.stdout)).totals).toMatchObject({ machines: 12, open: 2, done: 10 });
  });

  it('an unreachable journal is one message and exit 2, before any PC is touched', async () => {
    const before = lab.stats();
    const closed = `postgres://homeshift@127.0.0.1:${server.port + 1}/team`;
    for (const args of [['rollout', '--yes'], ['status'], ['errors', '--group']]) {
      const r = await runCli(['-C', lab.projectDir, ...args], { env: { HOMESHIFT_JOURNAL: closed } });
      expect(r.exitCode).toBe(2);
      expect(String(r.stderr).trim().split('\n').filter((l) => l.startsWith('homeshift:'))).toEqual([
        `homeshift: journal ${closed}: cannot reach the journal server at 127.0.0.1:${server.port + 1}: connection refused; nothing was touched`,
      ]);
    }
    const wrong = await runCli(['-C', lab.projectDir, 'rollout', '--yes'], { env: env({ PGPASSWORD: 'guess' }) });
    expect(wrong.exitCode).toBe(2);
    expect(String(wrong.stderr)).toContain('password authentication failed for user homeshift');
    expect(lab.stats()).toEqual(before);
  });

  it('a password in homeshift.yaml is a validation error at its line and column', async () => {
    const file = join(lab.projectDir, 'homeshift.yaml');
    const original = await readFile(file, 'utf8');
    try {
      await writeFile(file, `${original.replace(/^journal:.*\n/m, '')}journal: postgres://homeshift:hunter2@127.0.0.1:${server.port}/team\n`);
      const line = (await readFile(file, 'utf8')).split('\n').findIndex((l) => l.startsWith('journal:')) + 1;
      const r = await runCli(['-C', lab.projectDir, 'validate']);
      expect(r.exitCode).toBe(2);
      expect(String(r.stdout) + String(r.stderr)).toContain(`homeshift.yaml:${line}:10`);
      expect(String(r.stdout) + String(r.stderr)).toContain('journal: the PostgreSQL URL holds a password');
      expect(String(r.stdout) + String(r.stderr)).not.toContain('hunter2');
    } finally {
      await writeFile(file, original);
    }
  });
});
