/**
 * One command-line grammar on every command: a short flag means one thing everywhere, help texts state a default
 * once, reading commands take --format (and --json), commands that pick PCs take --limit (with @FILE lists).
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main.js';
import { readRunSettings } from '../../src/cli/rollout-options.js';
import { runCli } from './run-cli.js';

function commandsOf(cmd: Command, prefix = ''): [string, Command][] {
  return cmd.commands.flatMap((sub) => {
    const name = `${prefix}${sub.name()}`;
    return [[name, sub] as [string, Command], ...commandsOf(sub, `${name} `)];
  });
}

const program = buildProgram();
const commands = new Map(commandsOf(program));
const longFlags = (name: string) => commands.get(name)!.options.map((o) => o.long);

describe('the grammar of every command', () => {
  it('gives each short flag one long meaning across the program', () => {
    const meanings = new Map<string, Set<string>>();
    for (const cmd of [program, ...commands.values()]) {
      for (const o of cmd.options) if (o.short) meanings.set(o.short, new Set([...(meanings.get(o.short) ?? []), o.long!]));
    }
    const twice = [...meanings].filter(([, longs]) => longs.size > 1).map(([short, longs]) => `${short}: ${[...longs].join(', ')}`);
    expect(twice).toEqual([]);
    expect(meanings.get('-f')).toEqual(new Set(['--forks']));
  });

  it('states a default once: in the description or as commander\'s default, not both', () => {
    const doubled = [...commands].flatMap(([name, cmd]) => cmd.options
      .filter((o) => o.defaultValue !== undefined && /default/i.test(o.description) && o.long !== '--format')
      .map((o) => `${name} ${o.long}: ${o.description} (default: ${JSON.stringify(o.defaultValue)})`));
    expect(doubled).toEqual([]);
  });

  it('takes --format and --json on every reading command, --limit wherever PCs are picked', () => {
    for (const name of ['validate', 'plan', 'status', 'errors', 'log']) expect([name, longFlags(name)]).toEqual([name, expect.arrayContaining(['--format', '--json'])]);
    for (const name of ['rollout', 'rerun']) expect([name, longFlags(name)]).toEqual([name, expect.arrayContaining(['--format', '--json'])]);
    for (const name of ['plan', 'rollout', 'rerun', 'status', 'errors', 'report']) expect([name, longFlags(name)]).toEqual([name, expect.arrayContaining(['--limit'])]);
  });

  it('reads rollout --format json as --json, and no --max-failures as never halting', () => {
    const flags = { forks: '20', waves: '100%', retries: '2' };
    expect(readRunSettings({ ...flags, format: 'json' })).toMatchObject({ json: true, maxFailures: null });
    expect(readRunSettings({ ...flags, json: true, maxFailures: '5%' })).toMatchObject({ json: true, maxFailures: expect.anything() });
    expect(readRunSettings(flags).json).toBe(false);
    expect(readRunSettings({ ...flags, format: 'text' }).json).toBe(false);
    expect(() => readRunSettings({ ...flags, json: true, format: 'text' })).toThrow(/ask for two formats/);
  });

  it('calls "change nothing" --check; rerun --failed and import --dry-run are accepted but not offered', () => {
    expect(longFlags('inventory import')).toEqual(expect.arrayContaining(['--check', '--dry-run']));
    const help = (name: string) => { let text = ''; commands.get(name)!.configureOutput({ writeOut: (s) => (text += s) }).outputHelp(); return text; };
    expect(help('inventory import')).not.toContain('--dry-run');
    expect(help('rerun')).not.toContain('--failed');
    expect(help('rollout')).not.toMatch(/default: never halt \(default/);
  });
});

describe('--limit @FILE and machine ids in any case', () => {
  let repo: string;
  const cli = (...args: string[]) => runCli(['-C', repo, ...args], { cwd: repo });
  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), 'hs-grammar-'));
    cpSync(fileURLToPath(new URL('../../examples/service-center', import.meta.url)), repo, { recursive: true });
  });
  afterAll(() => {
    rmSync(repo, { recursive: true, force: true });
  });

  it('reads one id per line, skipping blanks and comments, in any case, combined with other selectors', async () => {
    writeFileSync(join(repo, 'batch.txt'), '# tomorrow\nbru-d0001\n\nKOE-D0002   # the linux one\n');
    const plan = await cli('plan', '--limit', '@batch.txt', '--json');
    expect(plan.stderr).toBe('');
    expect(JSON.parse(String(plan.stdout)).machines.map((m: { machine: { id: string } }) => m.machine.id)).toEqual(['BRU-D0001', 'KOE-D0002']);
    const both = await cli('plan', '--limit', '@batch.txt,BRU-D0002', '--json');
    expect(JSON.parse(String(both.stdout)).machines.map((m: { machine: { id: string } }) => m.machine.id)).toEqual(['BRU-D0001', 'BRU-D0002', 'KOE-D0002']);
    const anded = await cli('plan', '--limit', '@batch.txt,os=linux', '--json');
    expect(JSON.parse(String(anded.stdout)).machines.map((m: { machine: { id: string } }) => m.machine.id)).toEqual(['KOE-D0002']);
    const status = await cli('status', '--limit', '@batch.txt', '--json');
    expect(status.exitCode).toBe(0);
    expect(JSON.parse(String(status.stdout)).totals.machines).toBe(2);
  });

  it('is a usage error at FILE:LINE for an id the inventory lacks, with the nearest ids', async () => {
    writeFileSync(join(repo, 'typo.txt'), 'BRU-D0001\nBRU-D0O02\n');
    const r = await cli('status', '--limit', '@typo.txt');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/typo\.txt:2: --limit: no machine BRU-D0O02 in the inventory; did you mean BRU-D0002/);
    const missing = await cli('errors', '--limit', '@nowhere.txt');
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('--limit @nowhere.txt: cannot read it (ENOENT)');
  });

  it('rerun --limit narrows the open cases; one that names nothing is a usage error', async () => {
    const none = await cli('rerun', '--limit', 'bru-d0001', '--yes');
    expect([none.exitCode, none.stderr]).toEqual([0, expect.stringContaining('no open case matches; nothing to re-run')]);
    const wrong = await cli('rerun', '--limit', 'XYZ-*', '--yes');
    expect([wrong.exitCode, wrong.stderr]).toEqual([1, expect.stringMatching(/no machine id matches XYZ-\*; did you mean/)]);
  });

  it('finds a machine by its id in any case, and suggests the nearest for one it does not know', async () => {
    const plan = await cli('plan', '--machine', 'bru-d0001');
    expect(plan.exitCode).toBe(0);
    expect(plan.stdout).toContain('BRU-D0001');
    const log = await cli('log', 'bru-d0001', '--json');
    expect(log.exitCode).toBe(0);
    expect(JSON.parse(String(log.stdout)).machine).toBe('BRU-D0001');
    const unknown = await cli('log', 'BRU-X0001');
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toMatch(/no machine BRU-X0001 in the inventory; did you mean BRU-D0001/);
  });
});
