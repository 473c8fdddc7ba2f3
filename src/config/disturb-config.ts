/**
 * homeshift.yaml's windows of time: `disturb:` (every site) and `sites: { SITE: { timeZone, disturb } }`, with a
 * project-wide `timeZone:`. Bad times and unknown zones are findings at their position; a bad part is left out.
 */
import type { Diagnostic, SourcePos } from '../model/index.js';
import { isTimeZone, localTimeZone, parseWindow, type DisturbConfig, type DisturbRule, type TimeWindow } from '../model/time-window.js';
import { createDiagnostic } from './diagnostics.js';
import { posAtPath, type YamlSource } from './yaml-source.js';

export interface RawDisturb { window?: string; whenLoggedOn?: boolean }
export interface RawSiteSettings { timeZone?: string; disturb?: RawDisturb }


export function buildDisturbConfig(src: YamlSource, raw: { timeZone?: string; disturb?: RawDisturb; sites?: Record<string, RawSiteSettings> }): { config: DisturbConfig | undefined; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  if (raw.timeZone === undefined && raw.disturb === undefined && raw.sites === undefined) return { config: undefined, diagnostics };
  const zone = (value: string | undefined, path: string[], fallback: string): string => {
    if (value === undefined) return fallback;
    if (isTimeZone(value)) return value;
    diagnostics.push(createDiagnostic('time-zone', `${path.join('.')}: "${value}" is not a time zone such as Europe/Berlin`, posAtPath(src, path)));
    return fallback;
  };
  const window = (d: RawDisturb, path: string[]): TimeWindow | null => {
    if (d.window === undefined) return null;
    const parsed = parseWindow(d.window);
    if (typeof parsed !== 'string') return parsed;
    diagnostics.push(createDiagnostic('time-window', `${[...path, 'window'].join('.')}: ${parsed}`, posAtPath(src, [...path, 'window'])));
    return null;
  };
  const projectZone = zone(raw.timeZone, ['timeZone'], localTimeZone());
  const rule = (d: RawDisturb | undefined, path: string[], timeZone: string): DisturbRule | null =>
    d === undefined ? null : { window: window(d, path), whenLoggedOn: d.whenLoggedOn ?? false, timeZone };
  const fallback = rule(raw.disturb, ['disturb'], projectZone);
  const sites: Record<string, DisturbRule | null> = {};
  const sitePos: Record<string, SourcePos> = {};
  for (const [id, s] of Object.entries(raw.sites ?? {})) {
    const timeZone = zone(s.timeZone, ['sites', id, 'timeZone'], projectZone);
    sites[id] = s.disturb !== undefined ? rule(s.disturb, ['sites', id, 'disturb'], timeZone) : fallback && { ...fallback, timeZone };
    sitePos[id] = posAtPath(src, ['sites', id]);
  }
  return { config: { fallback, sites, sitePos }, diagnostics };
}

/** Sites named under sites: that the inventory does not have. */
export function checkDisturbSites(config: DisturbConfig | undefined, sites: ReadonlySet<string>, rejected: ReadonlySet<string>): Diagnostic[] {
  if (!config) return [];
  return Object.keys(config.sites)
    .filter((id) => !sites.has(id) && !rejected.has(id))
    .map((id) => createDiagnostic('unknown-site', `sites.${id}: no site ${id} in the inventory`, config.sitePos[id]));
}
