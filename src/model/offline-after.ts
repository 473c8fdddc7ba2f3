/**
 * How long keep waits before a PC it does not see becomes a case of its own (homeshift.yaml keep.offlineCaseAfter):
 * a plain duration ("72h", "3d") or working days ("3 working days", "3wd"), Monday to Friday in the control
 * machine's time zone (TZ, else the system's). Public holidays count as working days.
 */
import { localTime, startOfLocalDay, wallClock } from './local-time.js';

export type OfflineAfter = { kind: 'duration'; ms: number } | { kind: 'working-days'; days: number } | { kind: 'never' };

export const DEFAULT_OFFLINE_AFTER: OfflineAfter = { kind: 'working-days', days: 3 };

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The setting's text as homeshift.yaml's schema admits it; null when it is none of the shapes. */
export function parseOfflineAfter(text: string): OfflineAfter | null {
  const t = text.trim().toLowerCase();
  if (t === 'never') return { kind: 'never' };
  const m = /^([1-9][0-9]*)\s*(m|h|d|wd|working\s+days?)$/.exec(t);
  if (!m) return null;
  const n = Number(m[1]);
  return m[2] in UNIT_MS ? { kind: 'duration', ms: n * UNIT_MS[m[2]] } : { kind: 'working-days', days: n };
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
// sums of day shares are not exact: Friday 17:00 to Wednesday 17:00 must be 3 working days, not 2.9999999999999996
const EPSILON = 1e-9;

/**
 * The working days between two times: each Monday to Friday counts with the share of it that lies between them,
 * so Friday 17:00 to Wednesday 17:00 is 3 working days. Days are the control machine's local days, midnight to
 * midnight, so a day of 23 or 25 hours (daylight saving) still counts as one.
 */
export function workingDaysBetween(from: Date, to: Date): number {
  const [start, end] = [from.getTime(), to.getTime()];
  if (!(end > start)) return 0;
  let total = 0;
  let date = Math.floor(wallClock(start) / DAY_MS) * DAY_MS; // the calendar date `start` falls on, as a UTC midnight
  for (let dayStart = startOfLocalDay(date); dayStart < end;) {
    const weekLater = startOfLocalDay(date + 7 * DAY_MS);
    if (dayStart >= start && weekLater <= end) { // a whole week lies between: 5 working days, whatever its first day
      total += 5;
      [date, dayStart] = [date + 7 * DAY_MS, weekLater];
      continue;
    }
    const next = startOfLocalDay(date + DAY_MS);
    const weekday = new Date(date).getUTCDay();
    if (weekday !== 0 && weekday !== 6) total += (Math.min(next, end) - Math.max(dayStart, start)) / (next - dayStart);
    [date, dayStart] = [date + DAY_MS, next];
  }
  return total;
}

/**
 * "not seen for 4 working days (since 2026-12-01 09:12)" when a PC not seen since `since` has been away at least as
 * long as `after` at `now`; null while it has not (or never, for `never`).
 */
export function notSeenFor(after: OfflineAfter, since: Date, now: Date): string | null {
  const when = `(since ${localTime(since).slice(0, 16)})`;
  if (after.kind === 'never') return null;
  if (after.kind === 'duration') {
    const away = now.getTime() - since.getTime();
    return away >= after.ms ? `not seen for ${hoursAndDays(away)} ${when}` : null;
  }
  const days = workingDaysBetween(since, now) + EPSILON;
  if (days < after.days) return null;
  const whole = Math.floor(days);
  return `not seen for ${whole} working ${whole === 1 ? 'day' : 'days'} ${when}`;
}

/** "3d 2h", "5h", "40m". */
function hoursAndDays(ms: number): string {
  const [d, h] = [Math.floor(ms / DAY_MS), Math.floor((ms % DAY_MS) / HOUR_MS)];
  if (d > 0) return h > 0 ? `${d}d ${h}h` : `${d}d`;
  return h > 0 ? `${h}h` : `${Math.floor(ms / 60_000)}m`;
}
