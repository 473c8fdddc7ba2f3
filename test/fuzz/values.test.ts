import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAndValidate, requireValidPlan } from '../../src/cli/project.js';
import { CliError } from '../../src/cli/exit.js';
import type { Output } from '../../src/cli/output.js';
import { installSimTools } from '../../src/lab/sim-tools.js';
import type { MachinePlan, Plan } from '../../src/model/index.js';
import { buildPlan, formatPlanText, planJsonChunks } from '../../src/plan/index.js';
import { formatPosixPrelude } from '../../src/render/prelude.js';
import { machineVars } from '../../src/shell/machine-prelude.js';
import { buildPowerShellProgram } from '../../src/shell/powershell-program.js';
import { fillSecrets } from '../../src/shell/secrets.js';
import { findPwsh } from '../../src/shell/pwsh-path.js';
import { formatDiagnosticsText } from '../../src/validate/format.js';
import { runCli } from '../cli/run-cli.js';
import { NONCE, runLinux, SECRETS } from '../shell/run-helpers.js';
import { PWSH_MISSING } from '../support/pwsh.js';
import { hostileValue, mulberry32, type Random } from './hostile-values.js';

/**
 * Hostile values through load -> validate -> plan -> the rendered programs of both shells. Every value is either
 * rejected with a finding (and plan would exit 2) or arrives byte-exact as data: in the plan, in the sh prelude and
 * the files a real sh program writes, and in the PowerShell program as PowerShell's own parser reads it.
 * HOMESHIFT_FUZZ_SEED is the first seed, HOMESHIFT_FUZZ_SECONDS bounds the time (default 20; 0 runs one seed):
 * a failure prints the command line that replays it.
 */
const BASE_SEED = Number(process.env.HOMESHIFT_FUZZ_SEED ?? 20261201);
const BUDGET_MS = Number(process.env.HOMESHIFT_FUZZ_SECONDS ?? 20) * 1000;
const UNSAFE_OUTPUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const PWSH = findPwsh();
if (!PWSH) console.warn(`fuzz: the PowerShell parse check is skipped: ${PWSH_MISSING}`);

const work = mkdtempSync(join(tmpdir(), 'hs-fuzz-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Case {
  seed: number;
  dir: string;
  root: string;
  canary: string;
  employees: { id: string; firstName: string; lastName: string; mailbox: string }[];
  siteName: string;
  mailServer: string;
}

const q = (v: string) => JSON.stringify(v);
const csvCell = (v: string) => `"${v.replace(/"/g, '""')}"`;

function writeCase(seed: number, rnd: Random): Case {
  const dir = join(work, `case-${seed}`);
  const root = join(dir, 'pc');
  mkdirSync(join(dir, 'inventory'), { recursive: true });
  mkdirSync(join(dir, 'directory'), { recursive: true });
  mkdirSync(root, { recursive: true });
  const canary = join(dir, 'CANARY');
  const hostile = () => hostileValue(rnd, canary);
  const local = () => (rnd() < 0.7 ? 'anna.mueller' : `anna${hostile()}`);
  const csv = rnd() < 0.5;
  // A CSV file holds UTF-8 bytes: a lone surrogate half cannot be written into it (YAML can escape one).
  const inFile = (v: string) => (csv ? Buffer.from(v, 'utf8').toString('utf8') : v);
  const employees = [1, 2].map((n) => ({ id: inFile(rnd() < 0.9 ? `e10000${n}` : `e10000${n}${hostile()}`), firstName: inFile(hostile()), lastName: inFile(rnd() < 0.5 ? 'Müller' : hostile()), mailbox: inFile(`${local()}${n}@example-telco.de`) }));
  const siteName = rnd() < 0.5 ? 'Service Center Brühl' : hostile();
  const mailServer = rnd() < 0.7 ? 'mail.example-telco.de' : hostile();
  writeFileSync(join(dir, 'homeshift.yaml'), [
    'name: fuzz',
    'inventory: inventory/',
    `directory: directory/employees.${csv ? 'csv' : 'yaml'}`,
    'mail: { allowedDomains: [example-telco.de] }',
    'secrets: { vpnPsk: { env: HS_FUZZ_PSK }, enrolmentToken: { env: HS_FUZZ_TOKEN } }',
    'vars: { mailServer: mail.example-telco.de }',
    '',
  ].join('\n'));
  writeFileSync(join(dir, 'inventory', 'bruehl.yaml'), [
    'site:',
    '  id: bruehl',
    `  name: ${q(siteName)}`,
    '  vpnGateway: vpn-bru.example-telco.de',
    '  sharedMailboxes: [hotline-bruehl@example-telco.de]',
    `  vars: { mailServer: ${q(mailServer)} }`,
    'machines:',
    `  - { id: BRU-D0001, host: 127.0.0.1, os: linux, user: ${q(employees[0].id)}, role: hotline-agent, vars: { root: ${q(root)} } }`,
    `  - { id: BRU-D0002, host: 127.0.0.2, os: windows, user: ${q(employees[1].id)}, role: hotline-agent }`,
    '',
  ].join('\n'));
  if (csv) {
    const rows = employees.map((e) => [e.id, e.firstName, e.lastName, e.mailbox, 'bruehl', 'hotline-agent'].map(csvCell).join(','));
    writeFileSync(join(dir, 'directory', 'employees.csv'), ['id,firstName,lastName,mailbox,site,role', ...rows, ''].join('\n'));
  } else {
    const items = employees.map((e) => `  - { id: ${q(e.id)}, firstName: ${q(e.firstName)}, lastName: ${q(e.lastName)}, mailbox: ${q(e.mailbox)}, site: bruehl, role: hotline-agent }`);
    writeFileSync(join(dir, 'directory', 'employees.yaml'), ['employees:', ...items, ''].join('\n'));
  }
  return { seed, dir, root, canary, employees, siteName, mailServer };
}

const silent: Output = { color: false, tty: false, c: undefined as never, out: () => {}, err: () => {} };

/** Runs the sh prelude of a machine for real and reads the variables back, NUL-separated. */
function shPrelude(vars: Record<string, string>): string[] {
  const names = Object.keys(vars);
  const script = `${formatPosixPrelude(vars)}\nprintf '%s\\0' ${names.map((n) => `"$${n}"`).join(' ')}\n`;
  const out = execFileSync('/bin/sh', ['-c', script], { encoding: 'buffer' });
  return out.toString('utf8').split('\0').slice(0, -1);
}

async function checkLinux(c: Case, machine: MachinePlan, scripts: Plan['scripts']): Promise<void> {
  const vars = machineVars(machine);
  expect(shPrelude(vars)).toEqual(Object.values(vars));
  await installSimTools(c.root);
  const run = await runLinux(machine, scripts, 'apply', 60_000);
  expect(run.ended.complete).toBe(true);
  for (const step of machine.steps) {
    for (const file of step.files) {
      const path = join(c.root, file.path);
      if (!existsSync(path)) continue; // a step before it failed on the simulated PC: nothing of it was written
      expect(readFileSync(path, 'utf8')).toBe(fillSecrets(file, SECRETS, step.id));
      if (!file.path.endsWith('vpn.nmconnection')) expect(readFileSync(path, 'utf8')).not.toContain(SECRETS.vpnPsk);
    }
  }
  const mailbox = join(c.root, 'etc/homeshift/mailbox.json');
  if (existsSync(mailbox)) expect(JSON.parse(readFileSync(mailbox, 'utf8')).name).toBe(machine.employee.name);
  expect(existsSync(c.canary)).toBe(false);
}

const PARSE_SCRIPT = `
$cases = Get-Content -Raw -LiteralPath $args[0] | ConvertFrom-Json
$out = foreach ($c in $cases) {
  $text = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($c.program))
  $tokens = $null; $errors = $null
  $ast = [System.Management.Automation.Language.Parser]::ParseInput($text, [ref]$tokens, [ref]$errors)
  $values = @{}
  foreach ($a in $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.AssignmentStatementAst] }, $true)) {
    $name = $a.Left.VariablePath.UserPath
    $right = $a.Right.Expression
    if ($name -like 'HS_*' -and -not $values.ContainsKey($name)) {
      if ($right -is [System.Management.Automation.Language.StringConstantExpressionAst] -and $right.StringConstantType -eq 'SingleQuoted') {
        $values[$name] = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($right.Value))
      } else { $values[$name] = 'not a single-quoted literal' }
    }
  }
  [pscustomobject]@{ seed = $c.seed; errors = @($errors | ForEach-Object { $_.Message }); values = $values }
}
ConvertTo-Json -InputObject @($out) -Depth 5 -Compress
`;

/** One pwsh process parses every collected program; each HS_ assignment must be one single-quoted literal of the exact value. */
function checkPowerShell(batch: { seed: number; program: string; expected: Record<string, string> }[]): void {
  if (!PWSH || batch.length === 0) return;
  const input = join(work, 'programs.json');
  const script = join(work, 'parse.ps1');
  writeFileSync(input, JSON.stringify(batch.map((b) => ({ seed: b.seed, program: Buffer.from(b.program, 'utf8').toString('base64') }))));
  writeFileSync(script, PARSE_SCRIPT);
  const r = spawnSync(PWSH, ['-NoProfile', '-NonInteractive', '-File', script, input], { encoding: 'utf8', maxBuffer: 64 << 20 });
  expect(r.stderr).toBe('');
  const parsed = JSON.parse(r.stdout) as { seed: number; errors: string[]; values: Record<string, string> }[];
  for (const [i, b] of batch.entries()) {
    const got = parsed[i];
    const decoded = Object.fromEntries(Object.keys(b.expected).map((k) => [k, got.values[k] === undefined ? undefined : Buffer.from(got.values[k], 'base64').toString('utf8')]));
    expect({ seed: b.seed, errors: got.errors, values: decoded }).toEqual({ seed: b.seed, errors: [], values: b.expected });
  }
}

async function runCase(seed: number, pwshBatch: { seed: number; program: string; expected: Record<string, string> }[]): Promise<'rejected' | 'planned'> {
  const c = writeCase(seed, mulberry32(seed));
  const checked = await loadAndValidate({ project: c.dir }, { keepPlan: true });
  expect(formatDiagnosticsText(checked.diagnostics, { color: false })).not.toMatch(UNSAFE_OUTPUT);
  if (checked.errors > 0) {
    expect(checked.diagnostics.filter((d) => d.severity === 'error' && !d.pos)).toEqual([]);
    await expect(requireValidPlan({ project: c.dir }, silent)).rejects.toEqual(expect.objectContaining({ exitCode: 2 }));
    await expect(requireValidPlan({ project: c.dir }, silent)).rejects.toBeInstanceOf(CliError);
    return 'rejected';
  }
  const project = checked.project!;
  for (const e of c.employees) expect(project.employees.get(e.id)).toMatchObject(e); // nothing trimmed or changed
  expect(project.sites.get('bruehl')!.name).toBe(c.siteName);
  const plan = buildPlan(project, { from: checked.plan! });
  const json = JSON.parse([...planJsonChunks(plan)].join('')) as Plan;
  const [linux, windows] = json.machines;
  expect(linux.employee.name).toBe(`${c.employees[0].firstName} ${c.employees[0].lastName}`);
  expect(windows.employee.mailbox).toBe(c.employees[1].mailbox);
  for (const m of plan.machines) expect(formatPlanText(plan, { machine: m.machine.id, color: false })).not.toMatch(UNSAFE_OUTPUT);
  await checkLinux(c, plan.machines[0], plan.scripts);
  const program = buildPowerShellProgram(plan.machines[1], plan.scripts, { mode: 'apply', secrets: SECRETS, nonce: NONCE });
  const expected = { ...machineVars(plan.machines[1]), ...plan.machines[1].steps.find((s) => s.id === 'mailbox')!.vars };
  pwshBatch.push({ seed, program, expected });
  return 'planned';
}

test('no value makes any stage fail unexpectedly; each is rejected with a finding or arrives byte-exact', async () => {
  const started = Date.now();
  const outcomes = { rejected: 0, planned: 0 };
  const batch: { seed: number; program: string; expected: Record<string, string> }[] = [];
  let seed = BASE_SEED;
  let last: string | null = null;
  do {
    try {
      outcomes[await runCase(seed, batch)]++;
      last = join(work, `case-${seed}`);
    } catch (err) {
      throw new Error(`fuzz seed ${seed} failed (replay: HOMESHIFT_FUZZ_SEED=${seed} HOMESHIFT_FUZZ_SECONDS=0): ${(err as Error).message}`);
    }
    seed++;
  } while (Date.now() - started < BUDGET_MS);
  try {
    checkPowerShell(batch);
  } catch (err) {
    throw new Error(`fuzz seeds ${batch.map((b) => b.seed).join(',')}: PowerShell check failed: ${(err as Error).message}`);
  }
  // The command line itself, on the last case: exit 0 or 2, never 70.
  for (const args of [['validate'], ['plan', '--machine', 'BRU-D0001'], ['plan', '--format', 'json']]) {
    const r = await runCli(['-C', last!, ...args]);
    expect([args.join(' '), r.exitCode === 0 || r.exitCode === 2]).toEqual([args.join(' '), true]);
  }
  console.log(`fuzz: seeds ${BASE_SEED}..${seed - 1}: ${outcomes.planned} planned byte-exact, ${outcomes.rejected} rejected with findings`);
  expect(outcomes.planned + outcomes.rejected).toBe(seed - BASE_SEED);
}, 600_000);
