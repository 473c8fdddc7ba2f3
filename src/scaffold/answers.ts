import type { HostKeyPolicy, Supporter } from '../model/index.js';
import { slugify } from '../config/import/slug.js';

export { slugify };

/** One service center as entered at `homeshift init`. */
export interface SiteAnswer {
  id: string;
  name: string;
  vpnGateway: string;
  supporter?: Supporter;
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
}

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
  const site: SiteAnswer = { id, name, vpnGateway };
  if (supName !== undefined) site.supporter = { name: supName, email: supMail };
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
  };
}

export function defaultSite(domain: string): SiteAnswer {
  return { id: 'main', name: 'Main Service Center', vpnGateway: `vpn.${domain}` };
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
  if (s.supporter) {
    if (!s.supporter.name.trim()) out.push(`${who}: the supporter's name must not be empty`);
    if (!MAILBOX.test(s.supporter.email ?? '')) out.push(`${who}: supporter e-mail '${s.supporter.email ?? ''}' is not an address`);
  }
  if (s.sharedMailbox !== undefined) out.push(...checkMailbox(s.sharedMailbox, domains, `${who}: shared mailbox`));
  return out;
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
