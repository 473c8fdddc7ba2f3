import { execFileSync } from 'node:child_process';
import { decodePowerShellCommand, encodePowerShellCommand, quotePosix, quotePowerShell } from '../../src/render/quote.js';
import { formatPosixPrelude, formatPowerShellPrelude, secretVarName, toShellName } from '../../src/render/prelude.js';

const HOSTILE = ["O'Brien", '$(reboot)', '`touch /tmp/x`', '; rm -rf /', 'two\nlines', 'Jürgen Müßig', '100%', '"quoted"', '\\back\\slash', '', ' spaced  ', '\u2018curly\u2019 \u201Alow\u201B', "it's 'x'"];

describe('quotePosix', () => {
  it('wraps in single quotes and escapes single quotes', () => {
    expect(quotePosix("O'Brien")).toBe(`'O'\\''Brien'`);
    expect(quotePosix('$(reboot)')).toBe(`'$(reboot)'`);
  });
  it.each(HOSTILE)('a real sh gets back exactly %j', (value) => {
    const out = execFileSync('/bin/sh', ['-c', `printf '%s' ${quotePosix(value)}`]);
    expect(out.toString('utf8')).toBe(value);
  });
  it('rejects NUL', () => {
    expect(() => quotePosix('a\0b')).toThrow(/NUL/);
  });
});

describe('quotePowerShell', () => {
  it('doubles every single quote, including the typographic ones', () => {
    expect(quotePowerShell("O'Brien")).toBe("'O''Brien'");
    expect(quotePowerShell('\u2018a\u2019b\u201Ac\u201Bd')).toBe("'\u2018\u2018a\u2019\u2019b\u201A\u201Ac\u201B\u201Bd'");
    expect(quotePowerShell('$env:PATH `n "x"')).toBe(`'$env:PATH \`n "x"'`);
  });
  it('rejects NUL', () => {
    expect(() => quotePowerShell('\0')).toThrow(/NUL/);
  });
});

describe('encodePowerShellCommand', () => {
  it('is base64 of UTF-16LE', () => {
    expect(encodePowerShellCommand('dir')).toBe(Buffer.from('d\0i\0r\0').toString('base64'));
    expect(decodePowerShellCommand(encodePowerShellCommand('Grüße €'))).toBe('Grüße €');
  });
});

describe('preludes', () => {
  it('names variables from camelCase and secrets', () => {
    expect(toShellName('mdmGroup')).toBe('HS_MDM_GROUP');
    expect(secretVarName('vpnPsk')).toBe('HS_SECRET_VPN_PSK');
    expect(secretVarName('enrolment-token')).toBe('HS_SECRET_ENROLMENT_TOKEN');
  });
  it('formats one quoted assignment per line', () => {
    expect(formatPosixPrelude({ HS_A: "O'B", HS_B: 'x\ny' })).toBe(`HS_A='O'\\''B'\nHS_B='x\ny'`);
    expect(formatPowerShellPrelude({ HS_A: "O'B" })).toBe(`$HS_A = 'O''B'`);
    expect(() => formatPosixPrelude({ 'A;B': 'x' })).toThrow(/invalid shell variable name/);
  });
});
