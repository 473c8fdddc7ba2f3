import type { RoutingGroup, Supporter } from '../model/index.js';
import { supporterName } from './escalation-target.js';

/** Someone a digest goes to: an address that passed the strict check below, and a display name (or none). */
export interface Recipient {
  address: string; // lower case
  name: string | null;
}

// The schema's mail address: no quotes, commas, spaces, angle brackets or line breaks can get through.
const ADDRESS = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

export function isMailAddress(text: string): boolean {
  return ADDRESS.test(text);
}

/** A display name as a header may carry it: controls and line breaks become spaces, runs of space one. */
export function displayName(name: string): string | null {
  const flat = name.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ').replace(/\s+/g, ' ').trim();
  return flat === '' ? null : flat.slice(0, 200);
}

/**
 * Resolves the owners and escalation targets cases name ("Name <email>" for a supporter, an address for anyone
 * else) to recipients. A supporter is found by their exact name as cases store it, so a name with brackets or
 * commas in it is never parsed; anything that is not a plain address is no recipient (null).
 */
export function createRecipientResolver(supporters: Iterable<Supporter>, groups: Record<string, RoutingGroup> = {}): (owner: string) => Recipient | Recipient[] | null {
  const known = new Map<string, Supporter>();
  const byAddress = new Map<string, Supporter>();
  for (const s of supporters) {
    known.set(supporterName(s), s);
    byAddress.set(s.email.toLowerCase(), s);
  }
  // A case in a group's queue (case assign --to GROUP) goes to every member until one of them takes it.
  const member = (address: string): Recipient | null => {
    const s = byAddress.get(address.toLowerCase());
    return isMailAddress(address) ? { address: address.toLowerCase(), name: s ? displayName(s.name) : null } : null;
  };
  return (owner) => {
    const group = Object.hasOwn(groups, owner) ? groups[owner] : undefined;
    if (group) {
      const members = group.members.map(member).filter((r): r is Recipient => r !== null);
      return members.length > 0 ? members : null;
    }
    const s = known.get(owner);
    const [address, name] = s ? [s.email, displayName(s.name)] : [owner.trim(), null];
    return isMailAddress(address) ? { address: address.toLowerCase(), name } : null;
  };
}
