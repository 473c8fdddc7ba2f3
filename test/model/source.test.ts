import { formatDiagnostic } from '../../src/model/source.js';

describe('formatDiagnostic', () => {
  it('reads file:line:col message [rule]', () => {
    expect(
      formatDiagnostic({ rule: 'unknown-user', severity: 'error', message: 'machine BRU-D0042: user e100999 is not in the directory', pos: { file: 'inventory/bruehl.yaml', line: 42, col: 7 } }),
    ).toBe('inventory/bruehl.yaml:42:7 machine BRU-D0042: user e100999 is not in the directory [unknown-user]');
  });
  it('marks warnings', () => {
    expect(formatDiagnostic({ rule: 'site-mismatch', severity: 'warning', message: 'x' })).toBe('warning: x [site-mismatch]');
  });
});
