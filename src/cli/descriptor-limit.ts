import { readFileSync } from 'node:fs';

/** Open files one machine in flight may hold: its SSH socket, and room for a log append and a journal write. */
const PER_SESSION = 3;
const BASE = 64; // node itself, stdio, the journal

export interface OpenFileLimit {
  soft: number;
  hard: number;
}

/** The process's soft and hard limit of open files, from Linux /proc/self/limits; null where there is none. */
export function readOpenFileLimit(limitsText?: string): OpenFileLimit | null {
  let text = limitsText;
  try {
    text ??= readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return null;
  }
  const match = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(text);
  if (!match) return null;
  const value = (field: string) => (field === 'unlimited' ? Infinity : Number(field));
  return { soft: value(match[1]), hard: value(match[2]) };
}

/**
 * One line for the start of a run whose sessions may not all get a descriptor under the soft limit (Node cannot
 * raise its own limit), with the way out; null when they fit or the limit is unknown.
 */
export function describeDescriptorShortage(sessions: number, limit: OpenFileLimit | null): string | null {
  const needed = sessions * PER_SESSION + BASE;
  if (!limit || needed <= limit.soft) return null;
  const fit = Math.max(1, Math.floor((limit.soft - BASE) / PER_SESSION));
  const way = needed <= limit.hard
    ? `raise it first with: ulimit -n ${Number.isFinite(limit.hard) ? Math.min(limit.hard, Math.max(needed, 8192)) : Math.max(needed, 8192)}`
    : `the hard limit is ${limit.hard}: raise it (limits.conf, or LimitNOFILE= of the service), or use --forks ${fit}`;
  return `homeshift: --forks ${sessions} needs about ${needed} open files, more than the soft limit of ${limit.soft} (ulimit -n), so some PCs may fail to connect; ${way}`;
}
