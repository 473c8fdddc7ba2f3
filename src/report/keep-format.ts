import type { ParkRecord, PresenceRecord } from '../journal/index.js';
import { localTime } from '../model/local-time.js';

export interface KeepState {
  notSeen: { site: string; machines: { machine: string; since: string; lastSeen: string | null }[] }[]; // per site, oldest first
  parked: { machine: string; until: string; note: string | null; who: string }[];
}

/** The PCs keep has not seen since a probe went unanswered, per site, and the parks in force at `now`. */
export function keepState(presence: PresenceRecord[], parks: ParkRecord[], now: Date, only?: Set<string>): KeepState {
  const bySite = new Map<string, KeepState['notSeen'][number]['machines']>();
  for (const p of presence) {
    if (p.unseenSince === null || (only && !only.has(p.machine))) continue;
    const list = bySite.get(p.site) ?? [];
    list.push({ machine: p.machine, since: p.unseenSince, lastSeen: p.lastSeen });
    bySite.set(p.site, list);
  }
  const notSeen = [...bySite.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([site, machines]) => ({ site, machines: machines.sort((a, b) => a.since.localeCompare(b.since) || a.machine.localeCompare(b.machine)) }));
  const parked = parks.filter((p) => Date.parse(p.until) > now.getTime() && (!only || only.has(p.machine))).map(({ machine, until, note, who }) => ({ machine, until, note, who }));
  return { notSeen, parked };
}

/** Lines for people; none when keep has nothing to say. */
export function formatKeepState(state: KeepState): string[] {
  const lines: string[] = [];
  for (const { site, machines } of state.notSeen) {
    const shown = machines.slice(0, 5).map((m) => `${m.machine} (not seen since ${localTime(m.since)}${m.lastSeen ? `, last seen ${localTime(m.lastSeen)}` : ''})`);
    lines.push(`offline at ${site}: ${machines.length} PC(s): ${shown.join(', ')}${machines.length > 5 ? ', …' : ''}`);
  }
  for (const p of state.parked) lines.push(`parked: ${p.machine} until ${localTime(p.until)}${p.note ? `: ${p.note}` : ''} (by ${p.who})`);
  return lines;
}
