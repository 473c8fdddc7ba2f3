/**
 * Waves and the failure threshold.
 * `--waves 1,10%,100%` lists wave sizes (a count or a share of the selected machines); the last size repeats until
 * every machine had its turn, as Ansible's `serial` does. `--max-failures 5%` or `5`: the run halts when more of the
 * PCs it reached failed than that; within a wave the count is taken against the whole selection, and when a wave ends
 * the share of failures among the PCs reached so far is checked too, so a failed canary stops the next wave.
 * Unreachable PCs (switched off, no route) are not failures of the rollout: they count apart, against their own
 * optional threshold (`--max-unreachable`), measured on the PCs tried.
 */
export type Amount = { count: number } | { percent: number };

export class OptionError extends Error {}

export function parseAmount(text: string, what: string): Amount {
  const t = text.trim();
  const pct = /^(\d+(?:\.\d+)?)%$/.exec(t);
  if (pct) {
    const percent = Number(pct[1]);
    if (percent <= 0 || percent > 100) throw new OptionError(`${what}: ${t} must be a share between 0% and 100%`);
    return { percent };
  }
  if (/^\d+$/.test(t)) return { count: Number(t) };
  throw new OptionError(`${what}: "${t}" is neither a count (5) nor a share (10%)`);
}

export function parseWaves(spec: string): Amount[] {
  const parts = spec.split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) throw new OptionError('--waves: give at least one wave size, e.g. 1,10%,100%');
  return parts.map((p) => {
    const a = parseAmount(p, '--waves');
    if ('count' in a && a.count < 1) throw new OptionError('--waves: a wave needs at least 1 machine');
    return a;
  });
}

function resolve(amount: Amount, total: number): number {
  if ('count' in amount) return amount.count;
  return Math.max(1, Math.ceil((amount.percent / 100) * total));
}

/** Sizes of the waves for `total` machines, e.g. 300 with 1,10%,100% -> [1, 30, 269]. */
export function waveSizes(waves: Amount[], total: number): number[] {
  const sizes: number[] = [];
  let left = total;
  let i = 0;
  while (left > 0) {
    const size = Math.min(left, resolve(waves[Math.min(i, waves.length - 1)], total));
    sizes.push(size);
    left -= size;
    i++;
  }
  return sizes;
}

/** The machines cut into waves, in order: the one assignment the journal's pending rows and the scheduler share. */
export function assignWaves<T>(items: readonly T[], waves: Amount[]): T[][] {
  let offset = 0;
  return waveSizes(waves, items.length).map((n) => items.slice(offset, (offset += n)));
}

export interface Threshold {
  /** Largest number of failed machines tolerated over the whole selection. */
  limit: number;
  /** Share tolerated among machines done so far, checked at the end of each wave (null for a plain count). */
  share: number | null;
  text: string;
}

/** An amount as the option takes it: `5` or `5%`. */
export function amountText(amount: Amount): string {
  return 'count' in amount ? String(amount.count) : `${amount.percent}%`;
}

export function makeThreshold(amount: Amount | null, total: number): Threshold {
  if (!amount) return { limit: Number.POSITIVE_INFINITY, share: null, text: 'none' };
  if ('count' in amount) return { limit: amount.count, share: null, text: `${amount.count} PC${amount.count === 1 ? '' : 's'}` };
  return { limit: Math.floor((amount.percent / 100) * total), share: amount.percent / 100, text: `${amount.percent}%` };
}

export function exceedsDuringWave(t: Threshold, failed: number): boolean {
  return failed > t.limit;
}

export function exceedsAtWaveEnd(t: Threshold, failed: number, done: number): boolean {
  if (failed > t.limit) return true;
  return t.share !== null && done > 0 && failed / done > t.share;
}
