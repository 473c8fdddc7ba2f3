import { localClock, localTime } from '../../src/model/local-time.js';

/** People read local time with its offset; the zone is the control machine's (TZ). */
describe('localTime', () => {
  const zone = process.env.TZ;
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  it('shows a journal time in the local zone with its offset, summer and winter', () => {
    process.env.TZ = 'Europe/Berlin';
    expect(localTime('2026-12-01T11:34:56.789Z')).toBe('2026-12-01 12:34:56 +01:00');
    expect(localTime('2026-07-01T11:34:56.000Z')).toBe('2026-07-01 13:34:56 +02:00');
    expect(localClock('2026-12-01T11:34:56.789Z')).toBe('12:34:56');
  });

  it('handles offsets behind UTC and in half hours, and the day they change', () => {
    process.env.TZ = 'America/St_Johns';
    expect(localTime('2026-12-01T02:00:00.000Z')).toBe('2026-11-30 22:30:00 -03:30');
    process.env.TZ = 'UTC';
    expect(localTime(new Date('2026-12-01T00:00:00.000Z'))).toBe('2026-12-01 00:00:00 +00:00');
  });

  it('leaves no time empty and text that is no time as it is', () => {
    expect(localTime(null)).toBe('');
    expect(localTime('')).toBe('');
    expect(localTime('yesterday')).toBe('yesterday');
  });
});
