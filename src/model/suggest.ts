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
