import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { Bundle, Employee, Machine, Profile, ProfileStep, Project, Site, TemplateSource } from '../../src/model/index.js';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pos = (file: string) => ({ file, line: 1, col: 1 });

function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(dir, f));
}

/** The shipped profiles, read the simple way (the real loader keeps positions). */
export function loadShippedProfiles(): Map<string, Profile> {
  const profiles = new Map<string, Profile>();
  for (const file of yamlFiles(join(REPO, 'profiles'))) {
    const doc = parse(readFileSync(file, 'utf8'));
    const rel = relative(REPO, file);
    const steps: ProfileStep[] = (doc.steps ?? []).map((s: Record<string, unknown>) => ({ vars: {}, secrets: [], ...s, pos: pos(rel) }));
    profiles.set(doc.name, { bundles: [], vars: {}, ...doc, steps, pos: pos(rel), file: rel });
  }
  return profiles;
}

export function loadShippedBundles(): Map<string, Bundle> {
  const bundles = new Map<string, Bundle>();
  for (const file of yamlFiles(join(REPO, 'profiles', 'bundles'))) {
    for (const b of parse(readFileSync(file, 'utf8')).bundles) bundles.set(b.name, { ...b, pos: pos(relative(REPO, file)) });
  }
  return bundles;
}

export function loadShippedTemplates(): Map<string, TemplateSource> {
  const templates = new Map<string, TemplateSource>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else {
        const name = relative(join(REPO, 'templates'), full).split('\\').join('/');
        templates.set(name, { name, file: `templates/${name}`, text: readFileSync(full, 'utf8') });
      }
    }
  };
  walk(join(REPO, 'templates'));
  return templates;
}

export function makeSite(id: string, over: Partial<Site> = {}): Site {
  return {
    id,
    name: `Service center ${id[0].toUpperCase()}${id.slice(1)}`,
    vpnGateway: `vpn-${id}.example-telco.de`,
    supporters: [{ name: 'Sam Support', email: `aps-${id}@example-telco.de` }],
    sharedMailboxes: [`hotline-${id}@example-telco.de`, `team-${id}@example-telco.de`],
    language: 'en',
    ssh: {},
    vars: {},
    pos: pos(`inventory/${id}.yaml`),
    ...over,
  };
}

export function makeEmployee(id: string, first: string, last: string, site: string, over: Partial<Employee> = {}): Employee {
  return { id, firstName: first, lastName: last, mailbox: `${first}.${last}@example-telco.de`.toLowerCase(), site, pos: pos('directory.yaml'), ...over };
}

export function makeMachine(id: string, os: 'linux' | 'windows', site: string, user: string, role: string, over: Partial<Machine> = {}): Machine {
  return { id, host: `${id.toLowerCase()}.${site}.example-telco.de`, os, site, user, role, ssh: {}, vars: {}, pos: pos(`inventory/${site}.yaml`), ...over };
}

/** A small rollout repository: two sites, four roles, both OSes. */
export function buildFixtureProject(root = '/srv/rollout'): Project {
  const sites = [makeSite('bruehl'), makeSite('koeln', { ssh: { port: 2222 }, vars: { mailServer: 'mail-koeln.example-telco.de' } })];
  const employees = [
    makeEmployee('e100001', 'Tina', 'Mueller', 'bruehl', { role: 'hotline-agent' }),
    makeEmployee('e100002', 'Jonas', 'Schmidt', 'bruehl', { role: 'team-lead' }),
    makeEmployee('e100003', 'Aylin', 'Yilmaz', 'koeln', { role: 'back-office' }),
    makeEmployee('e100004', 'Peter', 'Becker', 'koeln', { role: 'hotline-agent' }),
  ];
  const machines = [
    makeMachine('BRU-D0001', 'linux', 'bruehl', 'e100001', 'hotline-agent'),
    makeMachine('BRU-D0002', 'windows', 'bruehl', 'e100002', 'team-lead'),
    makeMachine('KOE-D0001', 'windows', 'koeln', 'e100003', 'back-office'),
    makeMachine('KOE-D0002', 'linux', 'koeln', 'e100004', 'hotline-agent', { vars: { root: '/srv/lab/KOE-D0002' } }),
  ];
  return {
    root,
    configFile: join(root, 'homeshift.yaml'),
    config: {
      name: 'service-center',
      inventory: ['inventory'],
      directory: 'directory.yaml',
      profiles: [],
      bundles: [],
      templates: [],
      mail: { allowedDomains: ['example-telco.de'] },
      secrets: { vpnPsk: { env: 'HS_VPN_PSK' }, enrolmentToken: { env: 'HS_MDM_TOKEN' } },
      ssh: { user: 'homeshift', stepTimeout: 300 },
      journal: '.homeshift/journal.db',
      escalateAfter: '2d',
      escalateAfterAttempts: 3,
      vars: {},
      pos: pos('homeshift.yaml'),
    },
    sites: new Map(sites.map((s) => [s.id, s])),
    machines,
    employees: new Map(employees.map((e) => [e.id, e])),
    employeeList: employees,
    profiles: loadShippedProfiles(),
    bundles: loadShippedBundles(),
    templates: loadShippedTemplates(),
  };
}
