import { describeDescriptorShortage, readOpenFileLimit } from '../../src/cli/descriptor-limit.js';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 524288               files
Max locked memory         8388608              8388608              bytes
`;

describe('open file limit', () => {
  it('reads the soft and hard limit of open files', () => {
    expect(readOpenFileLimit(LIMITS)).toEqual({ soft: 1024, hard: 524288 });
    expect(readOpenFileLimit(LIMITS.replace('1024                 524288', 'unlimited            unlimited'))).toEqual({ soft: Infinity, hard: Infinity });
    expect(readOpenFileLimit('no such line')).toBeNull();
    expect(readOpenFileLimit()).not.toBeNull(); // this process, on Linux
  });

  it('says nothing while the sessions fit under the soft limit', () => {
    expect(describeDescriptorShortage(300, { soft: 1024, hard: 524288 })).toBeNull();
    expect(describeDescriptorShortage(1000, { soft: 20000, hard: 20000 })).toBeNull();
    expect(describeDescriptorShortage(1000, null)).toBeNull();
  });

  it('says in one line how to raise the soft limit when the hard limit allows it', () => {
    const line = describeDescriptorShortage(1000, { soft: 1024, hard: 524288 })!;
    expect(line).toBe('homeshift: --forks 1000 needs about 3064 open files, more than the soft limit of 1024 (ulimit -n), so some PCs may fail to connect; raise it first with: ulimit -n 8192');
    expect(line).not.toContain('\n');
  });

  it('names the forks that fit when the hard limit is too low as well', () => {
    expect(describeDescriptorShortage(1000, { soft: 1024, hard: 2048 })).toMatch(/the hard limit is 2048: raise it \(limits\.conf, or LimitNOFILE= of the service\), or use --forks 320$/);
  });
});
