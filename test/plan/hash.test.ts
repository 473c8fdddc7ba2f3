import { canonicalJson, sha256 } from '../../src/plan/hash.js';

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined like JSON', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined }, 'é': 'x' })).toBe('{"a":{"d":[{"y":2,"z":1}]},"b":1,"é":"x"}');
    expect(canonicalJson({ b: 1, a: 2 })).toBe(canonicalJson({ a: 2, b: 1 }));
    expect(canonicalJson([undefined, null, 'x'])).toBe('[null,null,"x"]');
    expect(canonicalJson(undefined)).toBe('null');
  });
  it('hashes with sha256 hex', () => {
    expect(sha256('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
