import type { Bundle, BundlePackage, Diagnostic, InstallerFile, Project } from '../../model/index.js';
import { fieldAt, reporter, type Rule } from '../rule.js';

const LOOPBACK_URL = /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?\//i;

/** The installer file of each package that names one (Windows MSI and EXE, Linux .deb), with the field path of its entry. */
function eachInstallerFile(project: Project, visit: (bundle: Bundle, pkg: BundlePackage, file: InstallerFile, at: string) => void): void {
  for (const bundle of project.bundles.values()) {
    bundle.packages.forEach((pkg, i) => {
      for (const kind of ['msi', 'exe'] as const) {
        const file = pkg.windows?.[kind];
        if (file) visit(bundle, pkg, file, `packages.${i}.windows.${kind}`);
      }
      if (pkg.linux?.deb) visit(bundle, pkg, pkg.linux.deb, `packages.${i}.linux.deb`);
    });
  }
}

/** Why a source entry is not one complete way to get the file, or null. */
function sourceProblem(file: InstallerFile, secrets: Record<string, unknown>, linux: boolean): string | null {
  if (linux && file.source === undefined) return 'names no .deb file; give source (url or push) and sha256';
  if ((file.path === undefined) === (file.source === undefined)) {
    return file.path === undefined ? 'names no installer file; give source (url, push or unc with credential) and sha256' : 'names both path and source; give one';
  }
  const source = file.source as Record<string, string> | undefined;
  if (!source) return file.sha256 === undefined ? null : 'sha256 goes with a source: a bare path is run as it is';
  const kinds = linux ? (['url', 'push'] as const) : (['url', 'push', 'unc'] as const);
  const ways = kinds.filter((k) => source[k] !== undefined);
  if (ways.length !== 1) return `source ${ways.length ? `names ${ways.join(' and ')}` : 'names no way'}; give exactly one of ${kinds.join(', ')}`;
  if (ways[0] === 'unc' && source.credential === undefined) return 'source unc needs credential: a secret holding user:password for the share (an SSH key login carries no network credentials)';
  if (ways[0] !== 'unc' && source.credential !== undefined) return `source ${ways[0]} takes no credential (only unc does)`;
  if (source.credential !== undefined && !(source.credential in secrets)) return `source credential ${source.credential} is not a secret under secrets: in homeshift.yaml`;
  if (file.sha256 === undefined) return 'source needs sha256, the file\'s SHA-256 (homeshift bundle hash fills it in): the PC verifies it before anything runs';
  return null;
}

export const installerSource: Rule = {
  id: 'installer-source', severity: 'error', description: 'an MSI, EXE or deb package names its file once: a source (url, push, unc with credential) with its sha256, or a path',
  check(project: Project): Diagnostic[] {
    const report = reporter(this);
    const out: Diagnostic[] = [];
    eachInstallerFile(project, (bundle, pkg, file, at) => {
      const problem = sourceProblem(file, project.config.secrets ?? {}, at.includes('.linux.'));
      if (problem) out.push(report(`bundle ${bundle.name}: package ${pkg.name}: ${problem}`, fieldAt(bundle, `${at}.source`, at)));
    });
    return out;
  },
};

/** The finding for a bare share path: why it fails over SSH key logins, and what to write instead. */
export function secondHopMessage(bundle: string, pkg: string, path: string): string {
  return (
    `bundle ${bundle}: package ${pkg}: path ${path} is on a share, but a PC reached by an SSH key has no network credentials ` +
    'in its session (the second hop), so it cannot read the share and the install fails with access denied; ' +
    'use source: { url: ... } (a distribution point), { push: ... } (sent over SSH) or { unc: ..., credential: SECRET }, with sha256'
  );
}

export const installerSecondHop: Rule = {
  id: 'installer-second-hop', severity: 'warning', description: 'a bare UNC path fails over SSH key logins (no network credentials: the second hop)',
  check(project: Project): Diagnostic[] {
    const report = reporter(this);
    const out: Diagnostic[] = [];
    eachInstallerFile(project, (bundle, pkg, file, at) => {
      if (file.path?.startsWith('\\\\') && file.source === undefined) out.push(report(secondHopMessage(bundle.name, pkg.name, file.path), fieldAt(bundle, `${at}.path`, at)));
    });
    return out;
  },
};

export const installerPlainHttp: Rule = {
  id: 'installer-plain-http', severity: 'warning', description: 'a url source is https, except on the control machine\'s own loopback (the lab)',
  check(project: Project): Diagnostic[] {
    const report = reporter(this);
    const out: Diagnostic[] = [];
    eachInstallerFile(project, (bundle, pkg, file, at) => {
      const url = (file.source as { url?: string } | undefined)?.url;
      if (url === undefined || !/^http:/i.test(url) || LOOPBACK_URL.test(url)) return;
      out.push(report(`bundle ${bundle.name}: package ${pkg.name}: ${url} is plain http: anyone on the way can read or swap the file (the sha256 still refuses a swapped one); use https`, fieldAt(bundle, `${at}.source.url`, `${at}.source`, at)));
    });
    return out;
  },
};
