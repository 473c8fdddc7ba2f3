import type { Diagnostic, Employee, FieldPositions, SourcePos } from '../../model/index.js';
import { createDiagnostic } from '../diagnostics.js';
import { planDirectoryColumns, type DirectoryField } from './directory-columns.js';
import { cellPos, readExportCsv, type ExportTable } from './read-export.js';
import { slugify } from './slug.js';

/** Export value -> site id or profile name, keyed by the value's slug ("Münster", "MÜNSTER" -> muenster). */
export type ValueMap = Map<string, string>;

export interface DirectoryImportInput {
  file: string; // the export's name in messages
  text: string; // decoded
  columns: Map<string, DirectoryField>;
  sites: { id: string; name: string }[];
  profiles: string[];
  siteMap: ValueMap;
  roleMap: ValueMap;
}

export interface DirectoryImportResult {
  employees: Employee[]; // in export order; positions are cells of the export
  diagnostics: Diagnostic[];
  table: ExportTable | null;
  translated: { column: 'site' | 'role'; from: string; to: string }[]; // values that were mapped, each once
}

/** `VALUE=TARGET` entries as a value map. Throws RangeError naming the entry. */
export function parseValueMap(entries: [string, string][], where: string): ValueMap {
  const map: ValueMap = new Map();
  for (const [value, target] of entries) {
    if (!slugify(value) || !target.trim()) throw new RangeError(`${where} ${value}=${target}: expected VALUE=NAME, e.g. "Münster=muenster"`);
    map.set(slugify(value), target.trim());
  }
  return map;
}

/** Reads an HR/Excel export into employees; every problem of every row becomes a finding at its cell. */
export function importDirectory(input: DirectoryImportInput): DirectoryImportResult {
  const diags: Diagnostic[] = [];
  const translated: DirectoryImportResult['translated'] = [];
  const table = readExportCsv(input.text, input.file, diags);
  if (!table) return { employees: [], diagnostics: diags, table, translated };
  const plan = planDirectoryColumns(table.header.cells, input.columns);
  const headerAt: SourcePos = { file: input.file, line: table.header.line, col: 1 };
  const columnList = table.header.cells.join(', ');
  for (const col of plan.unmatchedMaps) diags.push(createDiagnostic('import-column', `the column map names '${col}', which the header does not have (columns: ${columnList})`, headerAt));
  if (plan.missing.length > 0) diags.push(createDiagnostic('import-column', `no column for ${plan.missing.join(', ')} (columns: ${columnList}); name them with --map "COLUMN=FIELD"`, headerAt));
  if (diags.length > 0) return { employees: [], diagnostics: diags, table, translated };

  const col = (f: DirectoryField) => plan.fields.indexOf(f);
  const seenValue = new Set<string>();
  const note = (column: 'site' | 'role', from: string, to: string) => {
    if (from !== to && !seenValue.has(`${column}\0${from}`)) translated.push({ column, from, to });
    seenValue.add(`${column}\0${from}`);
  };
  const employees: Employee[] = [];
  // an unknown site or role value is reported once, at its first row, with how many more rows have it
  const unknownValues = new Map<string, { diag: Diagnostic; more: number }>();
  const unknownValue = (column: string, value: string, make: () => Diagnostic) => {
    const seen = unknownValues.get(`${column}\0${value}`);
    if (seen) seen.more++;
    else {
      const diag = make();
      diags.push(diag);
      unknownValues.set(`${column}\0${value}`, { diag, more: 0 });
    }
  };
  for (const row of table.rows) {
    const at = (i: number) => cellPos(input.file, row, i, table.header);
    if (row.cells.length !== table.header.cells.length) {
      diags.push(createDiagnostic('import-row', `row has ${row.cells.length} cells, the header has ${table.header.cells.length}`, { file: input.file, line: row.line, col: 1 }));
      continue;
    }
    // Excel pads cells with spaces; an export's values are read trimmed (hidden characters stay and are findings)
    const cell = (i: number) => (i >= 0 ? row.cells[i].trim() : '');
    const id = cell(col('id'));
    const who = id ? `employee ${id}` : `employee on line ${row.line}`;
    let rowFailed = false;
    const problem = (message: string, i: number) => {
      rowFailed = true;
      diags.push(createDiagnostic('import-value', `${who}: ${message}`, at(i)));
    };
    const unknown = (column: string, value: string, message: string, i: number) => {
      rowFailed = true;
      unknownValue(column, value, () => createDiagnostic('import-value', `${who}: ${message}`, at(i)));
    };
    if (!id) problem('id is empty', col('id'));
    const names = col('firstName') >= 0 && col('lastName') >= 0
      ? { firstName: cell(col('firstName')), lastName: cell(col('lastName')), at: [col('firstName'), col('lastName')] }
      : { ...splitName(cell(col('name'))), at: [col('name'), col('name')] };
    if (!names.firstName) problem('first name is empty', names.at[0]);
    if (!names.lastName) problem('last name is empty', names.at[1]);
    const mailbox = cell(col('mailbox'));
    if (!mailbox) problem('e-mail is empty', col('mailbox'));
    const siteText = cell(col('site'));
    const site = siteText ? resolveSite(siteText, input) : null;
    if (!siteText) problem('site is empty', col('site'));
    else if (site === null) unknown('site', siteText, `site '${siteText}' is not a site of the inventory (sites: ${input.sites.map((s) => s.id).join(', ') || 'none yet'}); map it with --map-site "${siteText}=SITE" or under import.directory.sites in homeshift.yaml`, col('site'));
    else note('site', siteText, site);
    const roleText = cell(col('role'));
    const role = roleText ? resolveRole(roleText, input) : undefined;
    if (role === null) unknown('role', roleText, `role '${roleText}' is not a profile (profiles: ${input.profiles.join(', ')}); map it with --map-role "${roleText}=PROFILE" or under import.directory.roles in homeshift.yaml`, col('role'));
    else if (role !== undefined) note('role', roleText, role);
    if (rowFailed) continue;
    const fieldPos: FieldPositions = { id: at(col('id')), firstName: at(names.at[0]), lastName: at(names.at[1]), mailbox: at(col('mailbox')), site: at(col('site')) };
    const e: Employee = { id, firstName: names.firstName, lastName: names.lastName, mailbox, site: site!, pos: { file: input.file, line: row.line, col: 1 }, fieldPos };
    if (role) {
      e.role = role;
      fieldPos.role = at(col('role'));
    }
    employees.push(e);
  }
  for (const { diag, more } of unknownValues.values()) if (more > 0) diag.message += ` (the same on ${more} more row${more === 1 ? '' : 's'})`;
  return { employees, diagnostics: diags, table, translated };
}

/** "Müller, Anna" (HR order) or "Anna Müller": first and last name. */
function splitName(name: string): { firstName: string; lastName: string } {
  const comma = name.indexOf(',');
  if (comma >= 0) return { firstName: name.slice(comma + 1).trim(), lastName: name.slice(0, comma).trim() };
  const space = name.lastIndexOf(' ');
  return space < 0 ? { firstName: '', lastName: name } : { firstName: name.slice(0, space).trim(), lastName: name.slice(space + 1) };
}

/** The site a value names: the map, else a site id, else a site's name or the last words of it ("Brühl" for "Service Center Brühl"). */
function resolveSite(value: string, input: DirectoryImportInput): string | null {
  const key = slugify(value);
  const mapped = input.siteMap.get(key);
  if (mapped !== undefined) return mapped;
  const exact = input.sites.find((s) => s.id === value || s.id === key || slugify(s.name) === key);
  if (exact) return exact.id;
  const suffix = input.sites.filter((s) => slugify(s.name).endsWith(`-${key}`));
  return suffix.length === 1 ? suffix[0].id : null;
}

/** The profile a value names: the map, else a profile name as written or as a slug ("Hotline Agent" -> hotline-agent). */
function resolveRole(value: string, input: DirectoryImportInput): string | null {
  const key = slugify(value);
  const mapped = input.roleMap.get(key);
  if (mapped !== undefined) return mapped;
  if (input.profiles.includes(value)) return value;
  return input.profiles.includes(key) ? key : null;
}
