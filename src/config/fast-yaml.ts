import jsyaml from 'js-yaml';
import { LineCounter, parseDocument } from 'yaml';
import type { FieldPositions, SourcePos } from '../model/index.js';
import type { YamlSource } from './yaml-source.js';

// Anchors, aliases and tags take the careful path (alias limits, exact tag handling).
const NEEDS_FULL_PARSER = /(^|[\s,[{:-])[&*!]/;

/**
 * Data of a plain YAML file through the fast parser, or undefined when the file needs the full one
 * (anchors, aliases, tags, any error, no content). Large inventories parse ~10x faster this way;
 * positions are then computed from the full parser only when something asks for them.
 */
export function parseFast(text: string): unknown {
  if (NEEDS_FULL_PARSER.test(text)) return undefined;
  try {
    return jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA, json: false }) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Parses a file the fast parser already accepted, only to find positions. */
export function parseForPositions(text: string, file: string, data: unknown): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  return { file, doc, lines, data };
}

/** Gives an entity `pos` and `fieldPos` that are computed on first read (and may be overwritten). */
export function defineLazyPositions(entity: object, compute: () => { pos: SourcePos; fieldPos: FieldPositions }): void {
  let cached: { pos: SourcePos; fieldPos: FieldPositions } | null = null;
  const read = () => (cached ??= compute());
  for (const key of ['pos', 'fieldPos'] as const) {
    Object.defineProperty(entity, key, {
      enumerable: true,
      configurable: true,
      get: () => read()[key],
      set: (value: unknown) => Object.defineProperty(entity, key, { value, enumerable: true, writable: true, configurable: true }),
    });
  }
}
