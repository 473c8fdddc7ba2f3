import type { ComplianceRecord, DeferredRecord, ParkRecord, PresenceRecord } from '../journal/index.js';
import { localTime } from '../model/local-time.js';

export interface KeepState {
  notSeen: { site: string; machines: { machine: string; since: string; lastSeen: string | null }[] }[]; // per site, oldest first
  parked: { machine: string; until: string; note: string | null; who: string }[];
  compliance: SiteCompliance[]; // per site; empty unless a profile sets compliance.every
  deferred?: SiteDeferred[]; // per site: PCs whose disturbing steps wait for the window of time
}

/** A site's PCs whose newest run left a disturbing step (or the restart) for later; until: when the window opens. */
export interface SiteDeferred {
  site: string;
  until: string | null; // "18:00 Europe/Berlin"; null: the site has no window (a user was logged on)
  machines: { machine: string; reason: string; since: string | null }[];
}

/** The deferred PCs per site, with when each site's window opens. */
export function deferredBySite(records: DeferredRecord[], opensAt: (site: string) => string | null): SiteDeferred[] {
  const sites = new Map<string, SiteDeferred>();
  for (const r of records) {
    const s = sites.get(r.site) ?? { site: r.site, until: opensAt(r.site), machines: [] };
    sites.set(r.site, s);
    s.machines.push({ machine: r.machine, reason: (r.reason ?? 'deferred').replace(/^deferred: /, ''), since: r.since });
  }
  return [...sites.values()].sort((a, b) => a.site.localeCompare(b.site));
}

/** A site's compliance: its PCs, how many comply, which do not (with the check, since when), how many were never checked. */
export interface SiteCompliance {
  site: string;
  machines: number;
  compliant: number;
  notCompliant: { machine: string; check: string | null; since: string }[];
  unknown: number;
}

/** Per site, of `machines` (the inventory's, or every PC with a record): the compliance records as shares. */
export function complianceBySite(records: ComplianceRecord[], machines?: { id: string; site: string }[]): SiteCompliance[] {
  const byId = new Map(records.map((r) => [r.machine, r]));
  const pcs = machines ?? records.map((r) => ({ id: r.machine, site: r.site }));
  const sites = new Map<string, SiteCompliance>();
  for (const m of pcs) {
    const s = sites.get(m.site) ?? { site: m.site, machines: 0, compliant: 0, notCompliant: [], unknown: 0 };
    sites.set(m.site, s);
    s.machines++;
    const r = byId.get(m.id);
    if (!r) s.unknown++;
    else if (r.state === 'compliant') s.compliant++;
    else s.notCompliant.push({ machine: m.id, check: r.check, since: r.since });
  }
  return [...sites.values()].sort((a, b) => a.site.localeCompare(b.site)).map((s) => ({ ...s, notCompliant: s.notCompliant.sort((a, b) => a.since.localeCompare(b.since) || a.machine.localeCompare(b.machine)) }));
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
  return { notSeen, parked, compliance: [] };
}

/** Lines for people; none when keep has nothing to say. */
export function formatKeepState(state: KeepState): string[] {
  const lines: string[] = [];
  for (const { site, machines } of state.notSeen) {
    const shown = machines.slice(0, 5).map((m) => `${m.machine} (not seen since ${localTime(m.since)}${m.lastSeen ? `, last seen ${localTime(m.lastSeen)}` : ''})`);
    lines.push(`offline at ${site}: ${machines.length} PC(s): ${shown.join(', ')}${machines.length > 5 ? ', …' : ''}`);
  }
  for (const c of state.compliance) {
    const share = c.machines === 0 ? 0 : Math.round((100 * c.compliant) / c.machines);
    const shown = c.notCompliant.slice(0, 5).map((n) => `${n.machine} (${n.check ?? 'a check'} since ${localTime(n.since)})`);
    const parts = [`compliant at ${c.site}: ${c.compliant}/${c.machines} (${share}%)`];
    if (shown.length > 0) parts.push(`not compliant: ${shown.join(', ')}${c.notCompliant.length > 5 ? ', …' : ''}`);
    if (c.unknown > 0) parts.push(`${c.unknown} not checked yet`);
    lines.push(parts.join('; '));
  }
  for (const d of state.deferred ?? []) {
    const shown = d.machines.slice(0, 5).map((m) => `${m.machine} (${m.reason})`);
    lines.push(`deferred at ${d.site}${d.until ? ` until ${d.until}` : ''}: ${d.machines.length} PC(s): ${shown.join(', ')}${d.machines.length > 5 ? ', …' : ''}`);
  }
  for (const p of state.parked) lines.push(`parked: ${p.machine} until ${localTime(p.until)}${p.note ? `: ${p.note}` : ''} (by ${p.who})`);
  return lines;
}
