import { formatCachedFiles, sourceFileName, sourceKind, sourceLocation, WINDOWS_PACKAGE_CACHE, type CachedFile } from '../model/package-cache.js';
import type { BundlePackage, InstallerFile } from '../model/project.js';
import { secretVarName } from '../render/prelude.js';

/** A Windows Installer package of a bundle step: detected by product code and version, installed by msiexec. */
export interface PlannedMsi {
  name: string;
  version: string;
  productCode: string; // upper case, in braces
  path: string; // as the PC sees it: the bare path, or the file in the package cache
  arguments: string; // msiexec's whole argument line
  cached?: CachedFile; // fetched into the cache and verified before anything runs
}

/** An EXE installer of a bundle step and the rule that tells it is installed. */
export interface PlannedExe {
  name: string;
  version: string;
  path: string;
  arguments: string;
  uninstall?: string; // the bundle's uninstall command line, where it gives one
  cached?: CachedFile;
  detect: { kind: 'file'; path: string; version: string } | { kind: 'uninstall-key'; key: string; version: string } | { kind: 'display-name'; pattern: string; version: string };
}

/**
 * One value on msiexec's command line. msiexec reads "..." as one value and "" inside it as a literal quote;
 * a value without blanks or quotes goes as it is.
 */
export function msiQuote(value: string): string {
  if (value !== '' && !/[\s"]/.test(value)) return value;
  return `"${value.replace(/"/g, '""')}"`;
}

/** `/i "<path>" /qn /norestart NAME=value ...`: properties in name order, so the plan does not depend on YAML key order. */
export function msiexecArguments(path: string, properties: Record<string, string | number | boolean> = {}): string {
  const props = Object.keys(properties)
    .sort()
    .map((name) => `${name}=${msiQuote(String(properties[name]))}`);
  return [`/i "${path}"`, '/qn', '/norestart', ...props].join(' ');
}

/**
 * Where the PC runs an installer from: its bare path, or for a source the file in the package cache
 * (C:\ProgramData\homeshift\cache\<sha256>\<name>) that the step fetches and verifies first.
 */
function installerFile(pkg: BundlePackage, file: InstallerFile, fallback: string): { path: string; cached?: CachedFile } {
  if (!file.source || !file.sha256) return { path: file.path ?? '' };
  const sha256 = file.sha256.toLowerCase();
  const cachePath = `${WINDOWS_PACKAGE_CACHE}/${sha256}/${sourceFileName(file.source, fallback)}`;
  const credential = 'credential' in file.source ? secretVarName(file.source.credential) : '';
  return {
    path: `C:\\${cachePath.replace(/\//g, '\\')}`,
    cached: { sha256, kind: sourceKind(file.source), location: sourceLocation(file.source), credentialVar: credential, cachePath, name: `${pkg.name} ${pkg.version}` },
  };
}

export function planMsi(pkg: BundlePackage): PlannedMsi | null {
  const msi = pkg.windows?.msi;
  if (!msi) return null;
  const { path, cached } = installerFile(pkg, msi, 'package.msi');
  return { name: pkg.name, version: pkg.version, productCode: msi.productCode.toUpperCase(), path, arguments: msiexecArguments(path, msi.properties), ...(cached ? { cached } : {}) };
}

/** The secrets (unc credentials) a bundle's installers need at run time. */
export function installerSecrets(pkgs: BundlePackage[]): string[] {
  const names = new Set<string>();
  for (const pkg of pkgs) {
    for (const file of [pkg.windows?.msi, pkg.windows?.exe]) if (file?.source && 'credential' in file.source) names.add(file.source.credential);
  }
  return [...names].sort();
}

export function planExe(pkg: BundlePackage): PlannedExe | null {
  const exe = pkg.windows?.exe;
  if (!exe) return null;
  const { file, uninstallKey } = exe.detect;
  const detect: PlannedExe['detect'] = file
    ? { kind: 'file', path: file.path, version: file.version ?? pkg.version }
    : uninstallKey?.key !== undefined
      ? { kind: 'uninstall-key', key: uninstallKey.key, version: uninstallKey.version ?? pkg.version }
      : { kind: 'display-name', pattern: uninstallKey?.displayName ?? '', version: uninstallKey?.version ?? pkg.version };
  const { path, cached } = installerFile(pkg, exe, 'setup.exe');
  return { name: pkg.name, version: pkg.version, path, arguments: exe.arguments ?? '', ...(exe.uninstall ? { uninstall: exe.uninstall } : {}), detect, ...(cached ? { cached } : {}) };
}

/**
 * The bundle step's vars for its MSI and EXE packages: one package a line, fields separated by tabs (validation keeps
 * tabs and line breaks out of every field). Empty when the bundle has none, so winget-only bundles plan as before.
 */
export function installerVars(msi: PlannedMsi[], exe: PlannedExe[]): Record<string, string> {
  const vars: Record<string, string> = {};
  if (msi.length) vars.HS_MSI_PACKAGES = msi.map((m) => [m.productCode, m.version, m.name, m.path, m.arguments].join('\t')).join('\n');
  if (exe.length) {
    vars.HS_EXE_PACKAGES = exe
      .map((e) => [
        e.name, e.version, e.path, e.arguments, e.detect.kind, e.detect.kind === 'file' ? e.detect.path : e.detect.kind === 'uninstall-key' ? e.detect.key : e.detect.pattern, e.detect.version,
        ...(e.uninstall ? [e.uninstall] : []), // an eighth field only where the bundle gives one: other plans keep their bytes
      ].join('\t'))
      .join('\n');
  }
  const cached = [...msi, ...exe].flatMap((p) => (p.cached ? [p.cached] : []));
  if (cached.length) vars.HS_SOURCES = formatCachedFiles(cached);
  return vars;
}
