import type { ErrorObject } from 'ajv';
import type { Diagnostic } from '../model/index.js';
import { createDiagnostic } from './diagnostics.js';
import { validateAgainst, type SchemaKind } from './schemas.js';
import { findKey, findNode, posOfNode, type PathSegment, type YamlSource } from './yaml-source.js';
import { editDistance } from '../model/suggest.js';

/** How a file kind names its items in messages: `machine BRU-D0042`, and how many path segments make an item. */
export interface ItemNaming {
  itemDepth: number; // e.g. 2 for /machines/3
  describe(path: readonly string[], data: unknown): string | null; // e.g. "machine BRU-D0042"; null: not an item path
}

export interface SchemaCheck {
  diagnostics: Diagnostic[];
  badItems: Set<string>; // item paths joined with '/', e.g. machines/3
  fileBroken: boolean; // an error outside any item
}

const MAX_ERRORS_PER_FILE = 50;

/** Checks a parsed file against its schema and maps every error to the YAML node at fault. */
export function checkSchema(kind: SchemaKind, src: YamlSource, naming: ItemNaming): SchemaCheck {
  const errors = pruneNested(validateAgainst(kind, src.data));
  const result: SchemaCheck = { diagnostics: [], badItems: new Set(), fileBroken: false };
  for (const err of errors) {
    const segs = splitPointer(err.instancePath);
    const label = segs.length >= naming.itemDepth ? naming.describe(segs, src.data) : null;
    if (label) result.badItems.add(segs.slice(0, naming.itemDepth).join('/'));
    else result.fileBroken = true;
    if (result.diagnostics.length >= MAX_ERRORS_PER_FILE) continue;
    const fieldSegs = label ? segs.slice(naming.itemDepth) : segs;
    const { text, keyName } = describeError(err, formatField(fieldSegs), label ? 'entry' : 'the file');
    const node = keyName !== null ? findKey(src, segs, keyName) ?? findNode(src, segs).node : findNode(src, segs).node;
    const machine = kind === 'inventory' && label?.startsWith('machine ') ? label.slice(8) : undefined;
    result.diagnostics.push(createDiagnostic('schema', label ? `${label}: ${text}` : text, posOfNode(src, node), 'error', machine));
  }
  return result;
}

function describeError(err: ErrorObject, field: string, whole: string): { text: string; keyName: string | null } {
  const params = err.params as Record<string, unknown>;
  const hint = (err.parentSchema as Record<string, unknown> | undefined)?.['x-hint'] as string | undefined;
  const subject = field || whole;
  switch (err.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys(((err.parentSchema as Record<string, unknown>)?.properties as object) ?? {});
      const where = field ? ` in ${field}` : '';
      return { text: `unknown key '${key}'${where}${suggest(key, known)}`, keyName: key };
    }
    case 'required':
      return { text: `missing required key '${String(params.missingProperty)}'${field ? ` in ${field}` : ''}`, keyName: null };
    case 'propertyNames':
      return { text: `name '${String(params.propertyName)}'${field ? ` in ${field}` : ''} is not allowed (use letters, digits and _)`, keyName: String(params.propertyName) };
    case 'type':
      return { text: `${subject} must be ${describeType(params.type)}`, keyName: null };
    case 'enum':
      return { text: `${subject} must be ${joinOr((params.allowedValues as unknown[]).map(String))}`, keyName: null };
    case 'minimum':
    case 'maximum':
      return { text: `${subject} must be ${err.keyword === 'minimum' ? 'at least' : 'at most'} ${String(params.limit)}`, keyName: null };
    case 'minLength':
      return { text: `${subject} must not be empty`, keyName: null };
    case 'minItems':
      return { text: `${subject} must have at least ${String(params.limit)} entr${params.limit === 1 ? 'y' : 'ies'}`, keyName: null };
    default:
      return { text: hint ? `${subject} must be ${hint}` : `${subject} ${err.message ?? 'is invalid'}`, keyName: null };
  }
}

/** Drops the branch errors below anyOf/oneOf/propertyNames: the combined error says it better. */
function pruneNested(errors: ErrorObject[]): ErrorObject[] {
  const parents = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => e.schemaPath + '/');
  return errors.filter((e) => {
    if (e.schemaPath.includes('/propertyNames/')) return false;
    return !parents.some((p) => e.schemaPath.startsWith(p));
  });
}

function splitPointer(pointer: string): string[] {
  if (!pointer) return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function formatField(segs: readonly PathSegment[]): string {
  return segs.map((s, i) => (/^\d+$/.test(String(s)) ? `[${s}]` : i === 0 ? String(s) : `.${s}`)).join('');
}

function describeType(type: unknown): string {
  const names: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', integer: 'a whole number', number: 'a number', boolean: 'true or false', null: 'empty' };
  const list = Array.isArray(type) ? type : [type];
  return joinOr(list.map((t) => names[String(t)] ?? String(t)));
}

function joinOr(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function suggest(key: string, known: string[]): string {
  const best = known.map((k) => ({ k, d: editDistance(key.toLowerCase(), k.toLowerCase()) })).sort((a, b) => a.d - b.d)[0];
  if (best && best.d <= 2) return ` (did you mean '${best.k}'?)`;
  return known.length > 0 && known.length <= 12 ? ` (allowed: ${known.join(', ')})` : '';
}
