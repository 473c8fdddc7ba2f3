import type { RoutingGroup } from './project.js';

/**
 * Who owns a case, as cases store it: a supporter as "Name <email>", anyone else by their address, or a routing
 * group by its name (a case given to a team's queue; one of its members takes it later with case assign --to me).
 */
export function ownerAddress(owner: string): string | null {
  const bracket = /<([^<>\s]+@[^<>\s]+)>\s*$/.exec(owner);
  if (bracket) return bracket[1].toLowerCase();
  return owner.includes('@') ? owner.trim().toLowerCase() : null;
}

export class OwnerError extends Error {}

export interface OwnerContext {
  me: () => string | null; // the supporter running homeshift (an address), asked only for `me`
  groups: Record<string, RoutingGroup>;
}

/**
 * `--owner me|ADDRESS|NAME|GROUP`: which case owners a supporter means. `me` and an address match that person's
 * cases and the cases of the groups they are a member of; a group matches its own queue and its members' cases;
 * a name matches a supporter's display name, in any case.
 */
export function ownerFilter(spec: string, ctx: OwnerContext): (owner: string | null) => boolean {
  const text = spec.trim();
  if (text === '') throw new OwnerError('--owner needs me, a mail address, a name or a group');
  if (text.toLowerCase() === '(none)' || text.toLowerCase() === 'none') return (owner) => owner === null;
  const group = Object.entries(ctx.groups).find(([name]) => name.toLowerCase() === text.toLowerCase());
  if (group) {
    const members = new Set(group[1].members.map((m) => m.toLowerCase()));
    return (owner) => owner !== null && (owner === group[0] || members.has(ownerAddress(owner) ?? ''));
  }
  let address = text.includes('@') ? text.toLowerCase() : null;
  if (text.toLowerCase() === 'me') {
    address = ctx.me();
    if (!address) throw new OwnerError('--owner me: who you are is not configured; set HOMESHIFT_ME to your mail address (or git config user.email)');
  }
  if (address) {
    const mine = new Set(Object.entries(ctx.groups).filter(([, g]) => g.members.some((m) => m.toLowerCase() === address)).map(([name]) => name));
    return (owner) => owner !== null && (ownerAddress(owner) === address || mine.has(owner));
  }
  const name = text.toLowerCase();
  return (owner) => owner !== null && owner.replace(/\s*<[^<>]*>\s*$/, '').trim().toLowerCase() === name;
}
