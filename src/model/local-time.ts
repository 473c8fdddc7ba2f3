/**
 * The one way a time is shown to people: local time with its UTC offset, "2026-12-01 12:34:56 +01:00", in the
 * zone of the machine the command runs on (TZ, else the system's). JSON and CSV keep the journal's ISO UTC text.
 */
const pad = (n: number): string => String(n).padStart(2, '0');

const formats = new Map<string, Intl.DateTimeFormat>();

function formatIn(zone: string | undefined): Intl.DateTimeFormat {
  const key = zone ?? '';
  let format = formats.get(key);
  if (!format) {
    const options: Intl.DateTimeFormatOptions = {
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
    };
    try {
      format = new Intl.DateTimeFormat('en-US', { ...options, timeZone: zone || undefined });
    } catch {
      format = new Intl.DateTimeFormat('en-US', options); // a TZ the runtime does not know: the system's zone
    }
    formats.set(key, format);
  }
  return format;
}

/** A journal time (ISO text, Date or epoch ms) as local time with offset; '' for none; text that is no time stays as it is. */
export function localTime(at: string | number | Date | null | undefined): string {
  if (at === null || at === undefined || at === '') return '';
  const ms = (at instanceof Date ? at : new Date(at)).getTime();
  if (Number.isNaN(ms)) return String(at);
  const parts = Object.fromEntries(formatIn(process.env.TZ).formatToParts(ms).map((p) => [p.type, p.value]));
  const [y, mo, d, h, mi, s] = ['year', 'month', 'day', 'hour', 'minute', 'second'].map((k) => Number(parts[k]));
  const offset = Math.round((Date.UTC(y, mo - 1, d, h, mi, s) - Math.floor(ms / 1000) * 1000) / 60_000);
  const abs = Math.abs(offset);
  return `${y}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}:${pad(s)} ${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** The local time of day alone ("12:34:56"), for the timestamped lines of a run in progress. */
export function localClock(at: string | number | Date): string {
  return localTime(at).slice(11, 19);
}

/** The control machine's wall clock at `ms` (TZ, else the system's zone), written as if it were UTC: minus `ms`, its offset. */
export function wallClock(ms: number): number {
  const parts = Object.fromEntries(formatIn(process.env.TZ).formatToParts(ms).map((p) => [p.type, p.value]));
  const [y, mo, d, h, mi, s] = ['year', 'month', 'day', 'hour', 'minute', 'second'].map((k) => Number(parts[k]));
  return Date.UTC(y, mo - 1, d, h, mi, s) + (ms - Math.floor(ms / 1000) * 1000);
}

/** When the local day of the calendar date `date` (a Date.UTC midnight) begins in the control machine's zone. */
export function startOfLocalDay(date: number): number {
  const guess = date - (wallClock(date) - date);
  return date - (wallClock(guess) - guess); // the offset at the guess is the one in force at that midnight
}
