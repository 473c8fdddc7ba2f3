import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../config/helpers.js';
import { runCli } from '../cli/run-cli.js';

/** The case of the issue: a directory export with a NUL in a name and a U+00A0 after a mailbox. */
const dir = mkdtempSync(join(tmpdir(), 'hs-hostile-dir-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => {
  cpSync(join(REPO_ROOT, 'examples', 'service-center'), dir, { recursive: true });
  const csv = join(dir, 'directory', 'employees.csv');
  const lines = readFileSync(csv, 'utf8').split('\n');
  lines[1] = 'e100001,In\u0000es,Zimmermann,ines.zimmermann@example-telco.de,bruehl,hotline-agent';
  lines[2] = 'e100002,André,Wolf,andre.wolf@example-telco.de\u00a0,bruehl,team-lead';
  writeFileSync(csv, lines.join('\n'));
});

test('validate exits 2 naming both at employees.csv:LINE:COL; plan and rollout exit 2; nothing is internal', async () => {
  const validate = await runCli(['-C', dir, 'validate']);
  expect(validate.exitCode).toBe(2);
  expect(validate.stdout).toContain('directory/employees.csv:2:11 employee e100001: firstName has U+0000 NULL at column 11 [text-character]');
  expect(validate.stdout).toContain('directory/employees.csv:3:47 employee e100002: mailbox ends with U+00A0 NO-BREAK SPACE at column 47 [text-character]');
  const runs = [
    ['validate', '--format', 'json'], ['plan'], ['plan', '--machine', 'BRU-D0001'], ['plan', '--format', 'json'], ['rollout', '--yes'], ['preflight'],
  ];
  for (const args of runs) {
    const r = await runCli(['-C', dir, ...args], { env: { HOMESHIFT_VPN_PSK: 'x' } });
    expect([args.join(' '), r.exitCode]).toEqual([args.join(' '), args[0] === 'validate' ? 2 : expect.any(Number)]);
    expect(r.exitCode).not.toBe(70);
    if (args[0] === 'plan' || args[0] === 'rollout') expect(r.exitCode).toBe(2);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/internal error|QuoteError|\n\s+at /);
    expect(`${r.stdout}${r.stderr}`).not.toContain('\u0000');
  }
}, 300_000);
