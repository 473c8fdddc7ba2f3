import path from 'node:path';
import type { Diagnostic, Employee, Project, ProjectConfig, Rejected, SourcePos } from '../model/index.js';
import { createDiagnostic, displayPath, startOf } from './diagnostics.js';
import { findProjectRoot, PROJECT_FILE } from './find-project.js';
import { listYamlFiles, statKind } from './list-files.js';
import { loadBundles } from './load-bundles.js';
import { loadDirectory } from './load-directory.js';
import { loadInventory } from './load-inventory.js';
import { loadProfiles } from './load-profiles.js';
import { loadTemplates } from './load-templates.js';
import { findPackageRoot } from './package-root.js';
import { checkDisturbSites } from './disturb-config.js';
import { buildProjectConfig, checkJournalConfig, type ConfigOrigins } from './project-config.js';
import { checkRouting, checkRoutingSites } from './routing-config.js';
import { loadYamlFile } from './yaml-file.js';
import { collectFieldPositions } from './yaml-source.js';

export interface LoadOptions {
  cwd?: string;
  projectDir?: string; // folder holding homeshift.yaml (--project); otherwise found by walking up from cwd
  shippedDir?: string; // package root with the shipped profiles/ and templates/
}

export interface LoadResult {
  project: Project | null; // null when homeshift.yaml itself could not be loaded
  diagnostics: Diagnostic[]; // load findings; parts with errors are left out of the project
}

/** homeshift.yaml alone, with its defaults: enough for commands that read only the journal. */
export interface ConfigResult {
  root: string;
  configFile: string;
  config: ProjectConfig;
  diagnostics: Diagnostic[];
}

interface LoadedConfig extends ConfigResult {
  origins: ConfigOrigins;
  locate: (...keys: string[]) => SourcePos;
}

function loadConfig(opts: LoadOptions, diags: Diagnostic[]): LoadedConfig | null {
  const cwd = opts.cwd ?? process.cwd();
  const root = opts.projectDir ? path.resolve(cwd, opts.projectDir) : findProjectRoot(cwd);
  if (!root) {
    diags.push(createDiagnostic('missing-file', `no ${PROJECT_FILE} in ${cwd} or any folder above it (use --project DIR)`));
    return null;
  }
  const configFile = path.join(root, PROJECT_FILE);
  if (statKind(configFile) !== 'file') {
    diags.push(createDiagnostic('missing-file', `no ${PROJECT_FILE} in ${root}`));
    return null;
  }
  const loaded = loadYamlFile(configFile, PROJECT_FILE, 'homeshift', diags);
  if (!loaded || loaded.check.diagnostics.length > 0) return null;
  const src = loaded.source();
  const { config, origins, diagnostics: configDiags } = buildProjectConfig(src, root);
  diags.push(...configDiags);
  const at = collectFieldPositions(src, src.doc.contents, 2);
  const locate = (...keys: string[]): SourcePos => keys.map((k) => at[k]).find(Boolean) ?? startOf(PROJECT_FILE);
  diags.push(...checkJournalConfig(src, config, (key) => locate(key)));
  if (config.routing) diags.push(...checkRouting(src, config.routing));
  try {
    new RegExp(config.employeeIdPattern ?? '', 'u');
  } catch (err) {
    diags.push(createDiagnostic('schema', `employeeIdPattern is not a regular expression: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`, locate('employeeIdPattern')));
  }
  return { root, configFile, config, origins, locate, diagnostics: diags };
}

/** Loads homeshift.yaml only (no inventory, directory or profiles). Never throws for bad input. */
export async function loadProjectConfig(opts: LoadOptions = {}): Promise<ConfigResult | { root: null; diagnostics: Diagnostic[] }> {
  const diags: Diagnostic[] = [];
  const loaded = loadConfig(opts, diags);
  if (!loaded) return { root: null, diagnostics: diags };
  return { root: loaded.root, configFile: loaded.configFile, config: loaded.config, diagnostics: diags };
}

/** Loads a rollout repository with positions for every message. Never throws for bad input. */
export async function loadProject(opts: LoadOptions = {}): Promise<LoadResult> {
  const diags: Diagnostic[] = [];
  const loadedConfig = loadConfig(opts, diags);
  if (!loadedConfig) return { project: null, diagnostics: diags };
  const { root, configFile, config, origins, locate } = loadedConfig;
  const shipped = path.resolve(opts.shippedDir ?? findPackageRoot());

  const inventoryFiles = expandInventory(root, config.inventory, locate, diags);
  const rejected: Rejected = { employees: new Set(), sites: new Set(), profiles: new Set(), bundles: new Set() };
  const inventory = loadInventory(inventoryFiles, diags, rejected);
  if (config.routing) diags.push(...checkRoutingSites(config.routing, new Set(inventory.sites.keys()), rejected.sites));
  diags.push(...checkDisturbSites(config.disturb, new Set(inventory.sites.keys()), rejected.sites));
  const employeeList = loadEmployees(root, config.directory, origins, locate, diags, rejected);
  const folders = (key: 'profiles' | 'bundles' | 'templates', shippedFolder: string) =>
    searchFolders(root, config[key], key, origins, locate, path.join(shipped, shippedFolder), diags);
  const project: Project = {
    root,
    configFile,
    config,
    sites: inventory.sites,
    machines: inventory.machines,
    employees: indexEmployees(employeeList),
    employeeList,
    profiles: loadProfiles(root, folders('profiles', 'profiles'), diags, rejected),
    bundles: loadBundles(root, folders('bundles', path.join('profiles', 'bundles')), diags, rejected),
    templates: loadTemplates(root, folders('templates', 'templates'), diags),
    rejected,
  };
  return { project, diagnostics: diags };
}

function expandInventory(root: string, entries: string[], locate: (...k: string[]) => SourcePos, diags: Diagnostic[]): { abs: string; file: string }[] {
  const out: { abs: string; file: string }[] = [];
  entries.forEach((entry, i) => {
    const abs = path.resolve(root, entry);
    const kind = statKind(abs);
    const files = kind === 'dir' ? listYamlFiles(abs) : kind === 'file' ? [abs] : null;
    if (!files) diags.push(createDiagnostic('missing-file', `inventory ${entry} does not exist`, locate(`inventory.${i}`, 'inventory')));
    else for (const f of files) out.push({ abs: f, file: displayPath(root, f) });
  });
  return out;
}

function loadEmployees(root: string, directory: string, origins: ConfigOrigins, locate: (...k: string[]) => SourcePos, diags: Diagnostic[], rejected: Rejected): Employee[] {
  const abs = path.resolve(root, directory);
  if (statKind(abs) !== 'file') {
    const hint = origins.explicit.has('directory') ? '' : ' (name the employee directory with directory: in homeshift.yaml)';
    diags.push(createDiagnostic('missing-file', `directory ${directory} does not exist${hint}`, locate('directory')));
    rejected.employees = 'all';
    return [];
  }
  return loadDirectory(abs, displayPath(root, abs), diags, rejected);
}

function searchFolders(root: string, entries: string[], key: 'profiles' | 'bundles' | 'templates', origins: ConfigOrigins, locate: (...k: string[]) => SourcePos, shipped: string, diags: Diagnostic[]): string[] {
  const dirs: string[] = [];
  entries.forEach((entry, i) => {
    const abs = path.resolve(root, entry);
    if (statKind(abs) === 'dir') dirs.push(abs);
    else if (origins.explicit.has(key)) diags.push(createDiagnostic('missing-file', `${key} folder ${entry} does not exist`, locate(`${key}.${i}`, key)));
  });
  if (statKind(shipped) === 'dir' && !dirs.includes(shipped)) dirs.push(shipped);
  return dirs;
}

function indexEmployees(list: Employee[]): Map<string, Employee> {
  const map = new Map<string, Employee>();
  for (const e of list) if (!map.has(e.id)) map.set(e.id, e);
  return map;
}
