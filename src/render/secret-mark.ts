import { randomBytes } from 'node:crypto';
import { SECRET_PLACEHOLDER, type SecretRef } from '../model/plan.js';

/**
 * What the secret helper renders: a mark carrying a nonce drawn when the process starts. No inventory, directory or
 * vars value can know the nonce, so only a `{{secret}}` call in a template can produce a mark. The planner turns marks
 * into readable placeholders and records where they stand; only those positions are ever filled.
 */
const NONCE = randomBytes(16).toString('hex');
const MARK = `\u0000hs-secret-${NONCE}:`;
const MARK_RE = new RegExp(`\u0000hs-secret-${NONCE}:([A-Za-z0-9_.-]+)\u0000`, 'g');
export const SECRET_NAME = /^[A-Za-z0-9_.-]+$/;

export function secretMark(name: string): string {
  return `${MARK}${name}\u0000`;
}

/** True when a secret mark, whole or mangled by another helper, is in the text. */
export function hasSecretMark(rendered: string): boolean {
  return rendered.includes(NONCE);
}

/**
 * Rendered text with its marks replaced by placeholders, and where each placeholder starts. mangled: a mark went
 * through another helper ({{json (secret "x")}}) and can no longer be filled.
 */
export function takeSecretMarks(rendered: string): { content: string; secrets: SecretRef[]; mangled: boolean } {
  if (!rendered.includes(NONCE)) return { content: rendered, secrets: [], mangled: false };
  const secrets: SecretRef[] = [];
  let content = '';
  let last = 0;
  for (const m of rendered.matchAll(MARK_RE)) {
    content += rendered.slice(last, m.index);
    secrets.push({ name: m[1], at: content.length });
    content += SECRET_PLACEHOLDER(m[1]);
    last = m.index + m[0].length;
  }
  content += rendered.slice(last);
  return { content, secrets, mangled: content.includes(NONCE) };
}
