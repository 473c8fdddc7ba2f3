import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { Command } from 'commander';
import { parseDocument } from 'yaml';
import { loadProject } from '../config/index.js';
import type { Bundle, InstallerFile, PackageSource, Project, SourcePos } from '../model/index.js';
import { formatDiagnosticsText } from '../validate/format.js';
import { EXIT, inputError, setExit } from './exit.js';
import { addFormatOptions } from './format-option.js';
import { createOutput } from './output.js';
import { globalOptions } from './project.js';

/** One installer file of the repository's bundles and what hashing it found. */
interface Hashed {
  bundle: string;
  pkg: string;
  source: string; // "url https://...", "push files/x.msi", "unc \\server\share\x.msi"
  where: SourcePos;
  file: string; // the bundle file, absolute
  field: (string | number)[]; // the entry's path in the YAML document, for filling in
  written: string | null; // sha256 in the bundle
  found: string | null; // sha256 of the file, null when it could not be reached
  reason: string | null; // why not
  verdict: 'ok' | 'missing' | 'differs' | 'unreachable';
}

async function hashStream(stream: NodeJS.ReadableStream): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The SHA-256 of a source's file where this machine can reach it: a push file, a url by download, a share path where readable. */
async function hashSource(source: PackageSource, root: string): Promise<string> {
  if ('url' in source) {
    const res = await fetch(source.url, { signal: AbortSignal.timeout(600_000) });
    if (!res.ok || !res.body) throw new Error(`HTTP ${res.status} ${res.statusText}`.trim());
    return hashStream(Readable.fromWeb(res.body as Parameters<typeof Readable.fromWeb>[0]));
  }
  const path = 'push' in source ? (isAbsolute(source.push) ? source.push : resolve(root, source.push)) : source.unc;
  if ('unc' in source && process.platform !== 'win32') throw new Error('a share path; this control machine reads it only on Windows (hash the file where the share is mounted)');
  return hashStream(createReadStream(path));
}

const describe = (s: PackageSource) => ('url' in s ? `url ${s.url}` : 'push' in s ? `push ${s.push}` : `unc ${s.unc}`);

async function hashAll(project: Project): Promise<Hashed[]> {
  const entries: Promise<Hashed>[] = [];
  const own = (b: Bundle) => { const rel = relative(project.root, resolve(project.root, b.pos.file)); return !rel.startsWith('..') && !isAbsolute(rel); };
  for (const bundle of [...project.bundles.values()].filter(own)) {
    bundle.packages.forEach((pkg, i) => {
      const files: [string[], InstallerFile | undefined][] = [
        [['windows', 'msi'], pkg.windows?.msi],
        [['windows', 'exe'], pkg.windows?.exe],
        [['linux', 'deb'], pkg.linux?.deb],
      ];
      for (const [keys, entry] of files) {
        if (!entry?.source) continue;
        const source = entry.source;
        const at = `packages.${i}.${keys.join('.')}`;
        const index = bundleIndex(project, bundle);
        entries.push((async (): Promise<Hashed> => {
          const written = entry.sha256?.toLowerCase() ?? null;
          let found: string | null = null;
          let reason: string | null = null;
          try { found = await hashSource(source, project.root); } catch (err) { reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : ((err as Error).cause as Error)?.message ?? (err as Error).message; }
          const verdict = found === null ? 'unreachable' : written === null ? 'missing' : written === found ? 'ok' : 'differs';
          return { bundle: bundle.name, pkg: `${pkg.name} ${pkg.version}`, source: describe(source), where: bundle.fieldPos?.[`${at}.source`] ?? bundle.pos, file: resolve(project.root, bundle.pos.file), field: ['bundles', index, 'packages', i, ...keys, 'sha256'], written, found, reason, verdict };
        })());
      }
    });
  }
  return Promise.all(entries);
}

/** The bundle's index in its file's bundles: list, counted among the bundles loaded from the same file. */
function bundleIndex(project: Project, bundle: Bundle): number {
  return [...project.bundles.values()].filter((b) => b.pos.file === bundle.pos.file && b.pos.line <= bundle.pos.line).length - 1;
}

async function fillIn(found: Hashed[]): Promise<number> {
  const byFile = new Map<string, Hashed[]>();
  for (const h of found) if (h.verdict === 'missing' || h.verdict === 'differs') byFile.set(h.file, [...(byFile.get(h.file) ?? []), h]);
  for (const [file, list] of byFile) {
    const doc = parseDocument(await readFile(file, 'utf8'));
    for (const h of list) doc.setIn(h.field, h.found);
    await writeFile(file, doc.toString());
  }
  return [...byFile.values()].reduce((n, l) => n + l.length, 0);
}

function line(h: Hashed, check: boolean): string {
  const at = `${h.where.file}:${h.where.line}:${h.where.col}`;
  const what = `bundle ${h.bundle}: ${h.pkg} (${h.source})`;
  switch (h.verdict) {
    case 'ok': return `${at} ${what}: sha256 ${h.found} ok`;
    case 'unreachable': return `${at} ${what}: cannot reach it: ${h.reason}`;
    case 'missing': return `${at} ${what}: sha256 ${h.found} ${check ? 'is not in the bundle' : 'filled in'}`;
    default: return `${at} ${what}: sha256 ${h.found} ${check ? `differs from the bundle's ${h.written}` : `replaces ${h.written}`}`;
  }
}

export function registerBundle(program: Command): void {
  const bundle = program.command('bundle').description('software bundles: the SHA-256 of their installer files');
  addFormatOptions(bundle
    .command('hash')
    .description('fill in (or with --check, compare) the sha256 of every installer file of the repository\'s bundles that this machine can reach')
    .option('--check', 'change nothing: exit 2 when a hash is missing or differs, 3 when a file cannot be reached'), ['text', 'json'])
    .addHelpText('after', `
Reached: push files (read here), url files (downloaded), unc files where this machine reads the share.
Each file it cannot reach is named with why. See docs/package-sources.md.

Examples:
  $ homeshift bundle hash              fills in sha256 where it is missing or wrong
  $ homeshift bundle hash --check      in CI: every reachable file matches its sha256`)
    .action(async (opts: { check?: boolean; format: string }, cmd: Command) => {
      const g = globalOptions(cmd);
      const out = createOutput(g);
      const loaded = await loadProject({ cwd: process.cwd(), projectDir: g.project });
      const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
      if (!loaded.project || errors.length) {
        out.err(formatDiagnosticsText(errors, { color: false }));
        throw inputError('the repository does not load: fix the findings above (homeshift validate), then hash');
      }
      const found = await hashAll(loaded.project);
      const check = opts.check === true;
      const changed = check ? 0 : await fillIn(found);
      const count = (v: Hashed['verdict']) => found.filter((h) => h.verdict === v).length;
      if (opts.format === 'json') out.out(JSON.stringify({ files: found.map(({ field: _f, file: _file, ...h }) => h), changed }, null, 2));
      else {
        for (const h of found) out.out(line(h, check));
        const wrong = count('missing') + count('differs');
        out.out(`${found.length} installer file(s): ${count('ok')} ok, ${check ? `${wrong} missing or different` : `${changed} filled in`}, ${count('unreachable')} not reachable from here`);
      }
      if (check && count('missing') + count('differs') > 0) setExit(EXIT.invalid);
      else if (count('unreachable') > 0) setExit(EXIT.failed);
      else setExit(EXIT.ok);
    });
}
