import jsyaml from 'js-yaml';
import { LineCounter, parseDocument } from 'yaml';
import type { FieldPositions, SourcePos } from '../model/index.js';
import type { YamlSource } from './yaml-source.js';

// Anchors, aliases and tags take the careful path (alias limits, exact tag handling).
const NEEDS_FULL_PARSER = /(^|[\s,[{:-])[&*!]/;

const load = (text: string): unknown => jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA, json: false });

/**
 * Data of a plain YAML file through the fast parser, or undefined when the file needs the full one
 * (anchors, aliases, tags, any error, no content). Large inventories parse ~10x faster this way;
 * positions are then computed from the full parser only when something asks for them.
 */
export function parseFast(text: string): unknown {
  if (NEEDS_FULL_PARSER.test(text)) return undefined;
  try {
    return plainInventory(text) ?? load(text) ?? undefined;
  } catch {
    return undefined;
  }
}

// One machine a line, as exports and `lab generate` write them: - { id: BRU-D0001, host: bru-d0001.example.de, port: 22 }
const KEY = /^[A-Za-z]\w*$/;
const PLAIN_STRING = /^[A-Za-z][\w.@-]*$/;
const PLAIN_NUMBER = /^(?:0|[1-9]\d{0,8})$/;
const NOT_STRINGS = new Set(['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE']);

/**
 * An inventory whose machines: list comes last with one plain flow mapping a line, read as js-yaml reads it, ~5x
 * faster: the lines before machines: go to js-yaml, each machine line is split here. Only values that are certainly
 * strings (a letter first, not null/true/false) or small decimal numbers are taken; null for any other text, which
 * then takes the ordinary way.
 */
export function plainInventory(text: string): Record<string, unknown> | null {
  const at = text.startsWith('machines:\n') ? 0 : text.indexOf('\nmachines:\n') + 1;
  if (at === 0 && !text.startsWith('machines:\n')) return null; // no machines: key at a line start
  const head = text.slice(0, at);
  if (head.includes('machines') || /^(?:---|\.\.\.|%)/m.test(head) || head.includes('\r') || head.includes('\t')) return null;
  const machines: Record<string, unknown>[] = [];
  let pad: string | null = null;
  for (const line of text.slice(at + 'machines:\n'.length).split('\n')) {
    const dash = line.indexOf('- {');
    if (dash < 0 || !line.endsWith('}')) {
      if (/^ *(?:#.*)?$/.test(line)) continue;
      return null;
    }
    if (pad === null) {
      pad = line.slice(0, dash);
      if (!/^ *$/.test(pad)) return null; // spaces only before the dash, the same on every line
    } else if (dash !== pad.length || !line.startsWith(pad)) return null;
    const machine: Record<string, unknown> = {};
    const inner = line.slice(dash + 3, -1);
    for (const pair of (inner.startsWith(' ') ? inner.slice(1) : inner).replace(/ $/, '').split(', ')) {
      const colon = pair.indexOf(': ');
      const key = pair.slice(0, colon);
      const raw = pair.slice(colon + 2);
      if (colon < 0 || !KEY.test(key) || Object.hasOwn(machine, key)) return null; // a repeated key is js-yaml's error to report
      if (PLAIN_NUMBER.test(raw)) machine[key] = Number(raw);
      else if (PLAIN_STRING.test(raw) && !NOT_STRINGS.has(raw)) machine[key] = raw;
      else return null;
    }
    machines.push(machine);
  }
  if (machines.length === 0) return null;
  const data = head.trim() === '' ? {} : load(head);
  if (!data || typeof data !== 'object' || Array.isArray(data)) return null;
  (data as Record<string, unknown>).machines = machines;
  return data as Record<string, unknown>;
}

/** Parses a file the fast parser already accepted, only to find positions. */
export function parseForPositions(text: string, file: string, data: unknown): YamlSource {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false, prettyErrors: false });
  return { file, doc, lines, data };
}

type Positions = { pos: SourcePos; fieldPos: FieldPositions };
const LAZY = Symbol('positions');
type Lazy = { [LAZY]: Positions | (() => Positions) };

function positionsOf(entity: Lazy): Positions {
  const slot = entity[LAZY];
  if (typeof slot !== 'function') return slot;
  return (entity[LAZY] = slot());
}

// One getter and setter pair for every entity, so that 16,000 machines share one hidden class (a pair of its own
// per object gave each object a class of its own, and V8 then keeps them as slow dictionaries).
function getPos(this: Lazy): SourcePos {
  return positionsOf(this).pos;
}
function getFieldPos(this: Lazy): FieldPositions {
  return positionsOf(this).fieldPos;
}
function setPos(this: Lazy, value: unknown): void {
  Object.defineProperty(this, 'pos', { value, enumerable: true, writable: true, configurable: true });
}
function setFieldPos(this: Lazy, value: unknown): void {
  Object.defineProperty(this, 'fieldPos', { value, enumerable: true, writable: true, configurable: true });
}

/** Gives an entity `pos` and `fieldPos` that are computed on first read (and may be overwritten). */
export function defineLazyPositions(entity: object, compute: () => Positions): void {
  Object.defineProperty(entity, LAZY, { value: compute, writable: true, enumerable: false, configurable: true });
  Object.defineProperty(entity, 'pos', { get: getPos, set: setPos, enumerable: true, configurable: true });
  Object.defineProperty(entity, 'fieldPos', { get: getFieldPos, set: setFieldPos, enumerable: true, configurable: true });
}
