import fs from 'node:fs';
import { parse } from 'yaml';
import type { Diagnostic } from '../../model/index.js';
import { createDiagnostic } from '../diagnostics.js';
import { parseFast } from '../fast-yaml.js';
import { listYamlFiles, statKind } from '../list-files.js';
import { slugify } from './slug.js';

/** An inventory file already in the target folder. */
export interface SiteFile {
  abs: string;
  file: string; // for messages
  text: string;
  site: { id: string; name: string } | null; // null: a file without a site block
  machines: { id: string; host: string }[];
}

/** Reads the inventory files of a folder; a file that does not parse is an error (the import would lose it). */
export function readSiteFiles(dir: string, display: (abs: string) => string, diags: Diagnostic[]): SiteFile[] {
  if (statKind(dir) !== 'dir') return [];
  const out: SiteFile[] = [];
  for (const abs of listYamlFiles(dir)) {
    const file = display(abs);
    const text = fs.readFileSync(abs, 'utf8');
    let data: { site?: { id?: unknown; name?: unknown }; machines?: unknown } | null;
    try {
      data = (parseFast(text) ?? parse(text)) as typeof data;
    } catch (err) {
      diags.push(createDiagnostic('yaml-syntax', `cannot merge into ${file}: ${(err as Error).message.split('\n')[0]} (run homeshift validate)`, { file, line: 1, col: 1 }));
      continue;
    }
    const s = data?.site;
    const site = s && typeof s.id === 'string' ? { id: s.id, name: typeof s.name === 'string' ? s.name : s.id } : null;
    const machines = (Array.isArray(data?.machines) ? data.machines : [])
      .filter((m): m is { id: unknown; host: unknown } => typeof m === 'object' && m !== null)
      .map((m) => ({ id: String(m.id ?? ''), host: String(m.host ?? '') }));
    out.push({ abs, file, text, site, machines });
  }
  return out;
}

/** Finds the site a location names: its id, its name, or the last words of its name ("Brühl" for "Service Center Brühl"). */
export function matchSite(location: string, files: SiteFile[]): SiteFile | null {
  const slug = slugify(location);
  if (!slug) return null;
  const sited = files.filter((f) => f.site);
  const exact = sited.find((f) => f.site!.id === slug || slugify(f.site!.name) === slug);
  if (exact) return exact;
  const suffix = sited.filter((f) => slugify(f.site!.name).endsWith(`-${slug}`));
  return suffix.length === 1 ? suffix[0] : null;
}
