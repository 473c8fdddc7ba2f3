import type { ErrorClass } from './result.js';
import type { RoutingRule } from './project.js';

/** A cause pattern as a regular expression: `*` is any text, the rest literal. */
export function causePattern(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/** What a rule looks at in a case. */
export interface RoutedCase {
  errorClass: ErrorClass | null;
  fingerprint: string | null;
  site: string;
}

export function ruleMatches(rule: RoutingRule, c: RoutedCase): boolean {
  if (rule.site !== null && rule.site !== c.site) return false;
  if (rule.classes !== null && (c.errorClass === null || !rule.classes.includes(c.errorClass))) return false;
  if (rule.cause !== null && (c.fingerprint === null || !causePattern(rule.cause).test(c.fingerprint))) return false;
  return true;
}
