import type { Diagnostic, Os, SourcePos } from '../../model/index.js';
import { createDiagnostic } from '../diagnostics.js';
import { planColumns, type AssetField } from './asset-columns.js';
import { mapOsName } from './os-name.js';
import { cellPos, readExportCsv } from './read-export.js';
import { matchSite, type SiteFile } from './site-files.js';
import { slugify } from './slug.js';
import { describeProblem, findTextProblem } from '../text-policy.js';

/** A machine read from the export, ready for its site file. */
export interface ImportedMachine {
  id: string;
  host: string;
  os: Os;
  user: string;
  role: string;
  line: number;
}

export interface ImportInput {
  file: string; // the CSV's name in messages
  text: string;
  map: Map<string, AssetField>;
  site?: SiteFile; // --site: every row goes to this site
  siteFiles: SiteFile[];
}

export interface ImportResult {
  bySite: Map<SiteFile, ImportedMachine[]>; // in CSV order
  diagnostics: Diagnostic[];
  skipped: number; // blank and separator-only rows
}

interface Checked { idAt: SourcePos; hostAt: SourcePos; machine: ImportedMachine; file: SiteFile }

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const HOST = /^[A-Za-z0-9.:_-]+$/;

/** Turns an asset export into machines per site file; every problem of every row becomes a diagnostic. */
export function importAssets(input: ImportInput): ImportResult {
  const diags: Diagnostic[] = [];
  const bySite = new Map<SiteFile, ImportedMachine[]>();
  const csv = readExportCsv(input.text, input.file, diags);
  if (!csv) return { bySite, diagnostics: diags, skipped: 0 };
  const plan = planColumns(csv.header.cells, input.map, input.site !== undefined);
  const headerAt = { file: input.file, line: csv.header.line, col: 1 };
  for (const col of plan.unmatchedMaps) diags.push(createDiagnostic('import-column', `--map names column '${col}', which the header does not have (columns: ${csv.header.cells.join(', ')})`, headerAt));
  if (plan.missing.length > 0) diags.push(createDiagnostic('import-column', `no column for ${plan.missing.join(', ')} (columns: ${csv.header.cells.join(', ')}); name them with --map "COLUMN=FIELD"`, headerAt));
  if (diags.length > 0) return { bySite, diagnostics: diags, skipped: csv.skipped };

  const index = (f: AssetField) => plan.fields.indexOf(f);
  const col = { id: index('id'), host: index('host'), ip: index('ip'), os: index('os'), site: index('site'), user: index('user'), role: index('role') };
  const seen = { ids: new Map<string, number>(), hosts: new Map<string, number>() };
  const siteOf = memoSiteMatch(input.siteFiles);
  const rows: Checked[] = [];
  for (const row of csv.rows) {
    const at = (i: number) => cellPos(input.file, row, i, csv.header);
    const problem = (rule: string, message: string, i: number) => diags.push(createDiagnostic(rule, message, at(i)));
    if (row.cells.length !== csv.header.cells.length) {
      problem('import-row', `row has ${row.cells.length} cells, the header has ${csv.header.cells.length}`, 0);
      continue;
    }
    const cell = (i: number) => (i >= 0 ? row.cells[i].trim() : '');
    const before = diags.length;
    // Ids, hosts and employee ids are carried as written: the text policy of the directory applies, nothing is trimmed.
    const exact = (i: number, field: string): string | null => {
      const raw = i >= 0 ? row.cells[i] : '';
      const text = findTextProblem(raw);
      if (!text) return raw;
      const pos = at(i);
      diags.push(createDiagnostic('text-character', `row ${row.line}: ${describeProblem(field, text, pos.col + text.index)}`, { ...pos, col: pos.col + text.index }));
      return null;
    };
    const id = exact(col.id, 'machine id');
    const who = id ? `machine ${id}: ` : '';
    if (id === '') problem('missing-field', 'machine id is empty', col.id);
    else if (id !== null && !ID.test(id)) problem('bad-id', `machine id '${id}' may only hold letters, digits, dots, dashes and underscores`, col.id);
    const hostCol = cell(col.host) ? col.host : col.ip;
    const host = exact(hostCol, 'host');
    if (host === '') problem('missing-field', `${who}host name and IP address are empty`, col.host >= 0 ? col.host : col.ip);
    else if (host !== null && !HOST.test(host)) problem('bad-host', `${who}'${host}' is not a host name or IP address`, hostCol);
    const os = mapOsName(cell(col.os));
    if (!os) problem('unknown-os', `${who}unknown operating system '${cell(col.os)}' (expected Windows or a Linux distribution such as Ubuntu)`, col.os);
    const user = exact(col.user, 'employee');
    if (user === '') problem('missing-field', `${who}no employee is assigned`, col.user);
    const role = slugify(cell(col.role));
    if (!role) problem('missing-field', `${who}role is empty`, col.role);
    const file = input.site ?? siteOf(cell(col.site));
    if (!file) problem('unknown-site', `${who}unknown site '${cell(col.site)}' (sites: ${siteNames(input.siteFiles)}); add its inventory file with a site: block first, or use --site`, col.site);
    if (id) noteDuplicate(seen.ids, id, row.line, () => problem('duplicate-id', `machine ${id} is already on line ${seen.ids.get(id)}`, col.id));
    if (host) noteDuplicate(seen.hosts, host.toLowerCase(), row.line, () => problem('duplicate-host', `${who}host ${host} is already on line ${seen.hosts.get(host.toLowerCase())}`, hostCol));
    if (diags.length === before) rows.push({ idAt: at(col.id), hostAt: at(hostCol), machine: { id: id!, host: host!, os: os!, user: user!, role, line: row.line }, file: file! });
  }
  checkAgainstFiles(rows, input, diags);
  if (diags.length === 0) for (const { machine, file } of rows) push(bySite, file, machine);
  return { bySite, diagnostics: diags, skipped: csv.skipped };
}

/** An id already in another site's file, or a host used by a machine the import does not replace, is a conflict. */
function checkAgainstFiles(rows: Checked[], input: ImportInput, diags: Diagnostic[]): void {
  const imported = new Set(rows.map((r) => r.machine.id));
  const idHome = new Map<string, SiteFile>();
  const hostOwner = new Map<string, { id: string; file: SiteFile }>();
  for (const f of input.siteFiles) {
    for (const m of f.machines) {
      idHome.set(m.id, f);
      if (!imported.has(m.id)) hostOwner.set(m.host.toLowerCase(), { id: m.id, file: f });
    }
  }
  for (const { idAt, hostAt, machine, file } of rows) {
    const home = idHome.get(machine.id);
    if (home && home !== file) diags.push(createDiagnostic('duplicate-id', `machine ${machine.id} is already in ${home.file}${home.site ? ` (site ${home.site.id})` : ''}; move it there by hand or remove it first`, idAt));
    const owner = hostOwner.get(machine.host.toLowerCase());
    if (owner) diags.push(createDiagnostic('duplicate-host', `machine ${machine.id}: host ${machine.host} already belongs to ${owner.id} in ${owner.file.file}`, hostAt));
  }
}

function memoSiteMatch(files: SiteFile[]): (location: string) => SiteFile | null {
  const memo = new Map<string, SiteFile | null>();
  return (location) => {
    if (!memo.has(location)) memo.set(location, matchSite(location, files));
    return memo.get(location)!;
  };
}

function siteNames(files: SiteFile[]): string {
  const ids = files.flatMap((f) => (f.site ? [f.site.id] : []));
  return ids.length > 0 ? ids.join(', ') : 'none yet';
}

function noteDuplicate(seen: Map<string, number>, key: string, line: number, report: () => void): void {
  if (seen.has(key)) report();
  else seen.set(key, line);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
