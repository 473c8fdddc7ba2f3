import { printable } from '../../model/printable.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text and attribute values for HTML and SVG: every markup character escaped, controls and bidi overrides shown as escapes. */
export function escapeHtml(value: unknown): string {
  return printable(value, { keepLines: true }).replace(/[&<>"']/g, (ch) => ENTITIES[ch]);
}

/** A CSS class suffix from free text (error classes, states): only [a-z0-9-]. */
export function toClassName(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
}

/** Pluralised count: "1 machine", "3 machines". */
export function countOf(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "Name <email>" (a case owner) as the name with the address below it, as a mailto link. */
export function renderPerson(owner: string): string {
  const match = /^(.*?)\s*<([^<>\s]+@[^<>\s]+)>$/.exec(owner);
  if (!match) return `<span class="person">${escapeHtml(owner)}</span>`;
  const [, name, email] = match;
  return `<span class="person">${escapeHtml(name || email)}<a class="mail" href="mailto:${escapeHtml(encodeURI(email))}">${escapeHtml(email)}</a></span>`;
}
