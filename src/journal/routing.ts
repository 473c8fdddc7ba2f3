import { ruleMatches, SITE_SUPPORTERS, type Routing } from '../model/index.js';
import type { CaseRoute, MachineRecord } from './store.js';

export interface RouterInput {
  routing: Routing;
  supporters: (site: string) => string[]; // who shares a site's cases: "Name <email>"
  openOwners: (string | null)[]; // the owner of every open case when the run starts
}

/**
 * Picks the owner of a newly opened case: the first matching rule's group (the site's supporters when none
 * matches), within it the member with the fewest open cases, ties by name. Counts grow as this run assigns.
 */
export function createCaseRouter(input: RouterInput): (record: MachineRecord) => CaseRoute {
  const open = new Map<string, number>();
  for (const owner of input.openOwners) if (owner !== null) open.set(owner, (open.get(owner) ?? 0) + 1);
  return (record) => {
    const { result } = record;
    const rule = input.routing.rules.find((r) => ruleMatches(r, { errorClass: result.errorClass, fingerprint: record.fingerprint, site: result.site }));
    const group = rule?.to ?? SITE_SUPPORTERS;
    const members = group === SITE_SUPPORTERS ? input.supporters(result.site) : input.routing.groups[group]?.members ?? [];
    const owner = leastLoaded(members, open);
    if (owner !== null) open.set(owner, (open.get(owner) ?? 0) + 1);
    return { owner, dueInMs: rule ? rule.reactWithinMs : null };
  };
}

function leastLoaded(members: string[], open: Map<string, number>): string | null {
  let best: string | null = null;
  for (const m of members) {
    const [n, b] = [open.get(m) ?? 0, best === null ? Infinity : open.get(best) ?? 0];
    if (n < b || (n === b && best !== null && m < best)) best = m;
  }
  return best;
}

/** A router without rules: every new case belongs to `ownerOf(site)` and has no due time. */
export function routeBySite(ownerOf: (site: string) => string | null): (record: MachineRecord) => CaseRoute {
  return (record) => ({ owner: ownerOf(record.result.site), dueInMs: null });
}
