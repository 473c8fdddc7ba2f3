/**
 * Each command loads only its own module: the same help and parsing as with every command registered, and `plan`,
 * `validate`, `status` and `errors` never load the SSH, mail, prompt or progress libraries (nor SQL for plan);
 * plan's JSON, kept encoded per machine while checking, is the plan built in process byte for byte.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { buildProgram, commandWord } from '../../src/cli/main.js';
import { loadProject } from '../../src/config/index.js';
import { generateFleet } from '../../src/lab/generate.js';
import { buildPlan, formatPlanJson } from '../../src/plan/index.js';
import { BIN } from './run-cli.js';

/** Every help text of a program: its own and each (sub)command's, by command path. */
function helpTexts(program: Awaited<ReturnType<typeof buildProgram>>): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (cmd: typeof program, prefix: string) => {
    out.set(prefix, cmd.helpInformation());
    for (const sub of cmd.commands) walk(sub, `${prefix} ${sub.name()}`.trim());
  };
  for (const sub of program.commands) walk(sub, sub.name());
  return out;
}

describe('commands load lazily', () => {
  it('finds the command word after the global options', () => {
    expect(commandWord(['plan', '--format', 'json'])).toBe('plan');
    expect(commandWord(['-C', 'some/dir', 'status'])).toBe('status');
    expect(commandWord(['--project', 'plan', 'validate'])).toBe('validate');
    expect(commandWord(['--project=x', '--no-color', 'errors', '--group'])).toBe('errors');
    expect(commandWord(['--', 'lab', 'generate'])).toBe('lab');
    expect(commandWord(['--version'])).toBeUndefined();
    expect(commandWord([])).toBeUndefined();
  });

  it('gives every command the same help alone as with all commands registered', async () => {
    const all = helpTexts(await buildProgram());
    const top = [...all.keys()].filter((k) => !k.includes(' '));
    expect(top).toEqual(['validate', 'plan', 'preflight', 'rollout', 'rerun', 'status', 'errors', 'log', 'case', 'notify', 'report', 'bundle', 'init', 'inventory', 'directory', 'journal', 'lab', 'keep', 'demo', 'bootstrap', 'known-hosts']);
    for (const name of top) {
      const alone = helpTexts(await buildProgram(name));
      for (const [key, text] of alone) expect({ key, text }).toEqual({ key, text: all.get(key) });
      expect([...alone.keys()].filter((k) => k === name || k.startsWith(`${name} `))).toEqual([...all.keys()].filter((k) => k === name || k.startsWith(`${name} `)));
    }
    expect((await buildProgram('no-such-command')).commands.length).toBe(top.length);
  });

  describe('modules a command loads', () => {
    let dir: string;
    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-lazy-'));
      await generateFleet(path.join(dir, 'fleet'), { machines: 20, sites: 2 });
      // Records every module URL the command resolves (a module hook, so ES and CommonJS modules alike).
      fs.writeFileSync(path.join(dir, 'hooks.mjs'), `import { appendFileSync } from 'node:fs';
export async function resolve(spec, ctx, next) { const r = await next(spec, ctx); appendFileSync(process.env.HS_TRACE, r.url + '\\n'); return r; }\n`);
      fs.writeFileSync(path.join(dir, 'trace.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${path.join(dir, 'hooks.mjs')}`)});\n`);
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    async function packagesLoaded(args: string[]): Promise<Set<string>> {
      const trace = path.join(dir, `${args.join('-')}.trace`);
      const r = await execa(process.execPath, ['--import', path.join(dir, 'trace.mjs'), BIN, '-C', path.join(dir, 'fleet'), ...args], { env: { HS_TRACE: trace, NO_COLOR: '1' }, reject: false });
      expect(r.exitCode).toBe(0);
      const packages = fs.readFileSync(trace, 'utf8').split('\n').map((url) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1]).filter((p): p is string => Boolean(p));
      return new Set(packages);
    }

    it('plan --format json prints the bytes of the plan built in process, for all machines and for a --limit', async () => {
      const { project } = await loadProject({ projectDir: path.join(dir, 'fleet') });
      for (const limit of [[], ['--limit', 'os=linux']]) {
        const r = await execa(process.execPath, [BIN, '-C', path.join(dir, 'fleet'), 'plan', '--format', 'json', ...limit], { env: { NO_COLOR: '1' }, stripFinalNewline: false });
        const machines = limit.length ? project!.machines.filter((m) => m.os === 'linux') : project!.machines;
        expect(r.stdout).toBe(formatPlanJson(buildPlan(project!, { machines })));
      }
    });

    const NEVER = ['ssh2', 'nodemailer', '@inquirer/prompts', 'listr2', 'execa', 'iconv-lite'];
    it.each([
      [['plan', '--format', 'json'], [...NEVER, 'better-sqlite3', 'pg']],
      [['validate'], [...NEVER, 'better-sqlite3', 'pg']],
      [['status'], [...NEVER, 'pg', 'handlebars']],
      [['errors', '--group'], [...NEVER, 'pg', 'handlebars']],
    ])('%j loads none of %j', async (args, never) => {
      const loaded = await packagesLoaded(args);
      expect(loaded.has('commander')).toBe(true);
      expect(never.filter((p) => loaded.has(p))).toEqual([]);
    });
  });
});
