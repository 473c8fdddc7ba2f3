import { quotePosix, quotePowerShell } from './quote.js';

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Names as a shell sees them: HS_ plus the upper-case words of a camelCase or kebab name. */
export function toShellName(name: string, prefix = 'HS_'): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
  return prefix + words;
}

/** The variable a step reads a secret from: vpnPsk -> HS_SECRET_VPN_PSK. */
export function secretVarName(secret: string): string {
  return toShellName(secret, 'HS_SECRET_');
}

function checkName(name: string): string {
  if (!VAR_NAME.test(name)) throw new Error(`invalid shell variable name: ${name}`);
  return name;
}

/** sh assignments, one per line, in the order given. */
export function formatPosixPrelude(vars: Record<string, string>): string {
  return Object.entries(vars)
    .map(([name, value]) => `${checkName(name)}=${quotePosix(value)}`)
    .join('\n');
}

/** PowerShell assignments, one per line, in the order given. */
export function formatPowerShellPrelude(vars: Record<string, string>): string {
  return Object.entries(vars)
    .map(([name, value]) => `$${checkName(name)} = ${quotePowerShell(value)}`)
    .join('\n');
}
