import { createRedactor } from '../../src/run/redact.js';

describe('redact', () => {
  it('replaces every occurrence of every secret, longest first', () => {
    const r = createRedactor({ vpnPsk: 's3cr3t-psk', token: 's3cr3t' });
    expect(r('psk=s3cr3t-psk token=s3cr3t again s3cr3t-psk')).toBe('psk=[redacted:vpnPsk] token=[redacted:token] again [redacted:vpnPsk]');
  });
  it('passes text through when there are no secrets', () => {
    expect(createRedactor({})('hello')).toBe('hello');
  });
});
