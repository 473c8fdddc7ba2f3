import { assignWaves, exceedsAtWaveEnd, exceedsDuringWave, makeThreshold, parseAmount, parseWaves, waveSizes } from '../../src/run/waves.js';

describe('waves', () => {
  it('splits 300 machines into a canary, 10% and the rest', () => {
    expect(waveSizes(parseWaves('1,10%,100%'), 300)).toEqual([1, 30, 269]);
  });
  it('repeats the last size until every machine had its turn', () => {
    expect(waveSizes(parseWaves('2,5'), 14)).toEqual([2, 5, 5, 2]);
  });
  it('cuts the machines themselves into those waves, in order', () => {
    const ids = Array.from({ length: 14 }, (_, i) => i);
    const waves = assignWaves(ids, parseWaves('2,5'));
    expect(waves.map((w) => w.length)).toEqual([2, 5, 5, 2]);
    expect(waves.flat()).toEqual(ids);
  });
  it('gives no wave for no machines', () => {
    expect(waveSizes(parseWaves('100%'), 0)).toEqual([]);
  });
  it('rejects nonsense with a message naming the option', () => {
    expect(() => parseWaves('1,abc')).toThrow(/--waves: "abc"/);
    expect(() => parseWaves('0')).toThrow(/at least 1/);
    expect(() => parseAmount('150%', '--max-failures')).toThrow(/between 0% and 100%/);
  });
});

describe('failure threshold', () => {
  it('halts within a wave when the count over the whole selection is exceeded', () => {
    const t = makeThreshold(parseAmount('5%', 'x'), 200); // 10 machines
    expect(exceedsDuringWave(t, 10)).toBe(false);
    expect(exceedsDuringWave(t, 11)).toBe(true);
  });
  it('stops after a failed canary: the share among machines done so far is checked at the wave end', () => {
    const t = makeThreshold(parseAmount('5%', 'x'), 200);
    expect(exceedsAtWaveEnd(t, 1, 1)).toBe(true);
    expect(exceedsAtWaveEnd(t, 1, 21)).toBe(false);
  });
  it('a plain count is only a count', () => {
    const t = makeThreshold(parseAmount('3', 'x'), 1000);
    expect(exceedsAtWaveEnd(t, 1, 1)).toBe(false);
    expect(exceedsDuringWave(t, 4)).toBe(true);
  });
  it('no threshold never halts', () => {
    expect(exceedsDuringWave(makeThreshold(null, 10), 10)).toBe(false);
  });
});
