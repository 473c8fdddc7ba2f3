import { encodePowerShellCommand } from '../../src/render/quote.js';
import { POWERSHELL_BOOTSTRAP, POWERSHELL_COMMAND } from '../../src/shell/powershell-program.js';
import { parseWindowsCommand } from '../../src/lab/windows/pwsh-launch.js';
import { isWindowsPc, windowsCount, WindowsShareError } from '../../src/lab/windows/windows-share.js';

describe('how many lab PCs are Windows PCs', () => {
  test('a count or a percentage of the fleet', () => {
    expect(windowsCount('100%', 12)).toBe(12);
    expect(windowsCount('80%', 20)).toBe(16);
    expect(windowsCount('0', 5)).toBe(0);
    expect(windowsCount('3', 5)).toBe(3);
  });

  test('anything else is refused with a message naming the value', () => {
    expect(() => windowsCount('120%', 5)).toThrow(WindowsShareError);
    expect(() => windowsCount('6', 5)).toThrow('--windows 6: the lab has only 5 PCs');
    expect(() => windowsCount('most', 5)).toThrow('--windows "most" is neither a count (12) nor a percentage (80%)');
  });

  test('are spread evenly over the fleet', () => {
    const pick = (count: number, total: number) => Array.from({ length: total }, (_, i) => (isWindowsPc(i, count, total) ? 'W' : 'L')).join('');
    expect(pick(8, 10)).toBe('LWWWWLWWWW');
    expect(pick(10, 10)).toBe('WWWWWWWWWW');
    expect(pick(0, 4)).toBe('LLLL');
  });
});

describe('the command line a Windows lab PC accepts', () => {
  test('exactly the transport command, whose bootstrap it runs', () => {
    expect(parseWindowsCommand(POWERSHELL_COMMAND)).toEqual({ kind: 'powershell', bootstrap: POWERSHELL_BOOTSTRAP });
  });

  test('anything else as cmd.exe refuses an unknown program', () => {
    expect(parseWindowsCommand('/bin/sh -c true')).toMatchObject({ kind: 'refused', exitCode: 1, stderr: expect.stringMatching(/^'\/bin\/sh' is not recognized as an internal or external command,\r\n/) });
    expect(parseWindowsCommand(`powershell.exe -NoProfile -EncodedCommand ${encodePowerShellCommand('1')}`)).toMatchObject({ kind: 'refused' });
    expect(parseWindowsCommand('"C:\\Program Files\\x.exe" /y')).toMatchObject({ stderr: expect.stringMatching(/^'C:\\Program Files\\x.exe' is not/) });
  });
});
