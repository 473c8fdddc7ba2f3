import { isScalar } from 'yaml';
import type { Diagnostic, SourcePos } from '../model/index.js';
import { createDiagnostic } from './diagnostics.js';
import { describeProblem, findTextProblem, hasSuspectText, isStrictField, type TextProblem } from './text-policy.js';
import { findNode, posOfNode, toPos, type YamlSource } from './yaml-source.js';

type Path = (string | number)[];

/** Names the entity a value belongs to (machine BRU-D0001) and the field inside it (vars.mailServer). */
function describePath(data: unknown, path: Path): { label: string | null; field: string; machine?: string } {
  const field = (segs: Path) => segs.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
  const root = data as Record<string, unknown>;
  if ((path[0] === 'machines' || path[0] === 'employees') && typeof path[1] === 'number') {
    const item = (root[path[0]] as Record<string, unknown>[])[path[1]];
    const id = typeof item?.id === 'string' ? item.id : `#${path[1] + 1}`;
    const noun = path[0] === 'machines' ? 'machine' : 'employee';
    return { label: `${noun} ${id}`, field: field(path.slice(2)), ...(noun === 'machine' ? { machine: id } : {}) };
  }
  if (path[0] === 'site') {
    const id = (root.site as Record<string, unknown>)?.id;
    return { label: `site ${typeof id === 'string' ? id : '?'}`, field: field(path.slice(1)) };
  }
  return { label: null, field: field(path) };
}

// YAML double-quoted escapes: how many source characters each takes (\x41, \u00e9, \U0001F600, \n ...).
const ESCAPE_LENGTH: Record<string, number> = { x: 4, u: 6, U: 10 };

/** Source offset of value index `index` in a one-line double-quoted scalar, walking its escapes; null when it does not add up. */
function offsetInDoubleQuoted(raw: string, value: string, index: number): number | null {
  if (raw[0] !== '"' || raw.includes('\n')) return null;
  let j = 1;
  for (let k = 0; k < index; ) {
    if (j >= raw.length - 1) return null;
    if (raw[j] === '\\') {
      const len = ESCAPE_LENGTH[raw[j + 1]] ?? 2;
      const code = len > 2 ? parseInt(raw.slice(j + 2, j + len), 16) : 0;
      k += code > 0xffff ? 2 : 1;
      j += len;
    } else {
      k += 1;
      j += 1;
    }
  }
  return j < raw.length - 1 && value.length > index ? j : null;
}

/** Where the character stands in the file: exact for plain and quoted scalars, else the value's start. */
function charPos(src: YamlSource, text: string, path: Path, value: string, p: TextProblem): SourcePos {
  const node = findNode(src, path).node;
  if (!isScalar(node) || !node.range) return posOfNode(src, node);
  const [start, end] = node.range;
  const raw = text.slice(start, end);
  let offset: number | null = null;
  if (raw === value) offset = start + p.index;
  else if (raw.length === value.length + 2 && raw.slice(1, -1) === value) offset = start + 1 + p.index;
  else if ((offset = offsetInDoubleQuoted(raw, value, p.index)) !== null) offset += start;
  else {
    const nth = value.slice(0, p.index).split(p.char).length - 1;
    let at = -1;
    for (let k = 0; k <= nth; k++) {
      at = raw.indexOf(p.char, at + 1);
      if (at < 0) break;
    }
    if (at >= 0) offset = start + at;
  }
  return toPos(src.file, src.lines, offset ?? start);
}

/**
 * The text policy over one YAML file. full: every rule of the policy (inventory, directory); otherwise only what no
 * file may hold anywhere (NUL, lone surrogate halves), since any value may end up in a shell program.
 */
export function checkYamlText(data: unknown, text: string, source: () => YamlSource, full: boolean, diags: Diagnostic[]): void {
  const path: Path = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      if (!hasSuspectText(value)) return;
      const p = findTextProblem(value);
      if (!p || (!full && !p.fatal)) return;
      const at = [...path];
      const src = source();
      const { label, field, machine } = describePath(data, at);
      const pos = charPos(src, text, at, value, p);
      const severity = p.fatal || isStrictField(at) ? 'error' : 'warning';
      const message = describeProblem(field || 'value', p, pos.col);
      diags.push(createDiagnostic('text-character', label ? `${label}: ${message}` : message, pos, severity, machine));
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        visit(value[i]);
        path.pop();
      }
    } else if (value && typeof value === 'object') {
      for (const key of Object.keys(value)) {
        path.push(key);
        visit((value as Record<string, unknown>)[key]);
        path.pop();
      }
    }
  };
  visit(data);
}
