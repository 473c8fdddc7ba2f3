import { isMap, isSeq, parseDocument, YAMLSeq } from 'yaml';
import { parseFast } from '../fast-yaml.js';
import type { ImportedMachine } from './import-assets.js';
import { formatMachineLine } from './machine-line.js';

export interface MergedFile {
  text: string;
  added: number;
  replaced: number;
  total: number;
}

/**
 * Merges imported machines into a site file: the site block, comments and other machines stay;
 * a machine with the same id is replaced in place, new ones are appended in CSV order.
 * Large files are merged line by line; whenever the result does not read back as intended, the yaml document API does it.
 */
export function mergeSiteFile(text: string, machines: ImportedMachine[], existingIds?: string[]): MergedFile {
  const fast = mergeByLines(text, machines, existingIds);
  return fast && readsBack(fast.text, fast.ids) ? fast.merged : mergeByDocument(text, machines);
}

interface Section { before: string[]; items: string[][]; after: string[]; indent: string }

/** existingIds: the file's machine ids in order, when the caller has already read them. */
function mergeByLines(text: string, machines: ImportedMachine[], existingIds?: string[]): { merged: MergedFile; text: string; ids: string[] } | null {
  const ids = existingIds ? [...existingIds] : idsOf(text);
  if (!ids) return null;
  const section = splitSection(text.split('\n'));
  if (!section || section.items.length !== ids.length) return null;
  const at = new Map(ids.map((id, i) => [id, i]));
  let added = 0;
  let replaced = 0;
  for (const m of machines) {
    const line = `${section.indent}- ${formatMachineLine(m)}`;
    const i = at.get(m.id);
    if (i === undefined) {
      at.set(m.id, section.items.length);
      section.items.push([line]);
      ids.push(m.id);
      added++;
    } else {
      section.items[i] = [line];
      replaced++;
    }
  }
  const out = [...section.before, 'machines:', ...section.items.flat(), ...section.after].join('\n');
  return { merged: { text: out, added, replaced, total: section.items.length }, text: out, ids };
}

/** Cuts the file around the top-level `machines:` list into the lines before, one line group per item, and the lines after. */
function splitSection(lines: string[]): Section | null {
  const start = lines.findIndex((l) => /^machines:\s*(\[\s*\]\s*)?(#.*)?$/.test(l));
  if (start === -1) return null;
  const empty = /^machines:\s*\[/.test(lines[start]);
  let end = start + 1;
  while (end < lines.length && !/^[^\s#]/.test(lines[end])) end++;
  const body = lines.slice(start + 1, end);
  while (body.length > 0 && body[body.length - 1].trim() === '') body.pop();
  const after = lines.slice(start + 1 + body.length);
  if (empty) return body.length === 0 ? { before: lines.slice(0, start), items: [], after, indent: '  ' } : null;
  const first = body.find((l) => /^\s*- /.test(l) || /^\s*-$/.test(l));
  if (!first) return null;
  const indent = first.slice(0, first.indexOf('-'));
  const itemStart = new RegExp(`^${indent}-(\\s|$)`);
  const items: string[][] = [];
  const lead: string[] = [];
  for (const line of body) {
    if (itemStart.test(line)) items.push([...lead.splice(0), line]);
    else if (items.length === 0 || line.trim() === '' || /^\s*#/.test(line)) lead.push(line);
    else items[items.length - 1].push(line);
  }
  if (items.length > 0) items[items.length - 1].push(...lead.splice(0));
  return { before: lines.slice(0, start), items, after: [...lead, ...after], indent };
}

function idsOf(text: string): string[] | null {
  const data = parseFast(text) as { machines?: { id?: unknown }[] } | undefined;
  return data && Array.isArray(data.machines) ? data.machines.map((m) => String(m?.id ?? '')) : null;
}

function readsBack(text: string, ids: string[]): boolean {
  const read = idsOf(text);
  return read !== null && read.length === ids.length && read.every((id, i) => id === ids[i]);
}

function mergeByDocument(text: string, machines: ImportedMachine[]): MergedFile {
  const doc = parseDocument(text);
  let seq = doc.get('machines', true);
  if (!isSeq(seq)) doc.set('machines', (seq = new YAMLSeq()));
  const list = seq as YAMLSeq;
  if (list.items.length === 0) list.flow = false; // `machines: []` becomes a block list, one PC per line
  const at = new Map<string, number>();
  list.items.forEach((item, i) => {
    const id = isMap(item) ? item.get('id') : undefined;
    if (id !== undefined) at.set(String(id), i);
  });
  let added = 0;
  let replaced = 0;
  for (const m of machines) {
    const node = doc.createNode({ id: m.id, host: m.host, os: m.os, user: m.user, role: m.role });
    node.flow = true;
    const i = at.get(m.id);
    if (i === undefined) {
      at.set(m.id, list.items.length);
      list.items.push(node);
      added++;
    } else {
      list.items[i] = node;
      replaced++;
    }
  }
  return { text: doc.toString({ lineWidth: 0 }), added, replaced, total: list.items.length };
}
