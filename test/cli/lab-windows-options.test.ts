/** --windows of lab up and demo: a bad share or Windows PCs without pwsh are usage errors that start nothing. */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './run-cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hs-winopt-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

test('lab up rejects a share that is not a count or percentage of the fleet', async () => {
  const bad = await runCli(['lab', 'up', '--machines', '4', '--windows', '120%', '--dir', join(dir, 'a')]);
  expect(bad.exitCode).toBe(1);
  expect(bad.stderr).toContain('--windows 120%: more than 100%');
  expect(existsSync(join(dir, 'a', 'lab.json'))).toBe(false);
});

test('without pwsh, asking for Windows PCs names the way to install it and starts nothing', async () => {
  const env = { HOMESHIFT_PWSH: join(dir, 'no-pwsh-here') };
  const asked = await runCli(['lab', 'up', '--machines', '4', '--windows', '2', '--dir', join(dir, 'b')], { env });
  expect(asked.exitCode).toBe(1);
  expect(asked.stderr).toContain('2 Windows PC(s) asked for, but PowerShell 7 (pwsh) was not found; install PowerShell 7 with: dotnet tool install');
  const demo = await runCli(['demo', '--machines', '4', '--windows', '50%', '--dir', join(dir, 'c')], { env });
  expect(demo.exitCode).toBe(1);
  expect(demo.stderr).toContain('2 Windows PC(s) asked for');
  expect(existsSync(join(dir, 'c'))).toBe(false);
});
