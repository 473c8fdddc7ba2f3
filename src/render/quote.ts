/** Quoting for the two shells: values from inventory and directory are data, never code. */

export class QuoteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuoteError';
  }
}

/** POSIX sh single-quoted word: nothing inside is special; a ' closes, is escaped, and reopens. */
export function quotePosix(value: string): string {
  if (value.includes('\0')) throw new QuoteError('a shell value cannot contain a NUL byte');
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

// PowerShell treats the typographic single quotes like ' inside a literal, so they are doubled as well.
const POWERSHELL_QUOTES = /['\u2018\u2019\u201A\u201B]/g;

/** PowerShell single-quoted literal: no expansion; every quote character is doubled. */
export function quotePowerShell(value: string): string {
  if (value.includes('\0')) throw new QuoteError('a PowerShell value cannot contain a NUL byte');
  return `'${value.replace(POWERSHELL_QUOTES, (q) => q + q)}'`;
}

/** The argument of powershell.exe -EncodedCommand: base64 of the UTF-16LE script. */
export function encodePowerShellCommand(script: string): string {
  return Buffer.from(script, 'utf16le').toString('base64');
}

/** Inverse of encodePowerShellCommand, for tests and plan display. */
export function decodePowerShellCommand(encoded: string): string {
  return Buffer.from(encoded, 'base64').toString('utf16le');
}
