import fs from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { parse } from 'yaml';
import { findProjectRoot, PROJECT_FILE } from '../config/index.js';
import { decodeExport, describeEncoding, importAssets, mergeSiteFile, parseColumnMap, parseEncoding, readSiteFiles, type SiteFile } from '../config/import/index.js';
import { formatDiagnostic, type Diagnostic } from '../model/index.js';
import { EXIT, inputError, setExit, usageError } from './exit.js';
import { createOutput } from './output.js';
import { globalOptions } from './project.js';

interface ImportOptions { map?: string[]; site?: string; out?: string; check?: boolean; dryRun?: boolean; encoding?: string }

const collect = (value: string, prev: string[] = []) => [...prev, value];

export function registerInventory(program: Command): void {
  const inventory = program.command('inventory').description('work on the inventory files');
  inventory
    .command('import')
    .description('asset-management export (CSV) -> inventory YAML, merged into one file per site')
    .argument('<file>', 'the CSV export (header row; , ; or tab separated)')
    .option('--map <column=field>', 'which column fills which field: id, host, ip, os, site, user, role (repeatable)', collect)
    .option('--site <site>', 'put every PC into this site instead of reading a Location column')
    .option('--encoding <name>', 'read the export as utf-8, windows-1252, latin1 or utf-16le (default: detected)')
    .option('--out <dir>', 'folder of the site files (default: the inventory/ folder of the rollout repository)')
    .option('--check', 'change nothing: print the merged files instead of writing them')
    .addOption(new Option('--dry-run', 'the same as --check').hideHelp())
    .addHelpText('after', `
Columns are recognised by common names (Asset Tag, Hostname, IP, Operating System, Location,
Assigned To, Role); others are ignored. The site of a row is matched against the site blocks of
the existing inventory files (by id or name). Machines with an id already in the site's file are
replaced in place, new ones appended; the site block and other machines stay. Any error in any row:
all are printed, nothing is written (exit 2).

Examples:
  $ homeshift inventory import assets.csv
  $ homeshift inventory import export.csv --map "Asset Tag=id" --map "DNS Name=host" --site bruehl --check`)
    .action(async (csvArg: string, opts: ImportOptions, cmd: Command) => {
      const check = opts.check === true || opts.dryRun === true;
      const g = globalOptions(cmd);
      const out = createOutput(g);
      let map;
      let encoding;
      try {
        map = parseColumnMap(opts.map ?? []);
        encoding = opts.encoding === undefined ? undefined : parseEncoding(opts.encoding);
      } catch (err) {
        throw usageError((err as Error).message);
      }
      const cwd = process.cwd();
      const dir = opts.out ? path.resolve(cwd, opts.out) : findInventoryDir(cwd, g.project);
      const display = (abs: string) => path.relative(cwd, abs).split(path.sep).join('/') || abs;
      const diags: Diagnostic[] = [];
      const siteFiles = readSiteFiles(dir, display, diags);
      if (diags.length > 0) return fail(out, diags, 'nothing was imported');
      if (!siteFiles.some((f) => f.site)) throw inputError(`no inventory file with a site: block in ${display(dir)}/; create the sites first (homeshift init) and import into them`);
      const site = opts.site === undefined ? undefined : pickSite(opts.site, siteFiles);
      const decoded = decodeExport(readExport(csvArg), csvArg, encoding, diags);
      if (!decoded) return fail(out, diags, `nothing was imported`);
      const result = importAssets({ file: csvArg, text: decoded.text, map, site, siteFiles });
      if (result.diagnostics.length > 0) return fail(out, result.diagnostics, `${result.diagnostics.length} error(s) in ${csvArg}; nothing was written`);
      let total = 0;
      for (const [file, machines] of result.bySite) {
        const merged = mergeSiteFile(file.text, machines, file.machines.map((m) => m.id));
        total += machines.length;
        const summary = `${file.file}: ${merged.added} added, ${merged.replaced} replaced, ${merged.total} machines`;
        if (check) out.out(`# ${summary}\n${merged.text}`);
        else {
          writeAtomically(file.abs, merged.text);
          out.out(summary);
        }
      }
      const skipped = result.skipped > 0 ? `, ${result.skipped} blank row(s) skipped` : '';
      out.out(`${check ? 'would import' : 'imported'} ${total} machine(s) from ${csvArg} (${describeEncoding(decoded)}${skipped}) into ${result.bySite.size} site file(s)`);
      setExit(EXIT.ok);
    });
}

function fail(out: ReturnType<typeof createOutput>, diags: Diagnostic[], verdict: string): void {
  out.err(diags.map(formatDiagnostic).join('\n'));
  out.err(verdict);
  setExit(EXIT.invalid);
}

/** The inventory folder of the rollout repository: its homeshift.yaml's inventory: (first folder), else inventory/. */
function findInventoryDir(cwd: string, project: string | undefined): string {
  const root = project ? path.resolve(cwd, project) : findProjectRoot(cwd);
  if (!root || !fs.existsSync(path.join(root, PROJECT_FILE))) throw usageError(`no ${PROJECT_FILE} found (use -C DIR or --out DIR)`);
  let entry: unknown;
  try {
    entry = (parse(fs.readFileSync(path.join(root, PROJECT_FILE), 'utf8')) as { inventory?: unknown } | null)?.inventory;
  } catch {
    throw inputError(`${path.join(root, PROJECT_FILE)} does not parse (run homeshift validate), or use --out DIR`);
  }
  const first = Array.isArray(entry) ? entry[0] : entry;
  const rel = typeof first === 'string' && !/\.ya?ml$/i.test(first) ? first : 'inventory/';
  return path.resolve(root, rel);
}

function pickSite(id: string, files: SiteFile[]): SiteFile {
  const file = files.find((f) => f.site?.id === id);
  if (!file) throw usageError(`--site: no site ${id} (sites: ${files.flatMap((f) => (f.site ? [f.site.id] : [])).join(', ')})`);
  return file;
}

export function readExport(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw inputError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export function writeAtomically(abs: string, text: string): void {
  const tmp = `${abs}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, abs);
}
