import { causeChoice } from '../../src/cli/rerun-picker.js';

describe('a cause in the rerun picker', () => {
  it('shows one machine\'s message beside the pattern', () => {
    const label = causeChoice({
      count: 12, cause: 'bundle:office-base: apply exited <n>: cannot reach <host>', fingerprint: 'step-failed:bundle:office-base:3f2a9c1b', sites: ['bruehl', 'koeln'],
      example: 'bundle:office-base: apply exited 1: cannot reach dp01.bruehl.example-telco.de',
    });
    expect(label).toBe('12 × bundle:office-base: apply exited <n>: cannot reach <host>  e.g. "bundle:office-base: apply exited 1: cannot reach dp01.bruehl.example-telco.de"  [step-failed:bundle:office-base:3f2a9c1b]  sites: bruehl, koeln');
  });

  it('shows the pattern once where the example says the same, and no control characters', () => {
    expect(causeChoice({ count: 1, cause: 'vpn: denied', example: 'vpn: denied', fingerprint: 'step-failed:vpn:1', sites: ['a'] })).toBe('1 × vpn: denied  [step-failed:vpn:1]  sites: a');
    expect(causeChoice({ count: 1, cause: 'x', example: 'x\u001b[2Jy', fingerprint: 'f', sites: [] })).not.toContain('\u001b');
  });
});
