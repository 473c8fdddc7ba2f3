/**
 * One text policy for every value of the inventory and the directory, YAML or CSV alike: nothing is trimmed or
 * repaired; characters that hide, reorder or control text are findings that name the character. NUL is always an
 * error; so are a lone surrogate half (it cannot be sent as UTF-8) and any suspect character in addresses, ids and
 * hosts. In names and free text they are warnings.
 */

const C0_NAMES = [
  'NULL', 'START OF HEADING', 'START OF TEXT', 'END OF TEXT', 'END OF TRANSMISSION', 'ENQUIRY', 'ACKNOWLEDGE', 'BELL',
  'BACKSPACE', 'CHARACTER TABULATION', 'LINE FEED', 'LINE TABULATION', 'FORM FEED', 'CARRIAGE RETURN', 'SHIFT OUT', 'SHIFT IN',
  'DATA LINK ESCAPE', 'DEVICE CONTROL ONE', 'DEVICE CONTROL TWO', 'DEVICE CONTROL THREE', 'DEVICE CONTROL FOUR', 'NEGATIVE ACKNOWLEDGE',
  'SYNCHRONOUS IDLE', 'END OF TRANSMISSION BLOCK', 'CANCEL', 'END OF MEDIUM', 'SUBSTITUTE', 'ESCAPE', 'INFORMATION SEPARATOR FOUR',
  'INFORMATION SEPARATOR THREE', 'INFORMATION SEPARATOR TWO', 'INFORMATION SEPARATOR ONE',
];

const NAMES: Record<number, string> = {
  0x20: 'SPACE', 0x7f: 'DELETE', 0x85: 'NEXT LINE', 0xa0: 'NO-BREAK SPACE', 0xad: 'SOFT HYPHEN', 0x061c: 'ARABIC LETTER MARK',
  0x1680: 'OGHAM SPACE MARK', 0x180e: 'MONGOLIAN VOWEL SEPARATOR', 0x2000: 'EN QUAD', 0x2001: 'EM QUAD', 0x2002: 'EN SPACE',
  0x2003: 'EM SPACE', 0x2004: 'THREE-PER-EM SPACE', 0x2005: 'FOUR-PER-EM SPACE', 0x2006: 'SIX-PER-EM SPACE', 0x2007: 'FIGURE SPACE',
  0x2008: 'PUNCTUATION SPACE', 0x2009: 'THIN SPACE', 0x200a: 'HAIR SPACE', 0x200b: 'ZERO WIDTH SPACE', 0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER', 0x200e: 'LEFT-TO-RIGHT MARK', 0x200f: 'RIGHT-TO-LEFT MARK', 0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR', 0x202a: 'LEFT-TO-RIGHT EMBEDDING', 0x202b: 'RIGHT-TO-LEFT EMBEDDING', 0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE', 0x202e: 'RIGHT-TO-LEFT OVERRIDE', 0x202f: 'NARROW NO-BREAK SPACE', 0x205f: 'MEDIUM MATHEMATICAL SPACE',
  0x2060: 'WORD JOINER', 0x2061: 'FUNCTION APPLICATION', 0x2062: 'INVISIBLE TIMES', 0x2063: 'INVISIBLE SEPARATOR', 0x2064: 'INVISIBLE PLUS',
  0x2066: 'LEFT-TO-RIGHT ISOLATE', 0x2067: 'RIGHT-TO-LEFT ISOLATE', 0x2068: 'FIRST STRONG ISOLATE', 0x2069: 'POP DIRECTIONAL ISOLATE',
  0x3000: 'IDEOGRAPHIC SPACE', 0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
};

// Controls, invisible spaces and joiners, bidi controls, separators, lone surrogate halves.
const SUSPECT = /[\u0000-\u001f\u007f-\u009f\u00a0\u00ad\u061c\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u2066-\u2069\u3000\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const SUSPECT_ALL = new RegExp(SUSPECT.source, 'g');
const EDGE_SPACE = /^\s|\s$/;
// The same over a whole CSV text of plain rows (no quotes, no CR): a line feed only ends a row, so it is left out,
// and a cell's edge is a comma or a line's edge.
const SUSPECT_IN_ROWS = new RegExp(SUSPECT.source.replace('\\u0000-\\u001f', '\\u0000-\\u0009\\u000b-\\u001f'));
const EDGE_SPACE_IN_ROWS = /(?:^|,)[^\S\n]|[^\S\n](?:,|$)/m;

/**
 * False when no cell of a CSV text of plain rows (split at line feeds and commas, no quotes, no CR) can hold anything
 * the policy speaks about: then its cells need no checking one by one. True when some may (they are checked then).
 */
export function csvTextNeedsCellChecks(text: string): boolean {
  return SUSPECT_IN_ROWS.test(text) || EDGE_SPACE_IN_ROWS.test(text);
}

/** "U+00A0 NO-BREAK SPACE" */
export function describeCharacter(ch: string): string {
  const code = ch.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const name = code < 0x20 ? C0_NAMES[code] : code >= 0xd800 && code <= 0xdfff ? 'lone surrogate half' : code >= 0x80 && code <= 0x9f && !NAMES[code] ? 'C1 CONTROL' : NAMES[code];
  return name ? `${hex} ${name}` : hex;
}

/** True when the value holds anything the policy speaks about. */
export function hasSuspectText(value: string): boolean {
  return SUSPECT.test(value) || EDGE_SPACE.test(value);
}

/** The first problem of a value: where it is (UTF-16 index) and what, or null. */
export interface TextProblem {
  index: number;
  char: string;
  where: 'starts with' | 'ends with' | 'has';
  fatal: boolean; // an error whatever the field: NUL, lone surrogate half
  more: number; // further suspect characters after this one
}

export function findTextProblem(value: string): TextProblem | null {
  if (!hasSuspectText(value)) return null;
  const inside = [...value.matchAll(SUSPECT_ALL)].map((m) => m.index);
  const candidates = [...inside];
  if (/^\s/.test(value)) candidates.push(0);
  if (/\s$/.test(value)) candidates.push(value.length - 1);
  const all = [...new Set(candidates)].sort((a, b) => a - b);
  const fatal = all.find((i) => isFatal(value, i));
  const index = fatal ?? all[0];
  const char = String.fromCodePoint(value.codePointAt(index)!);
  const where = index === 0 && /^\s/.test(value) ? 'starts with' : index === value.length - char.length && /\s$/.test(value) ? 'ends with' : 'has';
  return { index, char, where, fatal: fatal !== undefined, more: all.length - 1 };
}

function isFatal(value: string, i: number): boolean {
  const code = value.charCodeAt(i);
  if (code === 0) return true;
  if (code >= 0xd800 && code <= 0xdbff) return !(value.charCodeAt(i + 1) >= 0xdc00 && value.charCodeAt(i + 1) <= 0xdfff);
  if (code >= 0xdc00 && code <= 0xdfff) return !(value.charCodeAt(i - 1) >= 0xd800 && value.charCodeAt(i - 1) <= 0xdbff);
  return false;
}

// Fields whose value is an address, an id or a host: a suspect character there is an error.
const STRICT_FIELDS = new Set(['id', 'host', 'mailbox', 'email', 'vpnGateway', 'site', 'user', 'role', 'sharedMailboxes', 'identityFile', 'knownHosts']);

/** Whether a value at this data path (e.g. ['machines', 3, 'host']) is an address, id or host. */
export function isStrictField(path: readonly (string | number)[]): boolean {
  const key = [...path].reverse().find((s) => typeof s === 'string' && !/^\d+$/.test(s));
  return key !== undefined && path[0] !== 'vars' && !path.includes('vars') && STRICT_FIELDS.has(String(key));
}

/** The message for a problem in a field: "mailbox ends with U+00A0 NO-BREAK SPACE at column 31". */
export function describeProblem(field: string, p: TextProblem, col: number): string {
  const more = p.more > 0 ? ` (and ${p.more} more)` : '';
  return `${field} ${p.where} ${describeCharacter(p.char)} at column ${col}${more}`;
}

/** Every string below a value with its data path (keys are not values). */
export function* stringsIn(data: unknown, path: (string | number)[] = []): Generator<{ path: (string | number)[]; value: string }> {
  if (typeof data === 'string') yield { path, value: data };
  else if (Array.isArray(data)) for (let i = 0; i < data.length; i++) yield* stringsIn(data[i], [...path, i]);
  else if (data && typeof data === 'object') for (const [k, v] of Object.entries(data)) yield* stringsIn(v, [...path, k]);
}
