import { sha256, sortedKeys } from '../../src/plan/hash.js';

describe('hash helpers', () => {
  it('sorts one level of keys, so YAML key order does not change a plan', () => {
    expect(JSON.stringify(sortedKeys({ b: 1, a: { d: 1, c: 2 }, é: 'x' }))).toBe('{"a":{"d":1,"c":2},"b":1,"é":"x"}');
    expect(JSON.stringify(sortedKeys({ b: 1, a: 2 }))).toBe(JSON.stringify(sortedKeys({ a: 2, b: 1 })));
  });
  it('hashes with sha256 hex', () => {
    expect(sha256('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
