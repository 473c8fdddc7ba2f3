/**
 * "Whose cases are these?" against a real journal, SQLite and PostgreSQL: case list --owner me (HOMESHIFT_ME),
 * a case given to a routing group's queue and found with errors --owner GROUP, notes in errors, status and
 * case list, and the journal selectors @mine, @stale and @reboot.
 */
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '../../src/lab/index.js';
import { POSTGRES_MISSING, postgresAvailable, startPostgres, type Postgres } from '../support/postgres.js';
import { EXAMPLE_ROUTING } from '../support/routing.js';
import { runCli } from './run-cli.js';

type Case = { machine: string; site: string; owner: string | null; note?: string };
const ME = 'Anna.Berg@example-telco.de';

function myCasesSuite(journal: 'sqlite' | 'postgres'): void {
  const available = journal === 'sqlite' || postgresAvailable();
  if (!available) console.warn(POSTGRES_MISSING);
  (available ? describe : describe.skip)(`my cases on ${journal}`, () => {
    let dir: string;
    let lab: Lab;
    let server: Postgres | undefined;
    let env: Record<string, string>;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), `homeshift-mine-${journal}-`));
      env = { HOMESHIFT_ME: ME };
      if (journal === 'postgres') {
        server = await startPostgres();
        env.HOMESHIFT_JOURNAL = await server.createDatabase('mine');
      }
      lab = await startLab({ dir: join(dir, 'lab'), machines: 12, sites: 2, faults: 'fail-mailbox=4' });
      await appendFile(join(lab.projectDir, 'homeshift.yaml'), EXAMPLE_ROUTING.replace('rules:', 'rules: []\n  unused:').replace(/\n {4}- .*/g, '')
        .replace('  unused:\n', '').replace('hr-data@example-telco.de]', `hr-data@example-telco.de, ${ME.toLowerCase()}]`));
    }, 120_000);
    afterAll(async () => {
      await lab?.stop();
      await server?.stop();
      await rm(dir, { recursive: true, force: true });
    });
    const cli = (...args: string[]) => runCli(['-C', lab.projectDir, ...args], { env });
    const json = async (...args: string[]) => {
      const r = await cli(...args);
      if (r.exitCode !== 0) throw new Error(`${args.join(' ')}: exit ${r.exitCode}\n${r.stderr}`);
      return JSON.parse(String(r.stdout));
    };

    it('lists my cases, a group queue, notes; @mine, @stale and @reboot select from the journal', async () => {
      expect((await cli('rollout', '--yes', '--json')).exitCode).toBe(3);
      const all = (await json('case', 'list', '--format', 'json')).cases as Case[];
      expect(all).toHaveLength(4);
      expect((await json('case', 'list', '--owner', 'me', '--format', 'json')).cases).toEqual([]);

      const [mine, queued] = all;
      expect(String((await cli('case', 'assign', mine.machine, '--to', 'me')).stdout)).toMatch(/assigned to anna\.berg@example-telco\.de/);
      expect(String((await cli('case', 'assign', queued.machine, '--to', 'directory-team')).stdout)).toMatch(/assigned to directory-team/);
      expect((await cli('case', 'note', mine.machine, 'employee on leave until Monday')).exitCode).toBe(0);

      // me: my own case and the queue of the group I am a member of
      const listed = (await json('case', 'list', '--owner', 'me', '--format', 'json')).cases as Case[];
      expect(listed.map((c) => c.machine).sort()).toEqual([mine.machine, queued.machine].sort());
      expect(listed.find((c) => c.machine === mine.machine)!.note).toMatch(/^employee on leave until Monday/);
      const group = (await json('errors', '--owner', 'directory-team', '--format', 'json')).cases as Case[];
      expect(group.map((c) => c.machine).sort()).toEqual([mine.machine, queued.machine].sort());
      expect((await json('errors', '--owner', 'central-it', '--format', 'json')).cases).toEqual([]);
      expect(String((await cli('errors')).stdout)).toMatch(/employee on leave until Monday/);
      const status = await json('status', '--owner', 'me', '--format', 'json');
      expect(status.sites.flatMap((s: { cases: Case[] }) => s.cases).map((c: Case) => c.machine).sort()).toEqual([mine.machine, queued.machine].sort());
      expect(String((await cli('status', '--owner', 'me')).stdout)).toMatch(/employee on leave/);
      expect((await cli('case', 'list', '--owner', 'me')).exitCode).toBe(0);
      expect((await json('status', '--limit', '@mine', '--format', 'json')).totals.machines).toBe(2);
      expect((await json('status', '--limit', '@reboot', '--format', 'json')).totals.machines).toBe(0);

      // nothing is stale until the plan changes; then the PCs that succeeded are
      expect((await json('status', '--limit', '@stale', '--format', 'json')).totals.machines).toBe(0);
      const config = join(lab.projectDir, 'homeshift.yaml');
      const text = await readFile(config, 'utf8');
      const changed = text.replace('mailServer: mail.example-telco.de', 'mailServer: mail2.example-telco.de');
      expect(changed).not.toBe(text);
      await writeFile(config, changed);
      const expected = lab.machines.length - all.length;
      const stale = await json('status', '--limit', '@stale', '--format', 'json');
      expect(stale.totals.machines).toBe(expected);
      expect(stale.totals.stale).toBe(expected);
      expect((await cli('case', 'list', '--owner', 'me', '--format', 'json', '--json')).exitCode).toBe(0);
    }, 240_000);

    it('--owner me without an identity is a usage error that says how to set it', async () => {
      const r = await runCli(['-C', lab.projectDir, 'case', 'list', '--owner', 'me'], { env: { ...env, HOMESHIFT_ME: '', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', HOME: dir } });
      expect(r.exitCode).toBe(1);
      expect(String(r.stderr)).toMatch(/HOMESHIFT_ME/);
    });
  });
}

myCasesSuite('sqlite');
myCasesSuite('postgres');
