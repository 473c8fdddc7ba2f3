/** Replaces every secret value in a text with [redacted:NAME]; secrets never reach logs, the journal or reports. */
export type Redactor = (text: string) => string;

export function createRedactor(secrets: Record<string, string>): Redactor {
  const pairs = Object.entries(secrets)
    .filter(([, value]) => value.length >= 3)
    .sort((a, b) => b[1].length - a[1].length);
  if (pairs.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const [name, value] of pairs) {
      if (out.includes(value)) out = out.split(value).join(`[redacted:${name}]`);
    }
    return out;
  };
}
