import path from 'node:path';
import { Command, Option } from 'commander';
import { stringify } from 'yaml';
import { loadProject } from '../config/index.js';
import {
  decodeExport, delimiterName, describeEncoding, importDirectory, parseDirectoryColumnMap, parseEncoding, parseValueMap,
  type DirectoryImportResult, type ValueMap,
} from '../config/import/index.js';
import { formatDiagnostic, type Diagnostic, type Employee, type Project } from '../model/index.js';
import { validateProject } from '../validate/validate-project.js';
import { RULES } from '../validate/rules/index.js';
import { EXIT, inputError, setExit, usageError } from './exit.js';
import { readExport, writeAtomically } from './inventory.js';
import { createOutput, type Output } from './output.js';
import { globalOptions } from './project.js';

interface DirectoryImportOptions { map?: string[]; mapSite?: string[]; mapRole?: string[]; encoding?: string; out?: string; check?: boolean; dryRun?: boolean }

/** The validate rules about employees: the import's result must pass them before it replaces the directory. */
const EMPLOYEE_RULES = RULES.filter((r) => [
  'duplicate-employee-id', 'employee-id-pattern', 'duplicate-mailbox', 'malformed-mailbox', 'mailbox-domain-not-allowed', 'mixed-script',
  'unknown-employee-site', 'unknown-employee-role',
].includes(r.id));

const collect = (value: string, prev: string[] = []) => [...prev, value];

export function registerDirectory(program: Command): void {
  const directory = program.command('directory').description('work on the employee directory');
  directory
    .command('import')
    .description('HR or Excel export (CSV) -> the directory of the rollout repository')
    .argument('<file>', 'the export (header row; ; , or tab separated; UTF-8, UTF-8 with BOM or Windows-1252)')
    .option('--map <column=field>', 'which column fills which field: id, firstName, lastName, name, mailbox, site, role (repeatable)', collect)
    .option('--map-site <value=site>', 'read this Standort/site value as this site id, e.g. "Münster=muenster" (repeatable)', collect)
    .option('--map-role <value=profile>', 'read this Rolle/role value as this profile, e.g. "Teamleiter=team-lead" (repeatable)', collect)
    .option('--encoding <name>', 'read the export as utf-8, windows-1252, latin1 or utf-16le (default: detected)')
    .option('--out <file>', 'write here instead of the directory: file of homeshift.yaml (.csv or .yaml)')
    .option('--check', 'change nothing: print the summary and every finding, write nothing')
    .addOption(new Option('--dry-run', 'the same as --check').hideHelp())
    .addHelpText('after', `
Columns are recognised by German and English names (Personalnummer, Vorname, Nachname, Name,
E-Mail, Standort, Rolle; id, first name, last name, e-mail, site, role); others are ignored.
A site value is a site id, a site's name or the last words of it, or mapped; a role value is a
profile name (also written as words: "Hotline Agent"), or mapped. Maps can also live in
homeshift.yaml under import.directory (columns, sites, roles, encoding); the command line wins.
Blank and separator-only rows (;;;;) are skipped and counted. The export replaces the whole
directory, and only when every row is right: any error, all are printed, nothing is written (exit 2).

Examples:
  $ homeshift directory import personal.csv --check
  $ homeshift directory import personal.csv --map-site "Münster=muenster" --map-role "Teamleiter=team-lead"`)
    .action(async (file: string, opts: DirectoryImportOptions, cmd: Command) => {
      const out = createOutput(globalOptions(cmd));
      const loaded = await loadProject({ projectDir: globalOptions(cmd).project });
      const project = loaded.project;
      if (!project) {
        out.err(loaded.diagnostics.map(formatDiagnostic).join('\n'));
        throw inputError('homeshift.yaml could not be loaded; nothing was imported');
      }
      const settings = mappings(project, opts);
      const diags: Diagnostic[] = [];
      const decoded = decodeExport(readExport(file), file, settings.encoding, diags);
      if (!decoded) return fail(out, diags);
      const result = importDirectory({
        file, text: decoded.text, columns: settings.columns, siteMap: settings.sites, roleMap: settings.roles,
        sites: [...project.sites.values()].map((s) => ({ id: s.id, name: s.name })), profiles: [...project.profiles.keys()].sort(),
      });
      const findings = [...result.diagnostics, ...(result.diagnostics.length === 0 ? validateProject(withEmployees(project, result.employees), EMPLOYEE_RULES) : [])];
      const target = path.resolve(process.cwd(), opts.out ?? path.join(project.root, project.config.directory));
      const shown = path.relative(process.cwd(), target).split(path.sep).join('/') || target;
      out.out(summary(file, describeEncoding(decoded), result, project, shown));
      if (findings.some((d) => d.severity === 'error')) return fail(out, findings);
      if (findings.length > 0) out.err(findings.map(formatDiagnostic).join('\n'));
      if (opts.check === true || opts.dryRun === true) out.out(`would write ${shown}: ${result.employees.length} employee(s) (--check: nothing written)`);
      else {
        writeAtomically(target, /\.ya?ml$/i.test(target) ? directoryYaml(result.employees) : directoryCsv(result.employees));
        out.out(`wrote ${shown}: ${result.employees.length} employee(s)`);
      }
      setExit(EXIT.ok);
    });
}

/** homeshift.yaml's import.directory, then the command line's maps on top. */
function mappings(project: Project, opts: DirectoryImportOptions): { columns: ReturnType<typeof parseDirectoryColumnMap>; sites: ValueMap; roles: ValueMap; encoding: ReturnType<typeof parseEncoding> | undefined } {
  const fromYaml = project.config.import?.directory ?? {};
  const pairs = (specs: string[] | undefined, flag: string): [string, string][] => (specs ?? []).map((spec) => {
    const eq = spec.lastIndexOf('=');
    if (eq <= 0) throw usageError(`${flag} ${spec}: expected LEFT=RIGHT, e.g. ${flag} "Münster=muenster"`);
    return [spec.slice(0, eq).trim(), spec.slice(eq + 1).trim()];
  });
  try {
    const columns = parseDirectoryColumnMap([...Object.entries(fromYaml.columns ?? {}), ...pairs(opts.map, '--map')], '--map');
    const sites = parseValueMap([...Object.entries(fromYaml.sites ?? {}), ...pairs(opts.mapSite, '--map-site')], '--map-site');
    const roles = parseValueMap([...Object.entries(fromYaml.roles ?? {}), ...pairs(opts.mapRole, '--map-role')], '--map-role');
    const unknownSite = [...sites.values()].find((s) => !project.sites.has(s));
    if (unknownSite !== undefined) throw new RangeError(`site map: ${unknownSite} is not a site of the inventory (sites: ${[...project.sites.keys()].join(', ')})`);
    const unknownRole = [...roles.values()].find((r) => !project.profiles.has(r));
    if (unknownRole !== undefined) throw new RangeError(`role map: ${unknownRole} is not a profile (profiles: ${[...project.profiles.keys()].sort().join(', ')})`);
    const encodingName = opts.encoding ?? fromYaml.encoding;
    return { columns, sites, roles, encoding: encodingName === undefined ? undefined : parseEncoding(encodingName) };
  } catch (err) {
    throw usageError((err as Error).message);
  }
}

function withEmployees(project: Project, employees: Employee[]): Project {
  const byId = new Map<string, Employee>();
  for (const e of employees) if (!byId.has(e.id)) byId.set(e.id, e);
  return { ...project, employees: byId, employeeList: employees, rejected: undefined };
}

/** What the import read and what it would write: shown before anything is written. */
function summary(file: string, encoding: string, result: DirectoryImportResult, project: Project, target: string): string {
  const table = result.table;
  if (!table) return `${file}: ${encoding}`;
  const lines = [`${file}: ${encoding}, separated by ${delimiterName(table.delimiter)}, ${table.rows.length} row(s), ${table.skipped} blank or separator-only row(s) skipped`];
  const count = (key: (e: Employee) => string | undefined) => {
    const n = new Map<string, number>();
    for (const e of result.employees) n.set(key(e) ?? '(none)', (n.get(key(e) ?? '(none)') ?? 0) + 1);
    return [...n].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k} ${v}`).join(', ');
  };
  if (result.translated.length > 0) lines.push(`  mapped: ${result.translated.map((t) => `${t.column} '${t.from}' -> ${t.to}`).join(', ')}`);
  if (result.employees.length > 0) {
    lines.push(`  sites: ${count((e) => e.site)}`, `  roles: ${count((e) => e.role)}`);
    lines.push(`  ${target}: ${result.employees.length} employee(s) replace ${project.employeeList.length}`);
  }
  return lines.join('\n');
}

function fail(out: Output, diags: Diagnostic[]): void {
  out.err(diags.map(formatDiagnostic).join('\n'));
  const errors = diags.filter((d) => d.severity === 'error').length;
  out.err(`${errors} error(s); nothing was written`);
  setExit(EXIT.invalid);
}

const DIRECTORY_HEADER = ['id', 'firstName', 'lastName', 'mailbox', 'site', 'role'] as const;

/** The directory CSV the loader reads: UTF-8, `,`, the English header; cells quoted where they must be. */
export function directoryCsv(employees: Employee[]): string {
  const quote = (cell: string) => (/[",\r\n]/.test(cell) || cell.startsWith('#') ? `"${cell.replace(/"/g, '""')}"` : cell);
  const rows = employees.map((e) => DIRECTORY_HEADER.map((k) => quote(e[k] ?? '')).join(','));
  return `${[DIRECTORY_HEADER.join(','), ...rows].join('\n')}\n`;
}

function directoryYaml(employees: Employee[]): string {
  const plain = employees.map((e) => ({ id: e.id, firstName: e.firstName, lastName: e.lastName, mailbox: e.mailbox, site: e.site, ...(e.role ? { role: e.role } : {}) }));
  return stringify({ employees: plain });
}
