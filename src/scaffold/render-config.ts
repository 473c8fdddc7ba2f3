import path from 'node:path';
import { stringify } from 'yaml';
import type { InitAnswers, SiteAnswer } from './answers.js';

export const DIRECTORY_HEADER = 'id,firstName,lastName,mailbox,site,role';
const YAML_OPTS = { lineWidth: 0 };

/** Where a rollout repository keeps its copy of the JSON schemas, so `$schema` lines hold wherever it is cloned. */
export const SCHEMA_FOLDER = 'schema';

/** The editor hint line: `$schema` relative from a repository file (path with '/') to the repository's schema copy. */
export function schemaLine(file: string, kind: string): string {
  const rel = path.posix.relative(path.posix.dirname(`/${file}`), `/${SCHEMA_FOLDER}/${kind}.schema.json`);
  return `# yaml-language-server: $schema=${rel}\n`;
}

/** homeshift.yaml: paths, mail domains, the secrets the shipped profiles name, ssh and journal settings. */
export function renderProjectFile(a: InitAnswers, schema: string): string {
  const head = stringify({
    name: a.name,
    inventory: 'inventory/',
    directory: 'directory/employees.csv',
    mail: { allowedDomains: a.domains },
  }, YAML_OPTS);
  const secrets = stringify({
    secrets: { vpnPsk: { env: 'HOMESHIFT_VPN_PSK' }, enrolmentToken: { file: 'secrets/enrolment.token' } },
  }, YAML_OPTS);
  const ssh = stringify({
    ssh: { user: a.sshUser, port: 22, identityFile: a.sshKey, hostKeyPolicy: a.hostKeyPolicy, knownHosts: 'known_hosts', connectTimeout: 10, stepTimeout: 300, machineTimeout: 1800 },
    journal: '.homeshift/journal.db',
  }, YAML_OPTS);
  const rollout = stringify({ rollout: { waves: a.waves, maxFailures: a.maxFailures } }, YAML_OPTS);
  const cases = stringify({
    escalateAfter: '2d',
    escalateAfterAttempts: 3,
    notify: { from: a.notifyFrom },
    routing: {
      groups: { 'central-it': { members: a.centralIt } },
      rules: [
        { class: ['auth', 'internal'], to: 'central-it', reactWithin: '4h' },
        { to: 'site-supporters', reactWithin: '1d' },
      ],
    },
  }, YAML_OPTS);
  const dayTwo = stringify({ keep: { offlineCaseAfter: '3 working days' }, disturb: { window: '18:00-07:00', whenLoggedOn: false } }, YAML_OPTS);
  const tail = stringify({ vars: { mailServer: `mail.${a.domains[0]}` } }, YAML_OPTS);
  return [
    schema,
    head,
    '# Secret values never live in this file: each comes from an environment variable or a file\n',
    '# that is not committed (see .gitignore). The shipped profiles refer to these names.\n',
    secrets,
    `# Host keys: ${hostKeyNote(a.hostKeyPolicy)}\n`,
    ssh,
    '# rollout and rerun start with one PC, then a tenth, then the rest, and halt when more than 5 % of the PCs fail;\n',
    '# --waves and --max-failures override these for one run.\n',
    rollout,
    '# Failed PCs become cases: authentication and internal errors go to central IT, everything else to the\n',
    "# site's supporters; homeshift notify sends each owner one digest (the SMTP server is given with --smtp).\n",
    cases,
    '# Day two (homeshift keep): a PC not seen for three working days becomes an offline case for its site\'s\n',
    '# supporters; installs that need a restart, and the restart, wait for the evening and for nobody logged on\n',
    '# (in the control machine\'s time zone; timeZone: and sites: set others, see docs/keep.md).\n',
    dayTwo,
    tail,
  ].join('');
}

function hostKeyNote(policy: InitAnswers['hostKeyPolicy']): string {
  if (policy === 'strict') return 'every PC must be listed in known_hosts (ssh-keyscan) before a rollout.';
  if (policy === 'accept-new') return 'a PC seen for the first time is trusted, then its key is pinned in known_hosts.';
  return 'not checked (only for isolated test networks).';
}

/** inventory/<site>.yaml: the site block and an empty machine list with a commented example. */
export function renderSiteFile(site: SiteAnswer, a: InitAnswers, schema: string): string {
  const block: Record<string, unknown> = { id: site.id, name: site.name, vpnGateway: site.vpnGateway };
  if (site.supporters.length > 0) block.supporters = site.supporters;
  if (site.sharedMailbox) block.sharedMailboxes = [site.sharedMailbox];
  const prefix = (site.id.replace(/[^a-z0-9]/g, '').slice(0, 3) || 'pc').toUpperCase();
  const role = a.roles.includes('hotline-agent') || a.roles.length === 0 ? 'hotline-agent' : a.roles[0];
  const host = `${prefix.toLowerCase()}-d0001.${a.domains[0]}`;
  return [
    schema,
    stringify({ site: block }, YAML_OPTS),
    '# One entry per desktop PC; `homeshift inventory import export.csv` fills this list from an asset export:\n',
    `#  - { id: ${prefix}-D0001, host: ${host}, os: windows, user: e100001, role: ${role} }\n`,
    'machines: []\n',
  ].join('');
}

export function renderDirectoryFile(): string {
  return `${DIRECTORY_HEADER}\n`;
}

export const GITIGNORE_LINES = ['.homeshift/', 'secrets/'];

/** .gitignore: the journal and the secrets stay out of git; lines already there are kept. */
export function renderGitignore(existing: string | null): string {
  const have = new Set((existing ?? '').split(/\r?\n/).map((l) => l.trim()));
  const add = GITIGNORE_LINES.filter((l) => !have.has(l));
  if (existing === null) return `${add.join('\n')}\n`;
  if (add.length === 0) return existing;
  return `${existing}${existing.endsWith('\n') || existing === '' ? '' : '\n'}${add.join('\n')}\n`;
}
