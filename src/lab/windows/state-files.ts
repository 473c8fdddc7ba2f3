import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { windowsPaths } from './pwsh-launch.js';

/**
 * The state of a Windows lab PC's simulated commands: plain tables, one row a line, fields separated by tabs and
 * %-encoded (%, tab, CR, LF, NUL), so that pwsh reads them with a split instead of a JSON parser (whose first use
 * costs a PC more CPU than its whole program). sim-windows.ts reads and writes the same format.
 *   registry-HKLM.tsv / registry-HKCU.tsv  KEY  or  KEY NAME TYPE VALUE (MultiString parts NUL-separated)
 *   vpn.tsv        SCOPE NAME PROPERTY VALUE   (SCOPE AllUserConnection or User; lists comma-separated)
 *   bitlocker.tsv  MOUNTPOINT PROPERTY VALUE
 *   installed.tsv  KIND KEY FILE UNINSTALL_EXIT_CODE   (what an MSI or EXE install wrote, see installer-tools.ts)
 *   fail/commands.tsv  COMMAND KEY PATH MESSAGE (an injected failure; KEY/PATH empty: any)
 */
export type Row = string[];

const encodeField = (f: string) => f.replace(/[%\t\r\n\0]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
const decodeField = (f: string) => f.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

export function formatTable(rows: Row[]): string {
  return rows.map((r) => r.map(encodeField).join('\t')).join('\n') + (rows.length ? '\n' : '');
}

export function parseTable(text: string): Row[] {
  return text.split('\n').filter((l) => l !== '').map((l) => l.split('\t').map(decodeField));
}

export async function readTable(file: string): Promise<Row[]> {
  return parseTable(await readFile(file, 'utf8').catch(() => ''));
}

export const writeTable = (file: string, rows: Row[]) => writeFile(file, formatTable(rows));

export interface RegValue {
  type: string;
  value: string | number | string[];
}

/** A hive of a lab PC: key -> value name -> value. */
export async function readRegistry(pcDir: string, hive: 'HKLM' | 'HKCU'): Promise<Record<string, Record<string, RegValue>>> {
  const keys: Record<string, Record<string, RegValue>> = {};
  for (const [key, name, type, value] of await readTable(join(windowsPaths(pcDir).state, `registry-${hive}.tsv`))) {
    keys[key] ??= {};
    if (name === undefined) continue;
    keys[key][name] = { type, value: type === 'DWord' || type === 'QWord' ? Number(value) : type === 'MultiString' ? value.split('\0') : value };
  }
  return keys;
}

export function registryRows(keys: Record<string, Record<string, RegValue>>): Row[] {
  const rows: Row[] = [];
  for (const [key, values] of Object.entries(keys)) {
    rows.push([key]);
    for (const [name, v] of Object.entries(values)) rows.push([key, name, v.type, Array.isArray(v.value) ? v.value.join('\0') : String(v.value)]);
  }
  return rows;
}

/** The VPN connections of a lab PC: scope -> name -> properties (lists as arrays, booleans as booleans). */
export async function readVpnConnections(pcDir: string): Promise<Record<string, Record<string, Record<string, string | boolean | string[]>>>> {
  const out: Record<string, Record<string, Record<string, string | boolean | string[]>>> = {};
  for (const [scope, name, property, value] of await readTable(join(windowsPaths(pcDir).state, 'vpn.tsv'))) {
    const entry = ((out[scope] ??= {})[name] ??= {});
    entry[property] = value === 'True' ? true : value === 'False' ? false : property === 'AuthenticationMethod' ? value.split(',') : value;
  }
  return out;
}

export function bitlockerRows(on: boolean): Row[] {
  const v = on
    ? { ProtectionStatus: 'On', VolumeStatus: 'FullyEncrypted', EncryptionMethod: 'XtsAes256', EncryptionPercentage: '100' }
    : { ProtectionStatus: 'Off', VolumeStatus: 'FullyDecrypted', EncryptionMethod: 'None', EncryptionPercentage: '0' };
  return Object.entries(v).map(([k, value]) => ['C:', k, value]);
}
