import { assignColumns, columnKey } from './asset-columns.js';

/** The fields of a directory row; `name` is a full name ("Müller, Anna" or "Anna Müller") when no first-name column is given. */
export type DirectoryField = 'id' | 'firstName' | 'lastName' | 'name' | 'mailbox' | 'site' | 'role';
export const DIRECTORY_FIELDS: DirectoryField[] = ['id', 'firstName', 'lastName', 'name', 'mailbox', 'site', 'role'];

// Header names of HR and Excel exports, German and English, compared without case, spaces or punctuation.
const KNOWN: Record<string, DirectoryField> = {
  id: 'id', employeeid: 'id', employeenumber: 'id', staffnumber: 'id', personnelnumber: 'id', userid: 'id',
  personalnummer: 'id', persnr: 'id', personalnr: 'id', mitarbeiternummer: 'id', mitarbeiterid: 'id', mitarbeiternr: 'id',
  firstname: 'firstName', givenname: 'firstName', vorname: 'firstName',
  lastname: 'lastName', surname: 'lastName', familyname: 'lastName', nachname: 'lastName', familienname: 'lastName',
  name: 'name', fullname: 'name', displayname: 'name', vollstaendigername: 'name', anzeigename: 'name',
  email: 'mailbox', mail: 'mailbox', mailbox: 'mailbox', emailaddress: 'mailbox', emailadresse: 'mailbox', mailadresse: 'mailbox', postfach: 'mailbox',
  site: 'site', location: 'site', servicecenter: 'site', office: 'site', standort: 'site', niederlassung: 'site', dienstort: 'site',
  role: 'role', function: 'role', jobtitle: 'role', rolle: 'role', funktion: 'role', taetigkeit: 'role',
};

export interface DirectoryColumns {
  fields: (DirectoryField | null)[]; // per column; null: ignored
  unmatchedMaps: string[]; // mapped columns the header does not have
  missing: string[]; // required fields no column gives
}

/** Parses `COLUMN=FIELD` entries (--map, homeshift.yaml's import.directory.columns). Throws RangeError naming the entry. */
export function parseDirectoryColumnMap(entries: [string, string][], where: string): Map<string, DirectoryField> {
  const map = new Map<string, DirectoryField>();
  for (const [column, field] of entries) {
    if (!column.trim()) throw new RangeError(`${where}: expected COLUMN=FIELD, e.g. "Pers.-Nr.=id"`);
    if (!DIRECTORY_FIELDS.includes(field as DirectoryField)) throw new RangeError(`${where} ${column}=${field}: unknown field '${field}' (fields: ${DIRECTORY_FIELDS.join(', ')})`);
    map.set(columnKey(column), field as DirectoryField);
  }
  return map;
}

/** Which field each column fills: the map first, then the known names; a `Name` beside a first-name column is the last name. */
export function planDirectoryColumns(header: string[], map: Map<string, DirectoryField>): DirectoryColumns {
  const { keys, fields, seen } = assignColumns(header, map, KNOWN);
  if (seen.has('name') && seen.has('firstName') && !seen.has('lastName')) {
    fields[fields.indexOf('name')] = 'lastName';
    seen.add('lastName');
  }
  const missing: string[] = [];
  if (!seen.has('id')) missing.push('id');
  if (!(seen.has('firstName') && seen.has('lastName')) && !seen.has('name')) missing.push('firstName and lastName (or name)');
  if (!seen.has('mailbox')) missing.push('mailbox');
  if (!seen.has('site')) missing.push('site');
  return { fields, unmatchedMaps: [...map.keys()].filter((k) => !keys.includes(k)), missing };
}
