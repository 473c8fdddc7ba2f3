import iconv from 'iconv-lite';
import type { Diagnostic } from '../../model/index.js';
import { createDiagnostic } from '../diagnostics.js';

/** The encodings an export may come in: what Excel and asset-management tools write on German Windows. */
export const EXPORT_ENCODINGS = ['utf-8', 'windows-1252', 'latin1', 'utf-16le'] as const;
export type ExportEncoding = (typeof EXPORT_ENCODINGS)[number];

export interface DecodedExport {
  text: string; // without a byte-order mark
  encoding: ExportEncoding;
  detected: boolean; // false when --encoding chose it
  bom: boolean;
}

const REPLACEMENT = '\ufffd';

/** Parses --encoding: the names above and their common spellings (utf8, cp1252, iso-8859-1, ...). */
export function parseEncoding(name: string): ExportEncoding {
  const key = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  const known: Record<string, ExportEncoding> = {
    utf8: 'utf-8', windows1252: 'windows-1252', cp1252: 'windows-1252', ansi: 'windows-1252',
    latin1: 'latin1', iso88591: 'latin1', utf16le: 'utf-16le', utf16: 'utf-16le', unicode: 'utf-16le',
  };
  const found = known[key];
  if (!found) throw new RangeError(`--encoding ${name}: expected one of ${EXPORT_ENCODINGS.join(', ')}`);
  return found;
}

/**
 * Reads an export's bytes as text. A BOM decides; else text that is valid UTF-8 is UTF-8, and anything else is read as
 * Windows-1252 (what German Excel writes as "CSV (Trennzeichen-getrennt)"). A byte no encoding can read, or a U+FFFD
 * already in the file (left by an earlier wrong conversion), is an error at its line: never a silent `M�nster`.
 */
export function decodeExport(bytes: Buffer, file: string, forced: ExportEncoding | undefined, diags: Diagnostic[]): DecodedExport | null {
  const bomOf = (enc: ExportEncoding) => (enc === 'utf-8' && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3
    : enc === 'utf-16le' && bytes[0] === 0xff && bytes[1] === 0xfe ? 2 : 0);
  let encoding: ExportEncoding;
  if (forced) encoding = forced;
  else if (bomOf('utf-8') > 0) encoding = 'utf-8';
  else if (bomOf('utf-16le') > 0) encoding = 'utf-16le';
  else encoding = invalidUtf8At(bytes) === -1 ? 'utf-8' : 'windows-1252';
  const skip = bomOf(encoding);
  const body = bytes.subarray(skip);
  if (encoding === 'utf-8') {
    const bad = invalidUtf8At(body);
    if (bad !== -1) {
      diags.push(createDiagnostic('encoding', `byte 0x${body[bad].toString(16).toUpperCase()} is not UTF-8; the file is probably Windows-1252 (give --encoding windows-1252)`, bytePos(file, body, bad)));
      return null;
    }
  }
  const text = iconv.decode(body, encoding, { stripBOM: false });
  const replaced = text.indexOf(REPLACEMENT);
  if (replaced !== -1) {
    const why = encoding === 'windows-1252'
      ? 'has a byte Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90 or 0x9D); give the right --encoding, e.g. latin1'
      : 'holds U+FFFD REPLACEMENT CHARACTER: a character was already lost by a wrong conversion; export the file again';
    const before = text.slice(0, replaced).split('\n');
    diags.push(createDiagnostic('encoding', `${file} ${why}`, { file, line: before.length, col: before[before.length - 1].length + 1 }));
    return null;
  }
  return { text, encoding, detected: forced === undefined, bom: skip > 0 };
}

/** Offset of the first byte that makes the buffer invalid UTF-8, or -1. */
function invalidUtf8At(bytes: Buffer): number {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return -1;
  } catch {
    // fatal decoding does not say where: find it by decoding ever longer valid prefixes is slow, so walk the bytes once
    for (let i = 0; i < bytes.length; ) {
      const b = bytes[i];
      const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
      if (len === 0 || i + len > bytes.length) return i;
      for (let k = 1; k < len; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
      i += len;
    }
    return bytes.length - 1;
  }
}

function bytePos(file: string, bytes: Buffer, offset: number): { file: string; line: number; col: number } {
  const head = bytes.subarray(0, offset);
  const lineStart = head.lastIndexOf(0x0a) + 1;
  let line = 1;
  for (let i = head.indexOf(0x0a); i !== -1; i = head.indexOf(0x0a, i + 1)) line++;
  // the column counts characters of the (valid UTF-8) line up to the byte
  return { file, line, col: head.subarray(lineStart).toString('utf8').length + 1 };
}

/** "windows-1252 (detected)", "utf-8 with BOM (detected)" */
export function describeEncoding(d: DecodedExport): string {
  return `${d.encoding}${d.bom ? ' with BOM' : ''} (${d.detected ? 'detected' : '--encoding'})`;
}
