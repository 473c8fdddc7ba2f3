import type { PackageSource } from './project.js';

/**
 * The package cache of a PC: every installer file from a source lands in <cache>/<sha256>/<file name>, so a file that is
 * there with the right hash is used again and never fetched twice. Relative to the PC's root (C:\ or /).
 */
export const WINDOWS_PACKAGE_CACHE = 'ProgramData/homeshift/cache';
export const LINUX_PACKAGE_CACHE = 'var/cache/homeshift';

export type SourceKind = 'url' | 'push' | 'unc';

/** One installer file a bundle step fetches into the cache before anything runs: one line of its HS_SOURCES var. */
export interface CachedFile {
  sha256: string; // lower case
  kind: SourceKind;
  location: string; // the url, the push file as written in the bundle, or the UNC path
  credentialVar: string; // the step's variable holding the unc credential ("user:password"), else empty
  cachePath: string; // relative to the PC's root, forward slashes
  name: string; // the package, for messages
}

export function sourceKind(source: PackageSource): SourceKind {
  return 'url' in source ? 'url' : 'push' in source ? 'push' : 'unc';
}

export function sourceLocation(source: PackageSource): string {
  return 'url' in source ? source.url : 'push' in source ? source.push : source.unc;
}

/** The file name of a source's file, safe on every file system; `fallback` when the location ends in none. */
export function sourceFileName(source: PackageSource, fallback: string): string {
  let last: string;
  if ('url' in source) {
    let path = source.url.replace(/[?#].*$/, '');
    try { path = new URL(source.url).pathname; } catch { /* the schema checked the form; keep the text */ }
    last = path.slice(path.lastIndexOf('/') + 1);
    try { last = decodeURIComponent(last); } catch { /* an undecodable escape stays as written */ }
  } else {
    const text = 'push' in source ? source.push : source.unc;
    last = text.slice(Math.max(text.lastIndexOf('/'), text.lastIndexOf('\\')) + 1);
  }
  const safe = last.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').replace(/^[. ]+|[. ]+$/g, '');
  return safe || fallback;
}

const FIELDS = 6;

export function formatCachedFiles(files: CachedFile[]): string {
  return files.map((f) => [f.sha256, f.kind, f.location, f.credentialVar, f.cachePath, f.name].join('\t')).join('\n');
}

/** The lines of a step's HS_SOURCES var; lines of another form are not files. */
export function parseCachedFiles(text: string | undefined): CachedFile[] {
  const out: CachedFile[] = [];
  for (const line of (text ?? '').split('\n')) {
    const f = line.split('\t');
    if (f.length !== FIELDS || !/^[0-9a-f]{64}$/.test(f[0]) || !['url', 'push', 'unc'].includes(f[1])) continue;
    out.push({ sha256: f[0], kind: f[1] as SourceKind, location: f[2], credentialVar: f[3], cachePath: f[4], name: f[5] });
  }
  return out;
}

/**
 * Where a cached file is on the PC in the form its SFTP server takes: the plan's root joined with the cache path. A
 * Windows drive root (C:\) becomes /C:/..., the form of Win32-OpenSSH's sftp-server (its REALPATH answers /C:/Users/...);
 * a POSIX root (Linux, the lab's PC folders) stays as it is.
 */
export function remoteCachePath(root: string, cachePath: string): string {
  const drive = /^([A-Za-z]):(?:[\\/](.*))?$/.exec(root);
  const base = drive ? `/${drive[1].toUpperCase()}:/${(drive[2] ?? '').replace(/\\/g, '/')}` : root;
  return `${base.replace(/\/+$/, '')}/${cachePath.replace(/^\/+/, '')}`;
}
