import { notSeenFor, parseOfflineAfter, workingDaysBetween } from '../../src/model/offline-after.js';

/** keep.offlineCaseAfter: working days are Monday to Friday in the control machine's zone (TZ). */
describe('working days', () => {
  const zone = process.env.TZ;
  beforeEach(() => { process.env.TZ = 'Europe/Berlin'; });
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });
  const at = (berlin: string): Date => new Date(`${berlin}${berlin < '2026-03-29' || berlin >= '2026-10-25' ? '+01:00' : '+02:00'}`);

  it('leave the weekend out: Friday 17:00 to Wednesday 17:00 is 3 working days', () => {
    expect(workingDaysBetween(at('2026-11-27T17:00'), at('2026-12-02T17:00'))).toBeCloseTo(3, 9);
    expect(workingDaysBetween(at('2026-11-27T17:00'), at('2026-12-01T17:00'))).toBeCloseTo(2, 9);
    expect(workingDaysBetween(at('2026-11-28T10:00'), at('2026-11-29T22:00'))).toBe(0); // Saturday to Sunday
    expect(workingDaysBetween(at('2026-11-28T10:00'), at('2026-11-30T06:00'))).toBeCloseTo(0.25, 9); // into Monday
  });

  it('count whole weeks as 5, from any weekday', () => {
    expect(workingDaysBetween(at('2026-12-03T09:00'), at('2026-12-10T09:00'))).toBeCloseTo(5, 9);
    expect(workingDaysBetween(at('2026-12-05T09:00'), at('2026-12-26T09:00'))).toBeCloseTo(15, 9); // Saturday to Saturday
    expect(workingDaysBetween(at('2026-01-05T00:00'), at('2027-01-04T00:00'))).toBeCloseTo(52 * 5, 9); // Monday to Monday, 52 weeks
  });

  it('count a day of 23 hours (daylight saving begins) as a whole day', () => {
    expect(workingDaysBetween(at('2026-03-27T00:00'), at('2026-03-31T00:00'))).toBeCloseTo(2, 9); // Friday and Monday
    expect(workingDaysBetween(at('2026-03-27T12:00'), at('2026-03-30T12:00'))).toBeCloseTo(1, 9);
    expect(workingDaysBetween(at('2026-10-23T12:00'), at('2026-10-26T12:00'))).toBeCloseTo(1, 9); // over the 25-hour Sunday
  });

  it('are none when the end is not after the start', () => {
    expect(workingDaysBetween(at('2026-12-02T10:00'), at('2026-12-02T10:00'))).toBe(0);
    expect(workingDaysBetween(at('2026-12-02T10:00'), at('2026-12-01T10:00'))).toBe(0);
  });

  it('say how long a PC was not seen once the threshold is reached, in the time zone of the control machine', () => {
    const three = parseOfflineAfter('3 working days')!;
    const since = at('2026-11-27T09:12'); // a Friday
    expect(notSeenFor(three, since, at('2026-12-02T09:11'))).toBeNull();
    expect(notSeenFor(three, since, at('2026-12-02T09:12'))).toBe('not seen for 3 working days (since 2026-11-27 09:12)');
    expect(notSeenFor(three, since, at('2026-12-03T12:00'))).toBe('not seen for 4 working days (since 2026-11-27 09:12)');
    expect(notSeenFor(parseOfflineAfter('1wd')!, at('2026-11-30T08:00'), at('2026-12-01T09:00'))).toBe('not seen for 1 working day (since 2026-11-30 08:00)');
    const hours = parseOfflineAfter('72h')!;
    expect(notSeenFor(hours, since, at('2026-11-30T09:11'))).toBeNull(); // 72 hours less a minute, weekend or not
    expect(notSeenFor(hours, since, at('2026-11-30T11:12'))).toBe('not seen for 3d 2h (since 2026-11-27 09:12)');
    expect(notSeenFor(parseOfflineAfter('never')!, since, at('2027-11-30T11:12'))).toBeNull();
  });
});

describe('keep.offlineCaseAfter', () => {
  it('reads durations, working days and never', () => {
    expect(['3 working days', '1 working day', '3wd', '3 WD', '72h', '3d', '90m', 'never'].map(parseOfflineAfter)).toEqual([
      { kind: 'working-days', days: 3 }, { kind: 'working-days', days: 1 }, { kind: 'working-days', days: 3 }, { kind: 'working-days', days: 3 },
      { kind: 'duration', ms: 72 * 3_600_000 }, { kind: 'duration', ms: 3 * 86_400_000 }, { kind: 'duration', ms: 90 * 60_000 }, { kind: 'never' },
    ]);
  });

  it('refuses anything else', () => {
    expect(['', '0d', '3 days', '3', 'soon', '-1h', '3 working'].map(parseOfflineAfter)).toEqual([null, null, null, null, null, null, null]);
  });
});
