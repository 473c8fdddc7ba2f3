import type { SourcePos } from './source.js';
/**
 * Windows of time for steps that disturb the colleague at the PC (installs that need a restart, the restart itself):
 * "18:00-07:00" in a site's time zone. A window whose end lies before its start runs across midnight; one whose
 * start and end are equal is open all day.
 */
export interface TimeWindow {
  from: number; // minutes after midnight, local time
  to: number;
}

/** What homeshift.yaml's `disturb:` says for one site, its time zone resolved. */
export interface DisturbRule {
  window: TimeWindow | null; // null: any time of day
  whenLoggedOn: boolean; // may they run while a user is logged on to the PC
  timeZone: string; // an IANA zone (Europe/Berlin)
}

/** The rule of every site homeshift.yaml names, and the one for all others (null: disturbing steps run any time). */
export interface DisturbConfig {
  fallback: DisturbRule | null;
  sites: Record<string, DisturbRule | null>;
  sitePos: Record<string, SourcePos>; // where each site is named, for the unknown-site finding
}

export function ruleForSite(config: DisturbConfig | undefined, site: string): DisturbRule | null {
  if (!config) return null;
  return Object.hasOwn(config.sites, site) ? config.sites[site] : config.fallback;
}

const TIME_RE = /^(\d{1,2}):(\d{2})$/;

/** "07:30" in minutes after midnight, or a message saying what is wrong. */
export function parseClock(text: string): number | string {
  const m = TIME_RE.exec(text.trim());
  if (!m) return `"${text.trim()}" is not a time of day such as 18:00`;
  const [h, min] = [Number(m[1]), Number(m[2])];
  if (h > 23 || min > 59) return `"${text.trim()}" is not a time of day (00:00 to 23:59)`;
  return h * 60 + min;
}

/** "18:00-07:00" (also with an en dash), or a message saying what is wrong. */
export function parseWindow(text: string): TimeWindow | string {
  const parts = text.split(/\s*[-–]\s*/);
  if (parts.length !== 2) return `window "${text}" must be two times such as 18:00-07:00`;
  const from = parseClock(parts[0]);
  if (typeof from === 'string') return `window "${text}": ${from}`;
  const to = parseClock(parts[1]);
  if (typeof to === 'string') return `window "${text}": ${to}`;
  return { from, to };
}

/** Whether Intl knows the zone (Europe/Berlin, UTC); a name it does not know throws a RangeError there. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return zone.trim() !== '';
  } catch {
    return false;
  }
}

/** The control machine's own zone: the default where homeshift.yaml names none. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Minutes after midnight at `now` on the clocks of `zone`. */
export function minutesIn(zone: string, now: Date): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  const value = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return value('hour') * 60 + value('minute');
}

export function isOpen(window: TimeWindow | null, minutes: number): boolean {
  if (window === null || window.from === window.to) return true;
  return window.from < window.to ? minutes >= window.from && minutes < window.to : minutes >= window.from || minutes < window.to;
}

export function formatClock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** When the rule's window opens, "18:00 Europe/Berlin"; null when it is open all day. */
export function windowOpens(rule: DisturbRule | null): string | null {
  if (!rule?.window || rule.window.from === rule.window.to) return null;
  return `${formatClock(rule.window.from)} ${rule.timeZone}`;
}

/** "18:00–07:00 Europe/Berlin" */
export function describeWindow(rule: DisturbRule): string {
  const w = rule.window;
  return w === null ? `any time (${rule.timeZone})` : `${formatClock(w.from)}–${formatClock(w.to)} ${rule.timeZone}`;
}
