import { parseUntil } from '../../src/cli/case.js';
import { parseInterval } from '../../src/cli/keep.js';
import { backoffMs } from '../../src/run/keep.js';

test('a PC that does not answer is probed again next sweep, then waits twice as long each time, up to the cap', () => {
  const backoff = { baseMs: 60_000, capMs: 10 * 60_000 };
  expect([0, 1, 2, 3, 4, 5, 40].map((n) => backoffMs(n, backoff))).toEqual([0, 60_000, 180_000, 420_000, 600_000, 600_000, 600_000]);
  expect(backoffMs(7, { baseMs: 60_000, capMs: 0 })).toBe(0);
});

test('park dates: a day is from its start in local time; past or impossible dates are usage errors', () => {
  const now = new Date(2026, 11, 5, 10, 0);
  expect(parseUntil('2026-12-14', now)).toEqual(new Date(2026, 11, 14));
  expect(parseUntil('2026-12-05T12:00:00Z', now).toISOString()).toBe('2026-12-05T12:00:00.000Z');
  expect(() => parseUntil('2026-02-30', now)).toThrow(/is not a date/);
  expect(() => parseUntil('2026-12-01', now)).toThrow(/not in the future/);
  expect(() => parseUntil('soon', now)).toThrow(/is not a date/);
});

test('keep intervals', () => {
  expect(parseInterval('15s', '--every')).toBe(15_000);
  expect(parseInterval('5m', '--every')).toBe(300_000);
  expect(() => parseInterval('5 minutes', '--every')).toThrow(/30s, 5m or 1h/);
});
