/** Edit distance (insert, delete, replace one character): how far a typed name is from a known one. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

/** The known names nearest to a typed one (case-insensitive), nearest first. */
export function nearestNames(typed: string, known: Iterable<string>, count = 3): string[] {
  const t = typed.toLowerCase();
  return [...new Set(known)]
    .map((k) => ({ k, d: editDistance(t, k.toLowerCase()) }))
    .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))
    .slice(0, count)
    .map((x) => x.k);
}

/** A typed name as it is known: the exact one, else the one that differs only by case; null when none is. */
export function knownName(typed: string, known: Iterable<string>): string | null {
  const lower = typed.toLowerCase();
  let folded: string | null = null;
  for (const k of known) {
    if (k === typed) return k;
    if (folded === null && k.toLowerCase() === lower) folded = k;
  }
  return folded;
}

/** "; did you mean A, B?" for a name that is not known, or '' when nothing is known. */
export function didYouMean(typed: string, known: Iterable<string>): string {
  const nearest = nearestNames(typed, known);
  return nearest.length > 0 ? `; did you mean ${nearest.join(', ')}?` : '';
}
