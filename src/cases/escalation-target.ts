import { ruleMatches, SITE_SUPPORTERS, type Routing, type RoutedCase, type Supporter } from '../model/index.js';

/** How a case names a supporter as its owner or escalation target: "Name <email>". */
export function supporterName(s: Supporter): string {
  return `${s.name} <${s.email}>`;
}

/** The group a case belongs to by homeshift.yaml's routing rules (first match), else its site's supporters. */
export function groupOfCase(routing: Routing | undefined, c: RoutedCase): string {
  return routing?.rules.find((r) => ruleMatches(r, c))?.to ?? SITE_SUPPORTERS;
}

/**
 * Who an escalated case goes to: its group's lead, or (site supporters, or a group without a lead) the site's
 * second supporter; null when there is no one.
 */
export function escalationTarget(routing: Routing | undefined, supporters: (site: string) => Supporter[], c: RoutedCase): string | null {
  const group = groupOfCase(routing, c);
  const lead = group === SITE_SUPPORTERS ? null : routing?.groups[group]?.lead ?? null;
  if (lead !== null) return lead;
  const second = supporters(c.site)[1];
  return second ? supporterName(second) : null;
}
