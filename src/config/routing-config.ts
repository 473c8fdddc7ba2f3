import { causePattern, SITE_SUPPORTERS, type Diagnostic, type ErrorClass, type Routing, type RoutingRule } from '../model/index.js';
import { createDiagnostic } from './diagnostics.js';
import type { YamlSource } from './yaml-source.js';
import { posAtPath } from './yaml-source.js';

interface RawRule {
  class?: ErrorClass | ErrorClass[];
  cause?: string;
  site?: string;
  to: string;
  reactWithin: string;
}

export interface RawRouting {
  groups?: Record<string, { members: string[]; lead?: string }>;
  rules?: RawRule[];
}

const UNIT_MS: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000 };

/** "4h", "1d12h", "90m" -> ms; null when the text is not such a duration (or is zero). */
export function parseReactWithin(text: string): number | null {
  if (!/^(\d+[wdhm])+$/.test(text)) return null;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)([wdhm])/g)) total += Number(amount) * UNIT_MS[unit];
  return total > 0 ? total : null;
}

/** homeshift.yaml's routing: (already schema-checked) as the model keeps it; bad durations become 0 and a diagnostic. */
export function buildRouting(src: YamlSource, raw: RawRouting | undefined): Routing {
  const groups: Routing['groups'] = {};
  for (const [name, g] of Object.entries(raw?.groups ?? {})) groups[name] = { members: [...g.members], lead: g.lead ?? null };
  const rules = (raw?.rules ?? []).map((r, i): RoutingRule => ({
    classes: r.class === undefined ? null : Array.isArray(r.class) ? [...r.class] : [r.class],
    cause: r.cause ?? null,
    site: r.site ?? null,
    to: r.to,
    reactWithin: r.reactWithin,
    reactWithinMs: parseReactWithin(r.reactWithin) ?? 0,
    pos: posAtPath(src, ['routing', 'rules', i]),
  }));
  return { groups, rules };
}

/** Every case `later` matches, `earlier` matches too (so `later` never gets one). */
function covers(earlier: RoutingRule, later: RoutingRule): boolean {
  if (earlier.site !== null && earlier.site !== later.site) return false;
  if (earlier.classes !== null && (later.classes === null || !later.classes.every((c) => earlier.classes!.includes(c)))) return false;
  if (earlier.cause !== null && (later.cause === null || !causePattern(earlier.cause).test(later.cause))) return false;
  return true;
}

/** A cause starts with its error class: a literal first part no listed class has means no case can match. */
function contradicts(rule: RoutingRule): boolean {
  if (rule.classes === null || rule.cause === null) return false;
  const head = rule.cause.split(':')[0];
  return !head.includes('*') && !rule.classes.includes(head as ErrorClass);
}

/** Unknown groups, bad durations and rules that can never match, each at its place in homeshift.yaml. */
export function checkRouting(src: YamlSource, routing: Routing): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (i: number, key: string) => posAtPath(src, ['routing', 'rules', i, key]);
  const known = [SITE_SUPPORTERS, ...Object.keys(routing.groups)];
  if (Object.hasOwn(routing.groups, SITE_SUPPORTERS)) {
    out.push(createDiagnostic('routing', `routing.groups: ${SITE_SUPPORTERS} is built in (each site's supporters); give the group another name`, posAtPath(src, ['routing', 'groups', SITE_SUPPORTERS])));
  }
  routing.rules.forEach((rule, i) => {
    const where = `routing.rules[${i}]`;
    if (!known.includes(rule.to)) {
      out.push(createDiagnostic('routing', `${where}: to: no group ${rule.to} (known: ${known.join(', ')})`, at(i, 'to')));
    }
    if (rule.reactWithinMs === 0) {
      out.push(createDiagnostic('routing', `${where}: reactWithin "${rule.reactWithin}" is not a duration (examples: 1h, 4h, 1d, 1d12h)`, at(i, 'reactWithin')));
    }
    if (contradicts(rule)) {
      out.push(createDiagnostic('routing', `${where} can never match: cause ${rule.cause} starts with a class not in class: [${rule.classes!.join(', ')}]`, at(i, 'cause')));
      return;
    }
    const earlier = routing.rules.slice(0, i).findIndex((e) => !contradicts(e) && covers(e, rule));
    if (earlier >= 0) {
      out.push(createDiagnostic('routing', `${where} can never match: routing.rules[${earlier}] above it takes every case it would`, rule.pos));
    }
  });
  return out;
}

/** A rule for a site the inventory does not have never matches (sites rejected for their own errors aside). */
export function checkRoutingSites(routing: Routing, sites: ReadonlySet<string>, rejected: ReadonlySet<string>): Diagnostic[] {
  return routing.rules.flatMap((rule, i) => (rule.site === null || sites.has(rule.site) || rejected.has(rule.site)
    ? []
    : [createDiagnostic('routing', `routing.rules[${i}] can never match: no site ${rule.site} in the inventory`, rule.pos)]));
}
