import { parse } from 'yaml';

export interface ProfileText {
  name: string;
  text: string;
}

const ADDRESS = /[A-Za-z0-9._%+-]+@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;

/**
 * Shipped profiles that name mailboxes outside the project's mail domains would fail `validate`
 * (it checks every loaded profile). Those get a local copy with the addresses moved to the first domain.
 */
export function shadowProfiles(shipped: ProfileText[], domains: string[], schema: string): ProfileText[] {
  const allowed = new Set(domains.map((d) => d.toLowerCase()));
  const out: ProfileText[] = [];
  for (const p of shipped) {
    const foreign = new Set(listMailboxes(p.text).map(domainOf).filter((d) => !allowed.has(d)));
    if (foreign.size === 0) continue;
    const body = p.text.replace(/^# yaml-language-server:.*\n/, '').replace(ADDRESS, (addr, d: string) =>
      foreign.has(d.toLowerCase()) ? `${addr.slice(0, addr.lastIndexOf('@'))}@${domains[0]}` : addr);
    const note = `# The shipped ${p.name} profile with its mailboxes in ${domains[0]}; this copy replaces the shipped one.\n`;
    out.push({ name: p.name, text: `${schema}${note}${body}` });
  }
  return out;
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/** The addresses under mailbox.shared of a profile file (bad YAML names none). */
function listMailboxes(text: string): string[] {
  try {
    const shared = (parse(text) as { mailbox?: { shared?: unknown } } | null)?.mailbox?.shared;
    return Array.isArray(shared) ? shared.filter((s): s is string => typeof s === 'string' && s.includes('@')) : [];
  } catch {
    return [];
  }
}
