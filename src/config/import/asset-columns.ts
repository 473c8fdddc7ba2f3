import { slugify } from './slug.js';

export type AssetField = 'id' | 'host' | 'ip' | 'os' | 'site' | 'user' | 'role';
export const ASSET_FIELDS: AssetField[] = ['id', 'host', 'ip', 'os', 'site', 'user', 'role'];

// Column names of common asset-management exports, compared without case, spaces or punctuation.
const KNOWN_COLUMNS: Record<string, AssetField> = {
  id: 'id', assettag: 'id', asset: 'id', assetid: 'id', assetnumber: 'id', inventorynumber: 'id', machineid: 'id', machine: 'id',
  host: 'host', hostname: 'host', computername: 'host', computer: 'host', dnsname: 'host', fqdn: 'host',
  ip: 'ip', ipaddress: 'ip', ipv4: 'ip', ipv4address: 'ip',
  os: 'os', operatingsystem: 'os', osname: 'os', platform: 'os',
  site: 'site', location: 'site', servicecenter: 'site', office: 'site',
  user: 'user', assignedto: 'user', employee: 'user', employeeid: 'user', userid: 'user', owner: 'user',
  role: 'role', profile: 'role', function: 'role',
  // German exports
  inventarnummer: 'id', rechnername: 'host', betriebssystem: 'os', standort: 'site', mitarbeiter: 'user', benutzer: 'user', rolle: 'role',
};

export const columnKey = (name: string) => slugify(name).replace(/-/g, '');

/** Parses --map "Asset Tag=id" entries into column key -> field. Throws RangeError with the offending entry. */
export function parseColumnMap(specs: string[]): Map<string, AssetField> {
  const map = new Map<string, AssetField>();
  for (const spec of specs) {
    const eq = spec.lastIndexOf('=');
    const column = spec.slice(0, eq).trim();
    const field = spec.slice(eq + 1).trim() as AssetField;
    if (eq <= 0 || !column) throw new RangeError(`--map ${spec}: expected COLUMN=FIELD, e.g. "Asset Tag=id"`);
    if (!ASSET_FIELDS.includes(field)) throw new RangeError(`--map ${spec}: unknown field '${field}' (fields: ${ASSET_FIELDS.join(', ')})`);
    map.set(columnKey(column), field);
  }
  return map;
}

export interface ColumnPlan {
  fields: (AssetField | null)[]; // per CSV column; null: ignored
  unmatchedMaps: string[]; // --map columns the header does not have
  missing: AssetField[]; // required fields no column gives
}

/**
 * Which field each column of a header fills: the map (column key -> field) first, then the known names (a known name
 * of a field the map already gives is ignored); of two columns for one field the first wins; other columns are null.
 */
export function assignColumns<F extends string>(header: string[], map: Map<string, F>, known: Record<string, F>): { keys: string[]; fields: (F | null)[]; seen: Set<F> } {
  const keys = header.map(columnKey);
  const mapped = new Set(map.values());
  const fields = keys.map((k) => map.get(k) ?? (mapped.has(known[k]) ? null : known[k] ?? null));
  const seen = new Set<F>();
  fields.forEach((f, i) => {
    if (f && seen.has(f)) fields[i] = null;
    if (f) seen.add(f);
  });
  return { keys, fields, seen };
}

/** Which field each column fills: --map first, then the known names; other columns are ignored. */
export function planColumns(header: string[], map: Map<string, AssetField>, siteGiven: boolean): ColumnPlan {
  const { keys, fields, seen } = assignColumns(header, map, KNOWN_COLUMNS);
  const unmatchedMaps = [...map.keys()].filter((k) => !keys.includes(k));
  const required: AssetField[] = ['id', 'os', 'user', 'role', ...(siteGiven ? [] : ['site' as const])];
  const missing = required.filter((f) => !seen.has(f));
  if (!seen.has('host') && !seen.has('ip')) missing.splice(1, 0, 'host');
  return { fields, unmatchedMaps, missing };
}
