import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { findPackageRoot } from '../config/package-root.js';
import type { Os } from '../model/index.js';
import { FIRST_NAMES, LAST_NAMES, SITE_NAMES, toMailboxPart } from './fleet-names.js';

export interface FleetOptions {
  machines: number;
  sites: number;
  seed?: number;
  linuxShare?: number; // 0..1, default 0.15
  osFor?: (i: number) => Os; // decides the OS instead of linuxShare (the lab: exactly N Windows PCs)
  hostFor?: (i: number) => { host: string; port: number }; // i: machine index over the whole fleet
  schemaDir?: string; // the JSON schemas copied into the repository's schema/ (where `$schema` comments point); default the package's
}

export interface FleetSummary {
  machines: number;
  sites: string[];
  files: string[]; // written, relative to dir
}

const MAIL_DOMAIN = 'example-telco.de';
// Shipped role profiles with their share of the fleet; home-office-base is only extended.
const ROLES: [string, number][] = [['hotline-agent', 0.75], ['team-lead', 0.08], ['back-office', 0.17]];

interface GenMachine { id: string; host: string; port?: number; os: Os; user: string; role: string }
interface GenEmployee { id: string; firstName: string; lastName: string; mailbox: string; site: string; role: string }

/** Writes a valid rollout repository (homeshift.yaml, one inventory file per site, directory CSV); same options, same bytes. */
export async function generateFleet(dir: string, opts: FleetOptions): Promise<FleetSummary> {
  if (!Number.isInteger(opts.machines) || opts.machines < 1) throw new RangeError(`machines must be a positive whole number, not ${opts.machines}`);
  if (!Number.isInteger(opts.sites) || opts.sites < 1 || opts.sites > SITE_NAMES.length) throw new RangeError(`sites must be between 1 and ${SITE_NAMES.length}, not ${opts.sites}`);
  const random = createRandom(opts.seed ?? 1);
  const linuxShare = opts.linuxShare ?? 0.15;
  const schemaRef = '../schema'; // from inventory/: the repository's own copy, so the lines hold wherever it moves
  const mailboxes = new Set<string>();
  const employees: GenEmployee[] = [];
  await mkdir(path.join(dir, 'inventory'), { recursive: true });
  await mkdir(path.join(dir, 'directory'), { recursive: true });
  const files: string[] = await copySchemas(opts.schemaDir ?? path.join(findPackageRoot(), 'schema'), dir);
  const siteIds: string[] = [];
  for (let s = 0; s < opts.sites; s++) {
    const [siteId, code, city] = SITE_NAMES[s];
    siteIds.push(siteId);
    const from = Math.floor((s * opts.machines) / opts.sites);
    const to = Math.floor(((s + 1) * opts.machines) / opts.sites);
    const machines: GenMachine[] = [];
    for (let i = from; i < to; i++) {
      const id = `${code}-D${String(i - from + 1).padStart(4, '0')}`;
      const target = opts.hostFor?.(i);
      const employee = createEmployee(i, siteId, pickRole(random()), random, mailboxes);
      employees.push(employee);
      const machine: GenMachine = { id, host: target?.host ?? `${id.toLowerCase()}.sc.${MAIL_DOMAIN}`, os: pickOs(i, random() < linuxShare, opts.osFor), user: employee.id, role: employee.role };
      if (target) machine.port = target.port;
      machines.push(machine);
    }
    const file = `inventory/${siteId}.yaml`;
    await writeFile(path.join(dir, file), renderInventory(schemaRef, siteId, code, city, machines, random));
    files.push(file);
  }
  await writeFile(path.join(dir, 'directory/employees.csv'), renderDirectory(employees));
  await writeFile(path.join(dir, 'homeshift.yaml'), renderProjectFile(schemaRef.replace(/^\.\.\//, '')));
  await writeFile(path.join(dir, '.gitignore'), 'secrets/\n.homeshift/\n');
  files.push('directory/employees.csv', 'homeshift.yaml', '.gitignore');
  return { machines: opts.machines, sites: siteIds, files: files.sort() };
}

/** The JSON schemas into the repository's schema/; returns their paths relative to dir. */
async function copySchemas(from: string, dir: string): Promise<string[]> {
  await mkdir(path.join(dir, 'schema'), { recursive: true });
  const names = (await readdir(from)).filter((f) => f.endsWith('.schema.json')).sort();
  for (const name of names) await copyFile(path.join(from, name), path.join(dir, 'schema', name));
  return names.map((name) => `schema/${name}`);
}

function createEmployee(i: number, site: string, role: string, random: () => number, taken: Set<string>): GenEmployee {
  const firstName = FIRST_NAMES[Math.floor(random() * FIRST_NAMES.length)];
  const lastName = i === 7 ? "O'Brien" : LAST_NAMES[Math.floor(random() * LAST_NAMES.length)];
  const base = `${toMailboxPart(firstName)}.${toMailboxPart(lastName)}`;
  let local = base;
  for (let n = 2; taken.has(local); n++) local = `${base}${n}`;
  taken.add(local);
  return { id: `e${100001 + i}`, firstName, lastName, mailbox: `${local}@${MAIL_DOMAIN}`, site, role };
}

function pickOs(i: number, linuxByShare: boolean, osFor: FleetOptions['osFor']): Os {
  if (osFor) return osFor(i);
  return linuxByShare ? 'linux' : 'windows';
}

function pickRole(r: number): string {
  let acc = 0;
  for (const [role, share] of ROLES) if (r < (acc += share)) return role;
  return ROLES[0][0];
}

function renderInventory(schemaRef: string, siteId: string, code: string, city: string, machines: GenMachine[], random: () => number): string {
  const a = `${FIRST_NAMES[Math.floor(random() * FIRST_NAMES.length)]} ${LAST_NAMES[Math.floor(random() * LAST_NAMES.length)]}`;
  const b = `${FIRST_NAMES[Math.floor(random() * FIRST_NAMES.length)]} ${LAST_NAMES[Math.floor(random() * LAST_NAMES.length)]}`;
  const supporter = (name: string) => `{ name: ${quote(name)}, email: ${toMailboxPart(name.split(' ')[0])}.${toMailboxPart(name.split(' ').slice(1).join(''))}@${MAIL_DOMAIN} }`;
  const lines = [
    `# yaml-language-server: $schema=${schemaRef}/inventory.schema.json`,
    `site:`,
    `  id: ${siteId}`,
    `  name: ${quote(`Service Center ${city}`)}`,
    `  vpnGateway: vpn-${code.toLowerCase()}.${MAIL_DOMAIN}`,
    `  supporters:`,
    `    - ${supporter(a)}`,
    `    - ${supporter(b)}`,
    `  sharedMailboxes: [hotline-${siteId}@${MAIL_DOMAIN}]`,
    `machines:`,
    ...machines.map((m) => `  - { id: ${m.id}, host: ${quote(m.host)}${m.port !== undefined ? `, port: ${m.port}` : ''}, os: ${m.os}, user: ${m.user}, role: ${m.role} }`),
  ];
  return lines.join('\n') + '\n';
}

function renderDirectory(employees: GenEmployee[]): string {
  const rows = employees.map((e) => [e.id, e.firstName, e.lastName, e.mailbox, e.site, e.role].map(csvCell).join(','));
  return ['id,firstName,lastName,mailbox,site,role', ...rows].join('\n') + '\n';
}

function renderProjectFile(schemaRef: string): string {
  return `# yaml-language-server: $schema=${schemaRef}/homeshift.schema.json
name: service-center-rollout
inventory: inventory/
directory: directory/employees.csv
mail:
  allowedDomains: [${MAIL_DOMAIN}]
# Secret values never live in this file: each comes from an environment variable or a file
# that is not committed (see .gitignore). Profiles refer to them by name.
secrets:
  vpnPsk: { env: HOMESHIFT_VPN_PSK }
  enrolmentToken: { file: secrets/enrolment.token }
ssh:
  user: homeshift
  port: 22
  identityFile: ~/.ssh/id_ed25519
  hostKeyPolicy: strict
  knownHosts: known_hosts
  connectTimeout: 10
  stepTimeout: 300
  machineTimeout: 1800
journal: .homeshift/journal.db
escalateAfter: 2d
escalateAfterAttempts: 3
vars:
  mailServer: mail.${MAIL_DOMAIN}
`;
}

/** A YAML scalar: plain when that is unambiguous, otherwise a JSON (double-quoted) string. */
function quote(value: string): string {
  return /^[A-Za-z][A-Za-z0-9 ._@()-]*[A-Za-z0-9)]$/.test(value) && !/^(true|false|null|yes|no|on|off)$/i.test(value) && !/: | #/.test(value) ? value : JSON.stringify(value);
}

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** mulberry32: small, fast, deterministic. */
function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
