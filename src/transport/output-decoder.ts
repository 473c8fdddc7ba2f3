/**
 * A PC's output bytes as text. The programs write UTF-8, but native tools on a German Windows write their
 * console code page (cp850) or the ANSI one (cp1252): a line that is not valid UTF-8 is decoded in the code
 * page under which it reads as text, so "Zugriff verweigert: Datei für …" stays readable instead of U+FFFD.
 */
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

const NEWLINE = 0x0a;
const MAX_PENDING = 64 * 1024; // a line longer than this is decoded in pieces
const GERMAN = new Set('äöüÄÖÜßéèàáâêëîïôûùçñÉ€');
const LETTER = /\p{L}/u;

/** Streams bytes into text line by line; a character split between two chunks still decodes. */
export interface OutputDecoder {
  write(chunk: Buffer): string;
  end(): string;
}

export function createOutputDecoder(): OutputDecoder {
  let pending: Buffer = Buffer.alloc(0);
  return {
    write(chunk: Buffer): string {
      const newline = chunk.lastIndexOf(NEWLINE);
      if (newline < 0) {
        pending = pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([pending, chunk]);
        if (pending.length <= MAX_PENDING) return '';
        const keep = incompleteTail(pending);
        const text = decodeOutput(pending.subarray(0, pending.length - keep));
        pending = Buffer.from(pending.subarray(pending.length - keep));
        return text;
      }
      const lines = pending.length === 0 ? chunk.subarray(0, newline + 1) : Buffer.concat([pending, chunk.subarray(0, newline + 1)]);
      pending = Buffer.from(chunk.subarray(newline + 1));
      return decodeOutput(lines);
    },
    end(): string {
      const text = decodeOutput(pending);
      pending = Buffer.alloc(0);
      return text;
    },
  };
}

/** Whole bytes as text: UTF-8 when valid, else line by line (a UTF-8 line stays UTF-8, the others get a code page). */
export function decodeOutput(bytes: Buffer): string {
  if (bytes.length === 0) return '';
  if (isUtf8(bytes)) return bytes.toString('utf8');
  let text = '';
  let start = 0;
  while (start < bytes.length) {
    const newline = bytes.indexOf(NEWLINE, start);
    const end = newline < 0 ? bytes.length : newline + 1;
    text += decodeLine(bytes.subarray(start, end));
    start = end;
  }
  return text;
}

/** Bytes that start with a cut-off character (a tail taken from the end of longer output). */
export function decodeTailBytes(bytes: Buffer): string {
  let skip = 0;
  while (skip < 3 && skip < bytes.length && (bytes[skip] & 0xc0) === 0x80) skip++;
  if (skip > 0 && isUtf8(bytes.subarray(skip))) return bytes.subarray(skip).toString('utf8');
  return decodeOutput(bytes);
}

function decodeLine(line: Buffer): string {
  if (isUtf8(line)) return line.toString('utf8');
  const oem = iconv.decode(line, 'cp850');
  const ansi = iconv.decode(line, 'cp1252');
  return score(ansi) > score(oem) ? ansi : oem; // a German console tool speaks cp850 when both read alike
}

/** How much the non-ASCII characters of a decoding look like German text rather than box drawing or gaps. */
function score(text: string): number {
  let points = 0;
  for (const ch of text) {
    if (ch.charCodeAt(0) < 0x80) continue;
    if (GERMAN.has(ch)) points += 3;
    else if (LETTER.test(ch)) points += 1;
    else if (ch === '\ufffd' || (ch >= '\u2500' && ch <= '\u259f') || ch < '\u00a0') points -= 1;
  }
  return points;
}

/** How many bytes at the end start a UTF-8 character that the next chunk completes. */
function incompleteTail(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back];
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: look further back
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? back : 0;
  }
  return 0;
}
