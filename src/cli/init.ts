import fs from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { checkbox, confirm, input, select } from '@inquirer/prompts';
import { findPackageRoot, PROJECT_FILE } from '../config/index.js';
import type { HostKeyPolicy } from '../model/index.js';
import {
  buildScaffold, checkAddress, checkAnswers, checkDomain, checkHost, checkMailbox, checkSiteId, defaultAnswers, defaultRoles, defaultSite,
  checkMaxFailures, checkWaves, DEFAULT_SSH_KEY, HOST_KEY_POLICIES, parseSiteSpec, parseSupporterSpec, SAFE_MAX_FAILURES, SAFE_WAVES, type InitAnswers, type ProfileText, type SiteAnswer,
} from '../scaffold/index.js';
import { CliError, EXIT, setExit, usageError } from './exit.js';
import { pickOrCreateKey } from './init-key.js';
import { createOutput } from './output.js';
import { globalOptions } from './project.js';

interface InitOptions {
  name?: string; domain?: string[]; site?: string[]; supporter?: string[]; role?: string[]; sshUser?: string; sshKey?: string; hostKeyPolicy?: HostKeyPolicy;
  waves?: string; maxFailures?: string; notifyFrom?: string; centralIt?: string[]; yes?: boolean; force?: boolean;
}

const collect = (value: string, prev: string[] = []) => [...prev, value];

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('create a rollout repository: homeshift.yaml, one inventory file per site, the directory, .gitignore and a README')
    .argument('[dir]', 'folder to create it in (default: --project or the working directory)')
    .option('--name <name>', 'name of the rollout')
    .option('--domain <domain>', 'allowed mail domain (repeatable, or comma-separated)', collect)
    .option('--site <id:Name:gateway>', 'a site; may add :Supporter Name:supporter@mail[:shared@mail] (repeatable)', collect)
    .option('--supporter <site:Name:mail>', 'one more supporter of a site (repeatable: a site may have several)', collect)
    .option('--role <role>', 'shipped role the PCs use (repeatable)', collect)
    .option('--ssh-user <user>', 'login user on the PCs')
    .option('--ssh-key <file>', `the ed25519 key homeshift logs in with: picked when it exists, else created (default ${DEFAULT_SSH_KEY}, which git ignores)`)
    .option('--waves <sizes>', `rollout's default waves (default ${SAFE_WAVES})`)
    .option('--max-failures <amount>', `rollout's default failure threshold (default ${SAFE_MAX_FAILURES})`)
    .option('--notify-from <mail>', 'sender of the notify digests (default homeshift@ the first mail domain)')
    .option('--central-it <mail>', 'member of the central-it group that owns authentication and internal failures (repeatable)', collect)
    .addOption(new Option('--host-key-policy <policy>', 'how host keys are checked').choices(HOST_KEY_POLICIES))
    .option('-y, --yes', 'ask nothing: take defaults for what the flags do not say')
    .option('--force', 'overwrite an existing homeshift.yaml and scaffold files')
    .addHelpText('after', `
Asks on a terminal; with --yes, or when stdin is not a terminal, it takes the flags instead
(without --yes, --name, --domain and --site are then required).

Examples:
  $ homeshift init rollout
  $ homeshift init rollout --yes --name sc-rollout --domain example-telco.de \\
      --site "bruehl:Service Center Brühl:vpn-bru.example-telco.de" --role hotline-agent`)
    .action(async (dirArg: string | undefined, opts: InitOptions, cmd: Command) => {
      const g = globalOptions(cmd);
      const out = createOutput(g);
      const dir = path.resolve(dirArg ?? g.project ?? '.');
      if (fs.existsSync(path.join(dir, PROJECT_FILE)) && !opts.force) throw usageError(`${path.join(dir, PROJECT_FILE)} already exists; nothing was written (use --force to overwrite)`);
      const shipped = readShippedProfiles();
      const roles = shipped.map((p) => p.name);
      const given = answersFromFlags(opts, defaultAnswers(path.basename(dir), roles));
      const interactive = !opts.yes && Boolean(process.stdin.isTTY && process.stdout.isTTY);
      if (!interactive && !opts.yes) {
        const missing = (['name', 'domain', 'site'] as const).filter((k) => opts[k] === undefined).map((k) => `--${k}`);
        if (missing.length > 0) throw usageError(`stdin is not a terminal, so init asks nothing: give ${missing.join(', ')} or --yes to take defaults`);
      }
      const answers = interactive ? await askAnswers(given, roles) : given.answers;
      const problems = checkAnswers(answers, roles);
      if (problems.length > 0) throw usageError(`nothing was written:\n  ${problems.join('\n  ')}`);
      const written = writeScaffold(dir, answers, shipped, opts.force === true);
      const key = pickOrCreateKey(dir, answers.sshKey, `homeshift@${answers.name}`);
      out.out(`${out.c.green('created')} rollout repository ${answers.name} in ${dir}:`);
      for (const w of written) out.out(`  ${w}`);
      out.out(`SSH key: ${key.created ? 'created' : 'picked'} ${key.file}; put this line into each PC's authorized keys`);
      out.out('(Windows: C:\\ProgramData\\ssh\\administrators_authorized_keys; Linux: ~/.ssh/authorized_keys of the SSH user):');
      out.out(`  ${key.publicLine}`);
      out.out(`next: add PCs (homeshift inventory import FILE.csv) and employees, then run homeshift -C ${dirArg ?? '.'} validate`);
      setExit(EXIT.ok);
    });
}

/** The answers the flags give, defaults for the rest; `set` says which were given. */
function answersFromFlags(opts: InitOptions, defaults: InitAnswers): { answers: InitAnswers; set: Set<string> } {
  const a = { ...defaults };
  const set = new Set<string>();
  if (opts.name !== undefined) (a.name = opts.name), set.add('name');
  if (opts.domain) (a.domains = opts.domain.flatMap((d) => d.split(',')).map((d) => d.trim()).filter(Boolean)), set.add('domains');
  if (opts.site) {
    try {
      a.sites = opts.site.map(parseSiteSpec);
    } catch (err) {
      throw usageError((err as Error).message);
    }
    set.add('sites');
  } else a.sites = [defaultSite(a.domains[0] ?? 'example.com')];
  if (opts.role) (a.roles = opts.role.flatMap((r) => r.split(',')).map((r) => r.trim()).filter(Boolean)), set.add('roles');
  if (opts.supporter) {
    for (const spec of opts.supporter) {
      let parsed;
      try {
        parsed = parseSupporterSpec(spec);
      } catch (err) {
        throw usageError((err as Error).message);
      }
      const site = a.sites.find((s) => s.id === parsed.site);
      if (!site) throw usageError(`--supporter ${spec}: no site ${parsed.site} (sites: ${a.sites.map((s) => s.id).join(', ')})`);
      site.supporters.push(parsed.supporter);
    }
  }
  if (opts.sshUser !== undefined) (a.sshUser = opts.sshUser), set.add('sshUser');
  if (opts.sshKey !== undefined) (a.sshKey = opts.sshKey), set.add('sshKey');
  if (opts.waves !== undefined) (a.waves = opts.waves), set.add('waves');
  if (opts.maxFailures !== undefined) (a.maxFailures = opts.maxFailures), set.add('maxFailures');
  if (opts.notifyFrom !== undefined) (a.notifyFrom = opts.notifyFrom), set.add('notifyFrom');
  else a.notifyFrom = `homeshift@${a.domains[0] ?? 'example.com'}`;
  if (opts.centralIt) (a.centralIt = opts.centralIt.flatMap((m) => m.split(',')).map((m) => m.trim()).filter(Boolean)), set.add('centralIt');
  else a.centralIt = [`it-support@${a.domains[0] ?? 'example.com'}`];
  if (opts.hostKeyPolicy !== undefined) (a.hostKeyPolicy = opts.hostKeyPolicy), set.add('hostKeyPolicy');
  return { answers: a, set };
}

/** Asks for every answer no flag gave. Ctrl-C ends init with exit 130 and nothing written. */
async function askAnswers(given: { answers: InitAnswers; set: Set<string> }, roles: string[]): Promise<InitAnswers> {
  const a = { ...given.answers };
  const ask = (key: string) => !given.set.has(key);
  try {
    if (ask('name')) a.name = (await input({ message: 'Project name', default: a.name, validate: (v) => v.trim() !== '' || 'the name must not be empty' })).trim();
    if (ask('domains')) {
      const text = await input({ message: 'Mail domain(s), comma-separated', default: a.domains.join(', '), validate: (v) => splitList(v).map(checkDomain).find(Boolean) ?? (splitList(v).length > 0 || 'give at least one domain') });
      a.domains = splitList(text);
    }
    if (ask('sites')) a.sites = await askSites(a.domains);
    if (ask('roles')) a.roles = await checkbox({ message: 'Roles the PCs use (space selects)', choices: roles.map((r) => ({ value: r, checked: defaultRoles(roles).includes(r) })) });
    if (ask('sshUser')) a.sshUser = (await input({ message: 'SSH user on the PCs', default: a.sshUser, validate: (v) => /^\S+$/.test(v.trim()) || 'one word' })).trim();
    if (ask('hostKeyPolicy')) {
      a.hostKeyPolicy = await select<HostKeyPolicy>({
        message: 'Host key policy',
        default: a.hostKeyPolicy,
        choices: [
          { value: 'strict', name: 'strict — keys must be in known_hosts' },
          { value: 'accept-new', name: 'accept-new — trust on first use, then pinned' },
          { value: 'off', name: 'off — no check (test networks only)' },
        ],
      });
    }
    if (ask('sshKey')) a.sshKey = (await input({ message: 'SSH key (ed25519; picked when it exists, else created)', default: a.sshKey, validate: (v) => v.trim() !== '' || 'give a file' })).trim();
    if (ask('waves')) a.waves = (await input({ message: 'Rollout waves (one PC, a tenth, the rest)', default: a.waves, validate: (v) => checkWaves(v) ?? true })).trim();
    if (ask('maxFailures')) a.maxFailures = (await input({ message: 'Halt a rollout when more PCs fail than', default: a.maxFailures, validate: (v) => checkMaxFailures(v) ?? true })).trim();
    if (ask('notifyFrom')) a.notifyFrom = (await input({ message: 'Sender of the notify digests', default: `homeshift@${a.domains[0]}`, validate: (v) => checkAddress(v.trim()) ?? true })).trim();
    if (ask('centralIt')) {
      const text = await input({ message: 'Central IT (owns authentication and internal failures), comma-separated', default: `it-support@${a.domains[0]}`, validate: (v) => splitList(v).map(checkAddress).find(Boolean) ?? (splitList(v).length > 0 || 'give at least one address') });
      a.centralIt = splitList(text);
    }
  } catch (err) {
    if ((err as Error).name === 'ExitPromptError') throw new CliError('init cancelled; nothing was written', EXIT.interrupted);
    throw err;
  }
  return a;
}

async function askSites(domains: string[]): Promise<SiteAnswer[]> {
  const sites: SiteAnswer[] = [];
  const domain = domains[0];
  do {
    const taken = sites.map((s) => s.id);
    const id = (await input({ message: `Site ${sites.length + 1}: id (e.g. bruehl)`, validate: (v) => checkSiteId(v.trim(), taken) ?? true })).trim();
    const name = (await input({ message: '  name', default: `Service Center ${id.charAt(0).toUpperCase()}${id.slice(1)}`, validate: (v) => v.trim() !== '' || 'must not be empty' })).trim();
    const vpnGateway = (await input({ message: '  VPN gateway', default: `vpn-${id}.${domain}`, validate: (v) => checkHost(v.trim()) ?? true })).trim();
    const site: SiteAnswer = { id, name, vpnGateway, supporters: [] };
    for (;;) {
      const supName = (await input({ message: site.supporters.length === 0 ? '  supporter name (empty: none)' : '  another supporter (empty: no more)' })).trim();
      if (!supName) break;
      const email = (await input({ message: '  supporter e-mail', validate: (v) => checkAddress(v.trim()) ?? true })).trim();
      site.supporters.push({ name: supName, email });
    }
    const shared = (await input({ message: '  shared mailbox (empty: none)', default: `hotline-${id}@${domain}`, validate: (v) => v.trim() === '' || (checkMailbox(v.trim(), domains, 'mailbox')[0] ?? true) })).trim();
    if (shared) site.sharedMailbox = shared;
    sites.push(site);
  } while (await confirm({ message: 'Add another site?', default: false }));
  return sites;
}

function splitList(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean);
}

function readShippedProfiles(): ProfileText[] {
  const dir = path.join(findPackageRoot(), 'profiles');
  return fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()
    .map((f) => ({ name: f.replace(/\.ya?ml$/, ''), text: fs.readFileSync(path.join(dir, f), 'utf8') }));
}

/** The JSON schemas the tool ships; a repository keeps a copy so its `$schema` lines work wherever it is cloned. */
function readShippedSchemas(): { name: string; text: string }[] {
  const dir = path.join(findPackageRoot(), 'schema');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.schema.json')).sort().map((name) => ({ name, text: fs.readFileSync(path.join(dir, name), 'utf8') }));
}

/** Writes the scaffold; existing files other than homeshift.yaml are kept unless forced. Returns one line per file. */
function writeScaffold(dir: string, answers: InitAnswers, shipped: ProfileText[], force: boolean): string[] {
  const gitignore = path.join(dir, '.gitignore');
  const existingGitignore = fs.existsSync(gitignore) ? fs.readFileSync(gitignore, 'utf8') : null;
  const files = buildScaffold(answers, { dir, schemas: readShippedSchemas(), shippedProfiles: shipped, existingGitignore });
  const lines: string[] = [];
  for (const f of files) {
    const abs = path.join(dir, f.path);
    const exists = fs.existsSync(abs);
    if (exists && f.kind === 'create' && !force) {
      lines.push(`${f.path} (kept the existing file)`);
      continue;
    }
    if (exists && (f.kind === 'merge' || f.kind === 'schema') && fs.readFileSync(abs, 'utf8') === f.text) continue;
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, f.text);
    lines.push(exists ? `${f.path} (${f.kind === 'merge' || f.kind === 'schema' ? 'updated' : 'overwritten'})` : f.path);
  }
  return lines;
}
