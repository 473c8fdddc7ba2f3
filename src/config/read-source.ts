import fs from 'node:fs';
import type { Diagnostic } from '../model/index.js';
import { createDiagnostic, startOf } from './diagnostics.js';

export const MAX_FILE_BYTES = 20 * 1024 * 1024;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a text file for parsing: size checked before reading, UTF-8 enforced, BOM dropped.
 * Returns null (with a diagnostic) when the file cannot be used.
 */
export function readSourceText(abs: string, file: string, diags: Diagnostic[], opts: { maxBytes?: number; allowEmpty?: boolean } = {}): string | null {
  const maxBytes = opts.maxBytes ?? MAX_FILE_BYTES;
  let size: number;
  try {
    const st = fs.statSync(abs);
    if (!st.isFile()) {
      diags.push(createDiagnostic('missing-file', `${file} is not a file`, startOf(file)));
      return null;
    }
    size = st.size;
  } catch {
    diags.push(createDiagnostic('missing-file', `${file} does not exist`, startOf(file)));
    return null;
  }
  if (size > maxBytes) {
    diags.push(createDiagnostic('file-too-large', `${file} is ${formatMb(size)}, over the limit of ${formatMb(maxBytes)}`, startOf(file)));
    return null;
  }
  let text: string;
  try {
    text = utf8.decode(fs.readFileSync(abs));
  } catch (err) {
    const encoding = (err as { code?: string }).code === 'ERR_ENCODING_INVALID_ENCODED_DATA';
    const why = encoding ? 'is not valid UTF-8 text (save it as UTF-8)' : `cannot be read: ${(err as Error).message}`;
    diags.push(createDiagnostic(encoding ? 'not-utf8' : 'missing-file', `${file} ${why}`, startOf(file)));
    return null;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (!opts.allowEmpty && text.trim() === '') {
    diags.push(createDiagnostic('empty-file', `${file} is empty`, startOf(file)));
    return null;
  }
  return text;
}

function formatMb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
