import { formatCachedFiles, LINUX_PACKAGE_CACHE, sourceFileName, sourceKind, sourceLocation, type CachedFile } from '../model/package-cache.js';
import type { BundlePackage } from '../model/project.js';

/** A .deb package of a bundle step: detected by dpkg-query as package=version, installed by apt-get from the package cache. */
export interface PlannedDeb {
  name: string;
  version: string;
  spec: string; // package=version, as dpkg-query reports it once installed
  cached: CachedFile; // fetched into /var/cache/homeshift/<sha256>/ and verified before anything runs
}

export function planDeb(pkg: BundlePackage): PlannedDeb | null {
  const deb = pkg.linux?.deb;
  if (!deb?.source || !deb.sha256) return null;
  const sha256 = deb.sha256.toLowerCase();
  const file = sourceFileName(deb.source, 'package.deb');
  // apt-get takes an argument as a file to install only when it ends in .deb
  const cachePath = `${LINUX_PACKAGE_CACHE}/${sha256}/${file.endsWith('.deb') ? file : `${file}.deb`}`;
  return {
    name: pkg.name,
    version: pkg.version,
    spec: `${deb.package ?? pkg.name}=${deb.version ?? pkg.version}`,
    cached: { sha256, kind: sourceKind(deb.source), location: sourceLocation(deb.source), credentialVar: '', cachePath, name: `${pkg.name} ${pkg.version}` },
  };
}

/**
 * The bundle step's vars for its .deb packages: HS_DEB_PACKAGES one "package=version<TAB>cache path" a line, and the
 * files in HS_SOURCES as on Windows. Empty when the bundle has none, so apt-only bundles plan as before.
 */
export function debVars(debs: PlannedDeb[]): Record<string, string> {
  if (!debs.length) return {};
  return {
    HS_DEB_PACKAGES: debs.map((d) => `${d.spec}\t${d.cached.cachePath}`).join('\n'),
    HS_SOURCES: formatCachedFiles(debs.map((d) => d.cached)),
  };
}
