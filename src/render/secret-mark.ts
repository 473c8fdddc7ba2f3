import { randomBytes } from 'node:crypto';
import { SECRET_PLACEHOLDER, type SecretRef } from '../model/plan.js';

/**
 * What the secret helper renders: a mark carrying a nonce drawn when the process starts. No inventory, directory or
 * vars value can know the nonce, so only a `{{secret}}` call in a template can produce a mark. The planner turns marks
 * into readable placeholders and records where they stand; only those positions are ever filled.
 */
const NONCE = randomBytes(16).toString('hex');
const MARK = `\u0000hs-secret-${NONCE}:`;
export const SECRET_NAME = /^[A-Za-z0-9_.-]+$/;

export function secretMark(name: string): string {
  return `${MARK}${name}\u0000`;
}

/** True when a secret mark, whole or mangled by another helper, is in the text. */
export function hasSecretMark(rendered: string): boolean {
  return rendered.includes(NONCE);
}

/**
 * Rendered text with its marks replaced by placeholders, and where each placeholder starts. Marks arrive whole: the
 * engine refuses a template that passes one through another helper.
 */
export function takeSecretMarks(rendered: string): { content: string; secrets: SecretRef[] } {
  // Every mark holds a NUL, which no value that passed validate does: most texts are done after one quick search.
  if (!rendered.includes('\u0000') || !rendered.includes(MARK)) return { content: rendered, secrets: [] };
  const secrets: SecretRef[] = [];
  let content = '';
  let last = 0;
  for (let at = rendered.indexOf(MARK); at >= 0; at = rendered.indexOf(MARK, last)) {
    const end = rendered.indexOf('\u0000', at + MARK.length);
    const name = end < 0 ? '' : rendered.slice(at + MARK.length, end);
    if (!SECRET_NAME.test(name)) break;
    content += rendered.slice(last, at);
    secrets.push({ name, at: content.length });
    content += SECRET_PLACEHOLDER(name);
    last = end + 1;
  }
  return { content: content + rendered.slice(last), secrets };
}
