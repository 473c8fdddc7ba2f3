const pad = (n: number): string => String(n).padStart(2, '0');

/** "2026-12-01 14:05 +01:00": a time for people, in this machine's time zone with its offset (JSON keeps ISO UTC). */
export function formatLocalTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const offset = -d.getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())} ${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** A case's due time as a table cell: local time, marked when it has passed; "-" without one. */
export function dueCell(c: { dueAt: string | null; overdue: boolean }): string {
  if (c.dueAt === null) return '-';
  return c.overdue ? `${formatLocalTime(c.dueAt)} overdue` : formatLocalTime(c.dueAt);
}
