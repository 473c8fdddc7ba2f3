/** homeshift.yaml's leaseTimeout: a duration of at least 3 s (three renewals fit in it); anything else is invalid input. */
import { appendFile, cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseLeaseTimeout } from '../../src/config/project-config.js';
import { runCli } from './run-cli.js';

const EXAMPLE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'service-center');

describe('leaseTimeout', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'homeshift-lease-timeout-')); });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('reads seconds, minutes and hours', () => {
    expect([parseLeaseTimeout('3s'), parseLeaseTimeout('90s'), parseLeaseTimeout('5m'), parseLeaseTimeout('1h')]).toEqual([3000, 90_000, 300_000, 3_600_000]);
  });

  it.each([['2s'], ['0m'], ['5 minutes'], ['300']])('refuses %s with file:line:col and exit 2', async (value) => {
    const project = join(dir, `p-${value.replace(/\W/g, '_')}`);
    await cp(EXAMPLE, project, { recursive: true });
    await appendFile(join(project, 'homeshift.yaml'), `leaseTimeout: ${JSON.stringify(value)}\n`);
    const line = (await readFile(join(project, 'homeshift.yaml'), 'utf8')).trimEnd().split('\n').length;
    const run = await runCli(['-C', project, 'validate']);
    expect(run.exitCode).toBe(2);
    expect(String(run.stderr) + String(run.stdout)).toMatch(new RegExp(`homeshift\\.yaml:${line}:\\d+ leaseTimeout must be a duration of at least 3s`));
  });

  it('accepts 3s and more', async () => {
    const project = join(dir, 'ok');
    await cp(EXAMPLE, project, { recursive: true });
    await appendFile(join(project, 'homeshift.yaml'), 'leaseTimeout: 3s\n');
    expect((await runCli(['-C', project, 'validate'])).exitCode).toBe(0);
  });
});
