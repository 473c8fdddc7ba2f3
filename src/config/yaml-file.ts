import type { Diagnostic } from '../model/index.js';
import { parseFast, parseForPositions } from './fast-yaml.js';
import { readSourceText } from './read-source.js';
import { checkSchema, type ItemNaming, type SchemaCheck } from './schema-errors.js';
import { validateAgainst, type SchemaKind } from './schemas.js';
import { parseYamlSource, type YamlSource } from './yaml-source.js';
import { checkYamlText } from './yaml-text.js';

export interface LoadedYaml {
  data: unknown;
  check: SchemaCheck;
  source(): YamlSource; // the file with node positions; parsed on first call on the fast path
}

// Files of values typed by people (asset and HR exports); the others are checked for what no file may hold.
const FULL_TEXT_POLICY = new Set<SchemaKind>(['inventory', 'directory']);
const WHOLE_FILE: ItemNaming = { itemDepth: Number.POSITIVE_INFINITY, describe: () => null };

/**
 * Reads, parses and schema-checks one YAML file; null when it could not be parsed at all.
 * fast: try the fast parser first; any problem falls back to the full parser, which reports it with positions.
 */
export function loadYamlFile(abs: string, file: string, kind: SchemaKind, diags: Diagnostic[], naming: ItemNaming = WHOLE_FILE, fast = false): LoadedYaml | null {
  const text = readSourceText(abs, file, diags);
  if (text === null) return null;
  if (fast) {
    const data = parseFast(text);
    if (data !== undefined && validateAgainst(kind, data).length === 0) {
      let src: YamlSource | null = null;
      const source = () => (src ??= parseForPositions(text, file, data));
      checkYamlText(data, text, source, FULL_TEXT_POLICY.has(kind), diags);
      return { data, check: { diagnostics: [], badItems: new Set(), fileBroken: false }, source };
    }
  }
  const src = parseYamlSource(text, file, diags);
  if (!src) return null;
  const check = checkSchema(kind, src, naming);
  diags.push(...check.diagnostics);
  checkYamlText(src.data, text, () => src, FULL_TEXT_POLICY.has(kind), diags);
  return { data: src.data, check, source: () => src };
}

/** Names list items `<noun> <name>` (or `<noun> #n` when the name is missing). */
export function nameItems(listKey: string, noun: string, nameKey: string): ItemNaming {
  return {
    itemDepth: 2,
    describe(path, data) {
      if (path[0] !== listKey) return null;
      const list = (data as Record<string, unknown>)?.[listKey];
      const item = Array.isArray(list) ? list[Number(path[1])] : undefined;
      const name = item && typeof item === 'object' ? (item as Record<string, unknown>)[nameKey] : undefined;
      return typeof name === 'string' && name !== '' ? `${noun} ${name}` : `${noun} #${Number(path[1]) + 1}`;
    },
  };
}
