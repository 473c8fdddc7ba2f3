import fs from 'node:fs';
import path from 'node:path';
import { isOpen, minutesIn, parseWindow, ruleForSite } from '../../src/model/time-window.js';
import { createDisturbGate } from '../../src/run/disturb-gate.js';
import { GOOD, lines, loadRepo, makeRepo, removeRepos } from './helpers.js';

const BASE = fs.readFileSync(path.join(GOOD, 'homeshift.yaml'), 'utf8');
const withConfig = (text: string) => makeRepo({ 'homeshift.yaml': `${BASE}${text}` });
const at = (text: string) => `homeshift.yaml:${BASE.split('\n').length - 1 + text.split('\n').findIndex((l) => l.includes('#here')) + 1}`;

afterAll(removeRepos);

describe('windows of time in homeshift.yaml', () => {
  it('gives every named site its own rule and the others the default', async () => {
    const result = await loadRepo(withConfig(`timeZone: Europe/Berlin
disturb: { window: "18:00-07:00" }
sites:
  bruehl: { timeZone: Europe/Lisbon, disturb: { window: "20:00-06:30", whenLoggedOn: true } }
  koeln: { timeZone: America/New_York }
`));
    expect(lines(result)).toEqual([]);
    const config = result.project!.config.disturb;
    expect(ruleForSite(config, 'bruehl')).toEqual({ window: { from: 1200, to: 390 }, whenLoggedOn: true, timeZone: 'Europe/Lisbon' });
    expect(ruleForSite(config, 'koeln')).toEqual({ window: { from: 1080, to: 420 }, whenLoggedOn: false, timeZone: 'America/New_York' });
    expect(ruleForSite(config, 'elsewhere')).toEqual({ window: { from: 1080, to: 420 }, whenLoggedOn: false, timeZone: 'Europe/Berlin' });
  });

  it('without windows, nothing is gated', async () => {
    const result = await loadRepo(makeRepo());
    expect(result.project!.config.disturb).toBeUndefined();
    expect(createDisturbGate(undefined).closedBecause('bruehl', new Date())).toBeNull();
  });

  it('names a bad time, an unknown time zone and an unknown site at their place', async () => {
    const text = `sites:
  bruehl: { timeZone: Europe/Bruehl, disturb: { window: "18:00-07:00" } } #here
  nowhere: { disturb: { window: "25:00-07:00" } }
disturb: { window: "18:00" }
`;
    const result = await loadRepo(withConfig(text));
    const found = lines(result);
    const line = (n: number) => `homeshift.yaml:${Number(at(text).split(':')[1]) + n}`;
    expect(found).toEqual(expect.arrayContaining([
      expect.stringMatching(new RegExp(`^${line(0)}:\\d+ .*sites\\.bruehl\\.timeZone: "Europe/Bruehl" is not a time zone`)),
      expect.stringMatching(new RegExp(`^${line(1)}:\\d+ .*sites\\.nowhere\\.disturb\\.window: window "25:00-07:00": "25:00" is not a time of day`)),
      expect.stringMatching(new RegExp(`^${line(2)}:\\d+ .*disturb\\.window: window "18:00" must be two times`)),
      expect.stringMatching(new RegExp(`^${line(1)}:\\d+ .*sites\\.nowhere: no site nowhere in the inventory`)),
    ]));
    expect(found).toHaveLength(4);
  });
});

describe('a window across midnight, in the site time zone', () => {
  const night = parseWindow('18:00-07:00');
  it('is open in the evening and the early morning, closed by day', () => {
    if (typeof night === 'string') throw new Error(night);
    expect(isOpen(night, minutesIn('Europe/Berlin', new Date('2026-12-07T17:00:00Z')))).toBe(true); // 18:00 in Berlin
    expect(isOpen(night, minutesIn('Europe/Berlin', new Date('2026-12-07T05:59:00Z')))).toBe(true); // 06:59
    expect(isOpen(night, minutesIn('Europe/Berlin', new Date('2026-12-07T06:00:00Z')))).toBe(false); // 07:00
    expect(isOpen(night, minutesIn('Europe/Berlin', new Date('2026-07-07T15:30:00Z')))).toBe(false); // 17:30 summer time
    expect(isOpen(night, minutesIn('Europe/Berlin', new Date('2026-07-07T16:00:00Z')))).toBe(true); // 18:00 summer time
  });
  it('says why a closed window defers', () => {
    const gate = createDisturbGate({ fallback: { window: { from: 1080, to: 420 }, whenLoggedOn: false, timeZone: 'Europe/Berlin' }, sites: {}, sitePos: {} });
    expect(gate.closedBecause('bruehl', new Date('2026-12-07T10:00:00Z'))).toBe('outside the window 18:00–07:00 Europe/Berlin');
    expect(gate.closedBecause('bruehl', new Date('2026-12-07T19:00:00Z'))).toBeNull();
  });
});
