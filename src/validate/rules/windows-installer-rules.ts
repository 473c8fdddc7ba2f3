import type { Bundle, BundlePackage, Diagnostic, Project } from '../../model/index.js';
import { fieldAt, reporter, type Rule } from '../rule.js';

// Versions the PC compares as [version] (Intune's "greater than or equal to"): up to four dotted numbers.
const COMPARABLE_VERSION = /^[0-9]+(\.[0-9]+){0,3}$/;
// The bundle step's vars carry one package a line with tab-separated fields: no control characters in a field.
const CONTROL = /[\u0000-\u001f\u007f]/;

function eachWindowsPackage(project: Project, visit: (bundle: Bundle, pkg: BundlePackage, at: string) => void): void {
  for (const bundle of project.bundles.values()) bundle.packages.forEach((pkg, i) => pkg.windows && visit(bundle, pkg, `packages.${i}.windows`));
}

export const bundleWindowsInstall: Rule = {
  id: 'bundle-windows-install', severity: 'error', description: 'a package\'s windows entry names exactly one way to install: wingetId, msi or exe',
  check(project: Project): Diagnostic[] {
    const report = reporter(this);
    const out: Diagnostic[] = [];
    eachWindowsPackage(project, (bundle, pkg, at) => {
      const ways = (['wingetId', 'msi', 'exe'] as const).filter((k) => pkg.windows?.[k] !== undefined);
      if (ways.length === 1) return;
      const what = ways.length === 0 ? 'names no way to install' : `names ${ways.join(' and ')}`;
      out.push(report(`bundle ${bundle.name}: package ${pkg.name}: windows ${what}; give exactly one of wingetId, msi, exe`, fieldAt(bundle, at)));
    });
    return out;
  },
};

export const installerVersion: Rule = {
  id: 'installer-version', severity: 'error', description: 'MSI and EXE packages have versions a PC can compare (dotted numbers)',
  check(project: Project): Diagnostic[] {
    const report = reporter(this);
    const out: Diagnostic[] = [];
    eachWindowsPackage(project, (bundle, pkg, at) => {
      const { msi, exe } = pkg.windows ?? {};
      if (!msi && !exe) return;
      const own = exe?.detect.file?.version ?? exe?.detect.uninstallKey?.version;
      if (own !== undefined || COMPARABLE_VERSION.test(pkg.version)) return;
      const how = msi ? 'the uninstall key\'s DisplayVersion' : 'the detected version';
      out.push(report(`bundle ${bundle.name}: package ${pkg.name}: version "${pkg.version}" is compared with ${how}, so it must be dotted numbers such as 1.2.3`, fieldAt(bundle, at.replace(/\.windows$/, '.version'), at)));
    });
    return out;
  },
};

export const exeDetectRule: Rule = {
  id: 'exe-detect-rule', severity: 'error', description: 'an EXE package is detected by exactly one rule: a file version, or an uninstall key by key or display name',
  check(project: Project): Diagnostic[] {
    const report = reporter(this);
    const out: Diagnostic[] = [];
    eachWindowsPackage(project, (bundle, pkg, at) => {
      const detect = pkg.windows?.exe?.detect;
      if (!detect) return;
      const rules = (['file', 'uninstallKey'] as const).filter((k) => detect[k] !== undefined);
      const where = fieldAt(bundle, `${at}.exe.detect`, `${at}.exe`);
      if (rules.length !== 1) {
        out.push(report(`bundle ${bundle.name}: package ${pkg.name}: exe.detect needs exactly one of file (path and version) or uninstallKey (key or displayName)`, where));
        return;
      }
      const key = detect.uninstallKey;
      if (key && (key.key === undefined) === (key.displayName === undefined)) {
        out.push(report(`bundle ${bundle.name}: package ${pkg.name}: exe.detect.uninstallKey needs exactly one of key or displayName`, fieldAt(bundle, `${at}.exe.detect.uninstallKey`, `${at}.exe.detect`)));
      }
    });
    return out;
  },
};

export const installerText: Rule = {
  id: 'installer-text', severity: 'error', description: 'MSI properties and EXE arguments are one line of text (no tabs, line breaks or control characters)',
  check(project: Project): Diagnostic[] {
    const report = reporter(this);
    const out: Diagnostic[] = [];
    eachWindowsPackage(project, (bundle, pkg, at) => {
      const { msi, exe } = pkg.windows ?? {};
      const fields: [string, string][] = [];
      for (const [name, value] of Object.entries(msi?.properties ?? {})) fields.push([`${at}.msi.properties.${name}`, String(value)]);
      if (exe?.arguments !== undefined) fields.push([`${at}.exe.arguments`, exe.arguments]);
      if (exe?.detect.uninstallKey?.displayName !== undefined) fields.push([`${at}.exe.detect.uninstallKey.displayName`, exe.detect.uninstallKey.displayName]);
      fields.push([at.replace(/\.windows$/, '.name'), pkg.name]);
      for (const [path, value] of fields) {
        if (!CONTROL.test(value)) continue;
        const field = path.slice(path.lastIndexOf('.') + 1);
        out.push(report(`bundle ${bundle.name}: package ${pkg.name}: ${field} holds a tab, line break or control character; msiexec and installers take one line`, fieldAt(bundle, path, at)));
      }
    });
    return out;
  },
};
