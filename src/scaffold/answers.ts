import type { HostKeyPolicy, Supporter } from '../model/index.js';
import { slugify } from '../config/import/slug.js';

export { slugify };

/** One service center as entered at `homeshift init`. */
export interface SiteAnswer {
  id: string;
  name: string;
  vpnGateway: string;
  supporters: Supporter[];
  sharedMailbox?: string;
}

/** Everything `homeshift init` asks; the scaffold is built from this alone. */
export interface InitAnswers {
  name: string;
  domains: string[];
  sites: SiteAnswer[];
  roles: string[];
  sshUser: string;
  hostKeyPolicy: HostKeyPolicy;
  sshKey: string; // identityFile: a key to pick, or where init creates one (relative to the repository, or absolute)
  waves: string; // rollout's default --waves
  maxFailures: string; // rollout's default --max-failures
  notifyFrom: string; // sender of the digests
  centralIt: string[]; // members of the central-it routing group: authentication and internal failures go to them
}

/** What a first rollout should do unless told otherwise: one PC, then a tenth, then the rest; halt past 5 % failures. */
export const SAFE_WAVES = '1,10%,100%';
export const SAFE_MAX_FAILURES = '5%';
/** Where init creates the key when none is named: in the repository's secrets/ folder, which git ignores. */
export const DEFAULT_SSH_KEY = 'secrets/homeshift_ed25519';

export const HOST_KEY_POLICIES: HostKeyPolicy[] = ['strict', 'accept-new', 'off'];
const SITE_ID = /^[a-z0-9][a-z0-9-]*$/;
const DOMAIN = /^[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/;
const HOST = /^[A-Za-z0-9.:_-]+$/;
const MAILBOX = /^[^\s@]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/;

/** Parses `id:Name:gateway[:Supporter Name:supporter@mail[:shared@mail]]` as given to --site. */
export function parseSiteSpec(spec: string): SiteAnswer {
  const parts = spec.split(':').map((p) => p.trim());
  if (parts.length < 3 || parts.length > 6 || parts.length === 4) {
    throw new RangeError(`--site ${spec}: expected id:Name:gateway, optionally followed by :Supporter Name:supporter@mail and :shared@mail`);
  }
  const [id, name, vpnGateway, supName, supMail, shared] = parts;
  const site: SiteAnswer = { id, name, vpnGateway, supporters: [] };
  if (supName !== undefined) site.supporters.push({ name: supName, email: supMail });
  if (shared) site.sharedMailbox = shared;
  return site;
}

/** The answers used with --yes when a flag is not given. */
export function defaultAnswers(folderName: string, shippedRoles: string[]): InitAnswers {
  const domain = 'example.com';
  return {
    name: slugify(folderName) || 'home-office-rollout',
    domains: [domain],
    sites: [defaultSite(domain)],
    roles: defaultRoles(shippedRoles),
    sshUser: 'homeshift',
    hostKeyPolicy: 'strict',
    sshKey: DEFAULT_SSH_KEY,
    waves: SAFE_WAVES,
    maxFailures: SAFE_MAX_FAILURES,
    notifyFrom: `homeshift@${domain}`,
    centralIt: [`it-support@${domain}`],
  };
}

export function defaultSite(domain: string): SiteAnswer {
  return { id: 'main', name: 'Main Service Center', vpnGateway: `vpn.${domain}`, supporters: [{ name: 'Site Support', email: `support-main@${domain}` }] };
}

/** Parses --supporter `site:Name:mail` (repeatable: a site may have several supporters). */
export function parseSupporterSpec(spec: string): { site: string; supporter: Supporter } {
  const parts = spec.split(':').map((p) => p.trim());
  if (parts.length !== 3) throw new RangeError(`--supporter ${spec}: expected site:Name:mail, e.g. "bruehl:Uwe Groß:uwe.gross@example-telco.de"`);
  return { site: parts[0], supporter: { name: parts[1], email: parts[2] } };
}

/** Roles machines get by default: every shipped profile except the base the others extend. */
export function defaultRoles(shippedRoles: string[]): string[] {
  return shippedRoles.filter((r) => r !== 'home-office-base');
}

/** What is wrong with the answers, one message each (empty when they can be written). */
export function checkAnswers(a: InitAnswers, shippedRoles: string[]): string[] {
  const out: string[] = [];
  if (!a.name.trim()) out.push('the project name must not be empty');
  if (a.domains.length === 0) out.push('give at least one mail domain');
  for (const d of a.domains) if (!DOMAIN.test(d)) out.push(`mail domain '${d}' is not a domain name such as example-telco.de`);
  if (a.sites.length === 0) out.push('give at least one site');
  const seen = new Set<string>();
  for (const s of a.sites) out.push(...checkSite(s, a.domains, seen));
  for (const r of a.roles) if (!shippedRoles.includes(r)) out.push(`role '${r}' is not a shipped profile (${shippedRoles.join(', ')})`);
  if (!a.sshUser.trim() || /\s/.test(a.sshUser)) out.push(`ssh user '${a.sshUser}' must be one word`);
  if (!HOST_KEY_POLICIES.includes(a.hostKeyPolicy)) out.push(`host key policy '${a.hostKeyPolicy}' must be one of ${HOST_KEY_POLICIES.join(', ')}`);
  if (!a.sshKey.trim()) out.push('the SSH key path must not be empty');
  const waves = checkWaves(a.waves);
  if (waves) out.push(waves);
  const threshold = checkMaxFailures(a.maxFailures);
  if (threshold) out.push(threshold);
  if (!MAILBOX.test(a.notifyFrom)) out.push(`notify sender '${a.notifyFrom}' is not an address`);
  for (const m of a.centralIt) if (!MAILBOX.test(m)) out.push(`central IT address '${m}' is not an address`);
  return out;
}

function checkSite(s: SiteAnswer, domains: string[], seen: Set<string>): string[] {
  const out: string[] = [];
  const who = `site ${s.id || '(no id)'}`;
  if (!SITE_ID.test(s.id)) out.push(`site id '${s.id}' must be lower-case letters, digits and dashes (e.g. bruehl)`);
  else if (seen.has(s.id)) out.push(`site id '${s.id}' is given twice`);
  seen.add(s.id);
  if (!s.name.trim()) out.push(`${who}: the name must not be empty`);
  if (!HOST.test(s.vpnGateway)) out.push(`${who}: VPN gateway '${s.vpnGateway}' is not a host name`);
  for (const sup of s.supporters) {
    if (!sup.name.trim()) out.push(`${who}: the supporter's name must not be empty`);
    if (!MAILBOX.test(sup.email ?? '')) out.push(`${who}: supporter e-mail '${sup.email ?? ''}' is not an address`);
  }
  if (s.sharedMailbox !== undefined) out.push(...checkMailbox(s.sharedMailbox, domains, `${who}: shared mailbox`));
  return out;
}

export function checkWaves(waves: string): string | null {
  return /^\s*\d+%?(\s*,\s*\d+%?)*\s*$/.test(waves) ? null : `waves '${waves}' must be counts or shares separated by commas, e.g. ${SAFE_WAVES}`;
}

export function checkMaxFailures(amount: string): string | null {
  return /^(\d+%?|none)$/.test(amount.trim()) ? null : `failure threshold '${amount}' must be a count, a share such as 5%, or none`;
}

/** Problems of single answers, for prompts that check as the user types (null when fine). */
export function checkDomain(d: string): string | null {
  return DOMAIN.test(d) ? null : `'${d}' is not a domain name such as example-telco.de`;
}

export function checkSiteId(id: string, taken: string[]): string | null {
  if (!SITE_ID.test(id)) return 'lower-case letters, digits and dashes (e.g. bruehl)';
  return taken.includes(id) ? `site ${id} is already given` : null;
}

export function checkHost(host: string): string | null {
  return HOST.test(host) ? null : `'${host}' is not a host name`;
}

export function checkAddress(address: string): string | null {
  return MAILBOX.test(address) ? null : `'${address}' is not an e-mail address`;
}

/** A mailbox must be an address in one of the mail domains (validate checks the same). */
export function checkMailbox(address: string, domains: string[], label: string): string[] {
  if (!MAILBOX.test(address)) return [`${label} '${address}' is not an address`];
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  if (!domains.some((d) => d.toLowerCase() === domain)) return [`${label} ${address} is not in the mail domains (${domains.join(', ')})`];
  return [];
}
