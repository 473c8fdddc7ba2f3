/**
 * Text from data made safe for a terminal or a page: C0 and C1 controls, bidi controls and line separators become
 * visible escapes (\n, \t, \u001B, \u202E), so a name can neither move the cursor, recolour the screen, change the
 * window title, reorder the line it is on nor fake a line of its own. keepLines keeps \n and \t (multi-line blocks
 * such as file contents and stderr tails, shown line by line).
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const UNSAFE_TEST = new RegExp(UNSAFE.source);
const SHORT: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeChar(ch: string): string {
  return SHORT[ch] ?? `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

export function printable(value: unknown, opts: { keepLines?: boolean } = {}): string {
  const text = String(value ?? '');
  if (!UNSAFE_TEST.test(text)) return text;
  return text.replace(UNSAFE, (ch) => (opts.keepLines && (ch === '\n' || ch === '\t') ? ch : escapeChar(ch)));
}
