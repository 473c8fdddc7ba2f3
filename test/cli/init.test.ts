import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { execa } from 'execa';
import { parse } from 'yaml';
import { BIN } from './run-cli.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { buildScaffold, checkAnswers, defaultAnswers, parseSiteSpec, type InitAnswers } from '../../src/scaffold/index.js';

// The binary under test; HOMESHIFT_BIN may name another entry point with the same commands.
const bin = process.env.HOMESHIFT_BIN ?? BIN;
const ROLES = ['back-office', 'home-office-base', 'hotline-agent', 'team-lead'];
const cli = (args: string[], cwd?: string) => execa(process.execPath, [bin, ...args], { cwd, reject: false, stdin: 'ignore', env: { NO_COLOR: '1' } });

let tmp: string;
beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'homeshift-init-')); });
afterEach(() => { fs.rmSync(tmp, { recursive: true, force: true }); });

const answers = (over: Partial<InitAnswers> = {}): InitAnswers => ({ ...defaultAnswers('rollout', ROLES), ...over });

describe('scaffold (pure)', () => {
  const ctx = { dir: '/repo', schemas: [{ name: 'inventory.schema.json', text: '{}\n' }], shippedProfiles: [], existingGitignore: null };

  test('one inventory file per site with an empty machine list and a schema line', () => {
    const files = buildScaffold(answers({ sites: [parseSiteSpec('bruehl:Service Center Brühl:vpn-bru.example.com'), parseSiteSpec('koeln:Köln:vpn-koe.example.com')] }), ctx);
    expect(files.map((f) => f.path)).toEqual(['homeshift.yaml', 'inventory/bruehl.yaml', 'inventory/koeln.yaml', 'directory/employees.csv', '.gitignore', 'README.md', 'schema/inventory.schema.json']);
    const site = files[1].text;
    expect(site.split('\n')[0]).toBe('# yaml-language-server: $schema=../schema/inventory.schema.json');
    expect(site).toContain('machines: []\n');
    expect(files[0].text).toMatch(/^# yaml-language-server: \$schema=schema\/homeshift\.schema\.json\n/);
    expect(files[6]).toEqual({ path: 'schema/inventory.schema.json', text: '{}\n', kind: 'schema' });
    expect(files[3].text).toBe('id,firstName,lastName,mailbox,site,role\n');
  });

  test('site specs with supporter and shared mailbox', () => {
    expect(parseSiteSpec('a:A:vpn.x.de:Uwe Groß:uwe@x.de:hotline@x.de')).toEqual({ id: 'a', name: 'A', vpnGateway: 'vpn.x.de', supporters: [{ name: 'Uwe Groß', email: 'uwe@x.de' }], sharedMailbox: 'hotline@x.de' });
    expect(() => parseSiteSpec('a:A')).toThrow(/expected id:Name:gateway/);
  });

  test('bad answers are reported one by one', () => {
    const problems = checkAnswers(answers({ domains: ['nodomain'], sites: [{ id: 'Bad Id', name: '', vpnGateway: 'vpn x', supporters: [] }], roles: ['nobody'] }), ROLES);
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringContaining("mail domain 'nodomain'"),
      expect.stringContaining("site id 'Bad Id'"),
      expect.stringContaining("role 'nobody'"),
    ]));
  });

  test('a shipped profile with mailboxes outside the domains gets a local copy', () => {
    const shipped = [{ name: 'back-office', text: '# yaml-language-server: $schema=../schema/profile.schema.json\nname: back-office\nmailbox:\n  shared:\n    - backoffice@example-telco.de\n' }];
    const files = buildScaffold(answers({ domains: ['acme.de'] }), { ...ctx, shippedProfiles: shipped });
    const copy = files.find((f) => f.path === 'profiles/back-office.yaml');
    expect(copy?.text).toContain('- backoffice@acme.de');
    expect(buildScaffold(answers({ domains: ['example-telco.de'] }), { ...ctx, shippedProfiles: shipped }).some((f) => f.path.startsWith('profiles/'))).toBe(false);
  });
});

describe('homeshift init (binary)', () => {
  test('--yes with flags writes a repository that validates', async () => {
    const dir = path.join(tmp, 'repo');
    const init = await cli(['init', dir, '--yes', '--name', 'sc-rollout', '--domain', 'acme-telco.de',
      '--site', 'bruehl:Service Center Brühl:vpn-bru.acme-telco.de:Uwe Groß:uwe.gross@acme-telco.de:hotline-bruehl@acme-telco.de',
      '--site', 'koeln:Service Center Köln:vpn-koe.acme-telco.de', '--role', 'hotline-agent', '--host-key-policy', 'accept-new']);
    expect(init.stderr).toBe('');
    expect(init.exitCode).toBe(0);
    for (const f of ['homeshift.yaml', 'inventory/bruehl.yaml', 'inventory/koeln.yaml', 'directory/employees.csv', '.gitignore', 'README.md']) expect(fs.existsSync(path.join(dir, f))).toBe(true);
    expect(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8')).toBe('.homeshift/\nsecrets/\n');
    const validate = await cli(['-C', dir, 'validate']);
    expect(validate.stdout).toContain('valid: 0 error(s)');
    expect(validate.exitCode).toBe(0);
  });

  test('a scaffolded repository moved elsewhere still validates, and its $schema lines name files it holds', async () => {
    const first = path.join(tmp, 'first');
    expect((await cli(['init', first, '--yes', '--domain', 'acme-telco.de', '--role', 'back-office'])).exitCode).toBe(0);
    const moved = path.join(tmp, 'elsewhere', 'deeper', 'repo');
    fs.mkdirSync(path.dirname(moved), { recursive: true });
    fs.renameSync(first, moved);
    expect((await cli(['-C', moved, 'validate'])).exitCode).toBe(0);
    const yamlFiles = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? yamlFiles(path.join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [path.join(dir, e.name)] : []);
    const refs = yamlFiles(moved).flatMap((file) => {
      const m = /^# yaml-language-server: \$schema=(\S+)/m.exec(fs.readFileSync(file, 'utf8'));
      return m ? [{ file: path.relative(moved, file), target: path.resolve(path.dirname(file), m[1]) }] : [];
    });
    expect(refs.map((r) => r.file).sort()).toEqual(expect.arrayContaining(['homeshift.yaml', 'inventory/main.yaml']));
    for (const r of refs) {
      expect([r.file, r.target.startsWith(moved + path.sep), fs.existsSync(r.target)]).toEqual([r.file, true, true]);
    }
  });

  test('--yes alone takes defaults; not on a terminal without --yes it says what is missing', async () => {
    expect((await cli(['init', path.join(tmp, 'a'), '--yes'])).exitCode).toBe(0);
    expect((await cli(['-C', path.join(tmp, 'a'), 'validate'])).exitCode).toBe(0);
    const asked = await cli(['init', path.join(tmp, 'b'), '--name', 'x']);
    expect(asked.exitCode).toBe(1);
    expect(asked.stderr).toContain('give --domain, --site or --yes');
    expect(fs.existsSync(path.join(tmp, 'b', 'homeshift.yaml'))).toBe(false);
  });

  test('--yes proposes safe defaults: waves 1,10%,100%, a 5 % threshold, a new ed25519 key, notify and routing', async () => {
    const dir = path.join(tmp, 'safe');
    const init = await cli(['init', dir, '--yes', '--domain', 'acme-telco.de', '--site', 'bruehl:Service Center Brühl:vpn-bru.acme-telco.de:Uwe Groß:uwe.gross@acme-telco.de',
      '--supporter', 'bruehl:Anna Schmidt:anna.schmidt@acme-telco.de']);
    expect(init.exitCode).toBe(0);
    const config = parse(fs.readFileSync(path.join(dir, 'homeshift.yaml'), 'utf8'));
    expect(config.rollout).toEqual({ waves: '1,10%,100%', maxFailures: '5%' });
    expect(config.ssh.identityFile).toBe('secrets/homeshift_ed25519');
    expect(config.notify).toEqual({ from: 'homeshift@acme-telco.de' });
    expect(config.routing.groups['central-it'].members).toEqual(['it-support@acme-telco.de']);
    expect(parse(fs.readFileSync(path.join(dir, 'inventory', 'bruehl.yaml'), 'utf8')).site.supporters).toHaveLength(2);
    const key = path.join(dir, 'secrets', 'homeshift_ed25519');
    expect(fs.statSync(key).mode & 0o777).toBe(0o600);
    const publicLine = fs.readFileSync(`${key}.pub`, 'utf8').trim();
    expect(publicLine).toMatch(/^ssh-ed25519 AAAA\S+ homeshift@safe$/);
    expect(init.stdout).toContain(`  ${publicLine}`);
    expect((await cli(['-C', dir, 'validate'])).exitCode).toBe(0);
    // run again on the same folder: the key is picked, not replaced
    const again = await cli(['init', dir, '--yes', '--force', '--domain', 'acme-telco.de']);
    expect(again.stdout).toContain(`SSH key: picked ${key}`);
    expect(again.stdout).toContain(`  ${publicLine}`);
  });

  test('refuses to overwrite homeshift.yaml unless --force', async () => {
    fs.writeFileSync(path.join(tmp, 'homeshift.yaml'), 'name: mine\n');
    const again = await cli(['init', tmp, '--yes']);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('already exists');
    expect(fs.readFileSync(path.join(tmp, 'homeshift.yaml'), 'utf8')).toBe('name: mine\n');
    expect((await cli(['init', tmp, '--yes', '--force'])).exitCode).toBe(0);
    expect(fs.readFileSync(path.join(tmp, 'homeshift.yaml'), 'utf8')).toContain('name: ');
  });

  test('bad flags: exit 1, nothing written', async () => {
    const r = await cli(['init', tmp, '--yes', '--domain', 'acme.de', '--site', 'Bad:X:vpn.acme.de']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("site id 'Bad'");
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});

const hasTmux = (() => { try { execFileSync('tmux', ['-V']); return true; } catch { return false; } })();

(hasTmux ? describe : describe.skip)('homeshift init on a terminal (tmux)', () => {
  const session = `homeshift-init-${process.pid}`;
  afterEach(() => { try { execFileSync('tmux', ['kill-session', '-t', session], { stdio: 'ignore' }); } catch { /* already ended */ } });

  const screen = () => execFileSync('tmux', ['capture-pane', '-p', '-t', session], { encoding: 'utf8' });
  const send = (...keys: string[]) => execFileSync('tmux', ['send-keys', '-t', session, ...keys]);
  // The question being asked is the last line that starts with '?': answered ones (✔) above it may carry the same words.
  const asking = (text: string) => (screen().split('\n').filter((l) => l.trimStart().startsWith('?')).pop() ?? '').includes(text);
  async function waitFor(text: string, seen: (text: string) => boolean = (t) => screen().includes(t)): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (seen(text)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`prompt '${text}' did not appear; screen:\n${screen()}`);
  }
  const answer = async (prompt: string, ...keys: string[]) => { await waitFor(prompt, asking); send(...keys); };

  test('prompts for everything, then the repository validates', async () => {
    const dir = path.join(tmp, 'tty');
    const done = path.join(tmp, 'exit-code');
    const command = `NO_COLOR=1 ${process.execPath} ${bin} init ${dir}; echo $? > ${done}; sleep 30`;
    execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '120', '-y', '40', command]);
    await answer('Project name', 'C-u', 'tty-rollout', 'Enter');
    await answer('Mail domain', 'C-u', 'acme-telco.de', 'Enter');
    await answer('Site 1: id', 'bruehl', 'Enter');
    await answer('  name', 'Enter');
    await answer('  VPN gateway', 'Enter');
    await answer('  supporter name', 'Uwe Gross', 'Enter');
    await answer('  supporter e-mail', 'uwe.gross@acme-telco.de', 'Enter');
    await answer('  another supporter', 'Anna Schmidt', 'Enter');
    await answer('  supporter e-mail', 'anna.schmidt@acme-telco.de', 'Enter');
    await answer('  another supporter', 'Enter');
    await answer('  shared mailbox', 'Enter');
    await answer('Add another site?', 'y', 'Enter');
    await answer('Site 2: id', 'koeln', 'Enter');
    await answer('  name', 'Enter');
    await answer('  VPN gateway', 'Enter');
    await answer('  supporter name', 'Enter');
    await answer('  shared mailbox', 'Enter');
    await answer('Add another site?', 'Enter');
    await answer('Roles the PCs use', 'Enter');
    await answer('SSH user on the PCs', 'Enter');
    await answer('Host key policy', 'Down', 'Enter');
    await answer('SSH key', 'Enter');
    await answer('Rollout waves', 'Enter');
    await answer('Halt a rollout', 'Enter');
    await answer('Sender of the notify digests', 'Enter');
    await answer('Central IT', 'Enter');
    await waitFor('created rollout repository');
    for (let i = 0; i < 100 && !fs.existsSync(done); i++) await new Promise((r) => setTimeout(r, 50));
    expect(fs.readFileSync(done, 'utf8').trim()).toBe('0');
    const config = fs.readFileSync(path.join(dir, 'homeshift.yaml'), 'utf8');
    expect(config).toContain('name: tty-rollout');
    expect(config).toContain('hostKeyPolicy: accept-new');
    expect(config).toContain('waves: 1,10%,100%');
    expect(config).toContain('from: homeshift@acme-telco.de');
    expect(fs.readFileSync(path.join(dir, 'inventory', 'bruehl.yaml'), 'utf8')).toContain('anna.schmidt@acme-telco.de');
    expect(fs.readFileSync(path.join(dir, 'inventory', 'bruehl.yaml'), 'utf8')).toContain('hotline-bruehl@acme-telco.de');
    expect(fs.existsSync(path.join(dir, 'inventory', 'koeln.yaml'))).toBe(true);
    const validate = await cli(['-C', dir, 'validate']);
    expect(validate.stdout).toContain('valid: 0 error(s)');
    expect(validate.exitCode).toBe(0);
  });
});

describe('the examples in a clone', () => {
  test('their $schema lines are relative and name the schema files of the checkout', () => {
    const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
    const yamlFiles = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? yamlFiles(path.join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [path.join(dir, e.name)] : []);
    const refs = [...yamlFiles(path.join(root, 'examples')), ...yamlFiles(path.join(root, 'profiles'))].flatMap((file) => {
      const m = /^# yaml-language-server: \$schema=(\S+)/m.exec(fs.readFileSync(file, 'utf8'));
      return m ? [{ file: path.relative(root, file), ref: m[1], exists: fs.existsSync(path.resolve(path.dirname(file), m[1])) }] : [];
    });
    expect(refs.length).toBeGreaterThan(5);
    expect(refs.filter((r) => path.isAbsolute(r.ref) || !r.exists)).toEqual([]);
  });
});

describe('homeshift init with defaults, against the lab', () => {
  let lab: Lab;
  let base: string;
  beforeAll(async () => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'homeshift-init-lab-'));
    lab = await startLab({ dir: path.join(base, 'lab'), machines: 4, sites: 1, faults: '', windows: '0' });
  }, 120_000);
  afterAll(async () => {
    await lab?.stop();
    if (base) fs.rmSync(base, { recursive: true, force: true });
  });

  test('validates and preflights once the PCs, their host keys and the secrets are in', async () => {
    const dir = path.join(base, 'repo');
    const labKey = path.join(lab.dir, 'keys', 'id_ed25519');
    // the supporter's steps: init with defaults (picking the key the PCs accept), then add PCs and employees
    const init = await cli(['init', dir, '--yes', '--domain', 'example-telco.de', '--ssh-key', labKey]);
    expect(init.exitCode).toBe(0);
    expect(init.stdout).toContain(`SSH key: picked ${labKey}`);
    expect(init.stdout).toContain(fs.readFileSync(`${labKey}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' '));
    fs.rmSync(path.join(dir, 'inventory'), { recursive: true });
    fs.cpSync(path.join(lab.projectDir, 'inventory'), path.join(dir, 'inventory'), { recursive: true });
    fs.copyFileSync(path.join(lab.projectDir, 'directory', 'employees.csv'), path.join(dir, 'directory', 'employees.csv'));
    const labConfig = parse(fs.readFileSync(path.join(lab.projectDir, 'homeshift.yaml'), 'utf8'));
    fs.copyFileSync(labConfig.ssh.knownHosts, path.join(dir, 'known_hosts')); // what ssh-keyscan gives a supporter
    fs.mkdirSync(path.join(dir, 'secrets'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'secrets', 'enrolment.token'), 'token\n');
    const env = { NO_COLOR: '1', HOMESHIFT_VPN_PSK: 'psk' };
    const run = (args: string[]) => execa(process.execPath, [bin, '-C', dir, ...args], { reject: false, stdin: 'ignore', env });
    const validate = await run(['validate']);
    expect(validate.stdout).toContain('valid: 0 error(s)');
    const preflight = await run(['preflight', '--format', 'json']);
    const report = JSON.parse(String(preflight.stdout)) as { ready: boolean; machines: { ready: boolean }[] };
    expect({ exit: preflight.exitCode, ready: report.ready, machines: report.machines.length }).toEqual({ exit: 0, ready: true, machines: 4 });
  }, 180_000);
});
