import type { BundlePackage } from '../model/project.js';

/** A Windows Installer package of a bundle step: detected by product code and version, installed by msiexec. */
export interface PlannedMsi {
  name: string;
  version: string;
  productCode: string; // upper case, in braces
  path: string;
  arguments: string; // msiexec's whole argument line
}

/** An EXE installer of a bundle step and the rule that tells it is installed. */
export interface PlannedExe {
  name: string;
  version: string;
  path: string;
  arguments: string;
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

export function planMsi(pkg: BundlePackage): PlannedMsi | null {
  const msi = pkg.windows?.msi;
  if (!msi) return null;
  return { name: pkg.name, version: pkg.version, productCode: msi.productCode.toUpperCase(), path: msi.path, arguments: msiexecArguments(msi.path, msi.properties) };
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
  return { name: pkg.name, version: pkg.version, path: exe.path, arguments: exe.arguments ?? '', detect };
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
      .map((e) => [e.name, e.version, e.path, e.arguments, e.detect.kind, e.detect.kind === 'file' ? e.detect.path : e.detect.kind === 'uninstall-key' ? e.detect.key : e.detect.pattern, e.detect.version].join('\t'))
      .join('\n');
  }
  return vars;
}
