import { stringify } from 'yaml';
import type { ImportedMachine } from './import-assets.js';

const PLAIN = /^[A-Za-z0-9][A-Za-z0-9._@-]*$/;
// Plain scalars a YAML reader would take for a number, boolean, null or date.
const NOT_A_STRING = /^(?:[-+]?(?:[\d_]+(?:\.[\d_]*)?(?:e[-+]?\d+)?|0x[\da-f_]+|0o[0-7_]+|0b[01_]+)|true|false|yes|no|on|off|null|y|n|\d{4}-\d\d-\d\d.*)$/i;

/** A scalar as YAML: plain when it reads back as the same string, otherwise quoted by the yaml package. */
export function formatScalar(value: string): string {
  if (PLAIN.test(value) && !NOT_A_STRING.test(value)) return value;
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

/** One machine as a one-line flow map, fields in schema order. */
export function formatMachineLine(m: ImportedMachine): string {
  return `{ id: ${formatScalar(m.id)}, host: ${formatScalar(m.host)}, os: ${m.os}, user: ${formatScalar(m.user)}, role: ${formatScalar(m.role)} }`;
}
