import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, visit, type Document, type Node } from 'yaml';
import type { Diagnostic, SourcePos } from '../model/index.js';
import { createDiagnostic, startOf } from './diagnostics.js';

/** A parsed YAML file that still knows where every node came from. */
export interface YamlSource {
  file: string;
  doc: Document.Parsed;
  lines: LineCounter;
  data: unknown;
}

export type PathSegment = string | number;

const MAX_ALIAS_COUNT = 100;
const MAX_SYNTAX_ERRORS = 5;

/** Parses one YAML document; syntax errors, duplicate keys, several documents and alias bombs become diagnostics. */
export function parseYamlSource(text: string, file: string, diags: Diagnostic[]): YamlSource | null {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    // After the first syntax error the rest are mostly echoes of it.
    const shown = doc.errors.filter((e, i) => i === 0 || e.code === 'DUPLICATE_KEY').slice(0, MAX_SYNTAX_ERRORS);
    for (const err of shown) {
      const pos = toPos(file, lines, err.pos[0]);
      if (err.code === 'DUPLICATE_KEY') {
        const key = /^\s*("[^"\n]*"|'[^'\n]*'|[^:#\n]*[^:#\s])/.exec(text.slice(err.pos[0], err.pos[0] + 200))?.[1] ?? '?';
        diags.push(createDiagnostic('yaml-duplicate-key', `duplicate key '${key}' (each key may appear once)`, pos));
      } else if (err.code === 'MULTIPLE_DOCS') {
        diags.push(createDiagnostic('yaml-multiple-documents', `${file} holds more than one YAML document; put one document in each file`, pos));
      } else {
        diags.push(createDiagnostic('yaml-syntax', `YAML syntax error: ${firstLine(err.message)}`, pos));
      }
    }
    return null;
  }
  if (doc.contents === null) {
    diags.push(createDiagnostic('empty-file', `${file} has no content`, startOf(file)));
    return null;
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    const alias = findFirstAlias(doc);
    const pos = alias?.range ? toPos(file, lines, alias.range[0]) : startOf(file);
    const msg = err instanceof ReferenceError && /alias/i.test(err.message)
      ? `too many YAML alias expansions (more than ${MAX_ALIAS_COUNT}); aliases that multiply are refused`
      : `YAML alias cannot be resolved: ${firstLine((err as Error).message)}`;
    diags.push(createDiagnostic('yaml-aliases', msg, pos));
    return null;
  }
  for (const w of doc.warnings.slice(0, MAX_SYNTAX_ERRORS)) {
    diags.push(createDiagnostic('yaml-warning', firstLine(w.message), toPos(file, lines, w.pos[0]), 'warning'));
  }
  return { file, doc, lines, data };
}

export function toPos(file: string, lines: LineCounter, offset: number): SourcePos {
  const { line, col } = lines.linePos(offset);
  return { file, line, col };
}

/** The node at a path (map keys and sequence indices); `key` is the map key node that led to it. */
export function findNode(src: YamlSource, path: readonly PathSegment[]): { node: Node | null; key: Node | null } {
  let node: unknown = src.doc.contents;
  let key: Node | null = null;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return { node: node as Node, key };
      key = pair.key as Node;
      node = pair.value ?? pair.key;
    } else if (isSeq(node)) {
      const item = node.items[Number(seg)];
      if (item === undefined) return { node: node as Node, key };
      node = item;
    } else break;
  }
  return { node: (node as Node) ?? null, key };
}

/** The key node of `name` inside the map at `path`, for messages about a key. */
export function findKey(src: YamlSource, path: readonly PathSegment[], name: string): Node | null {
  const { node } = findNode(src, path);
  if (!isMap(node)) return null;
  const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === name);
  return (pair?.key as Node) ?? null;
}

export function posOfNode(src: YamlSource, node: Node | null | undefined): SourcePos {
  return node?.range ? toPos(src.file, src.lines, node.range[0]) : startOf(src.file);
}

export function posAtPath(src: YamlSource, path: readonly PathSegment[]): SourcePos {
  return posOfNode(src, findNode(src, path).node);
}

/** Positions of the values below a node, keyed by dotted path (a.b.0), `depth` levels deep. */
export function collectFieldPositions(src: YamlSource, node: unknown, depth: number, prefix = '', out: Record<string, SourcePos> = {}): Record<string, SourcePos> {
  if (depth <= 0) return out;
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const name = prefix + String(pair.key.value);
      const target = (pair.value ?? pair.key) as Node;
      if (target.range) out[name] = toPos(src.file, src.lines, target.range[0]);
      collectFieldPositions(src, pair.value, depth - 1, `${name}.`, out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const n = item as Node;
      if (n?.range) out[prefix + i] = toPos(src.file, src.lines, n.range[0]);
      collectFieldPositions(src, item, depth - 1, `${prefix}${i}.`, out);
    });
  }
  return out;
}

function findFirstAlias(doc: Document.Parsed): Node | null {
  let found: Node | null = null;
  visit(doc, {
    Alias(_key, node) {
      if (isAlias(node)) found = node;
      return visit.BREAK;
    },
  });
  return found;
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/\s+at line \d+, column \d+:?$/, '');
}
