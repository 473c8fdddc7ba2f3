import { installedBy, packageKey, REMOVE_PREFIX, type InstalledPackage, type RemovableState, type RemovableStep } from '../model/applied-state.js';
import type { MachinePlan, Plan, PlannedStep } from '../model/plan.js';
import type { Project } from '../model/project.js';
import { sha256 } from './hash.js';
import { PlanError } from './plan-error.js';

/**
 * Removal: what the journal says homeshift put on a PC (model/applied-state.ts) and the PC's plan no longer has becomes
 * a removal step `remove:<step id>` at the end of its plan: the packages homeshift installed (never one it found on the
 * PC, nor one of a bundle that says `onRemove: keep`), the files the step wrote, an old VPN connection, Outlook's import
 * of homeshift's mailbox profile. At the end, so that nothing is taken away before what replaces it is in place, and
 * nothing at all on a PC where a step failed. Like restart steps, removal steps are added for a run (and for what
 * `rollout --check` shows) and leave the machines' plan hashes alone: a retired PC, a changed profile or bundle have
 * plan hashes of their own.
 */

const SCRIPT = { windows: 'windows/remove.ps1', linux: 'linux/remove.sh' } as const;
const DEFAULT_TIMEOUT = 600; // seconds: uninstallers take their time

/** What one removal step takes away (and what it leaves alone, said in the log). */
export interface Removal {
  step: string; // the applied step it removes (or cleans up after)
  whole: boolean; // the step is no longer planned: its record goes once this succeeds
  packages: InstalledPackage[];
  files: string[];
  vpn: string | null;
  mailbox: boolean;
  leftAlone: { name: string; why: string }[];
}

const isRemovable = (s: RemovableStep) => !s.step.startsWith('check:') && !s.step.startsWith(REMOVE_PREFIX);

function packageName(p: InstalledPackage): string {
  return `${p.name ?? p.id}${p.version ? ` ${p.version}` : ''} (${p.via}${p.name && p.name !== p.id ? ` ${p.id}` : ''})`;
}

/** The removals of one machine: pure, in the order of the applied steps' ids. */
export function removalsOf(project: Project, m: MachinePlan, applied: RemovableState | undefined): Removal[] {
  if (!applied) return [];
  const planned = new Map(m.steps.map((s) => [s.id, s]));
  // a package or file a planned step still has stays, whichever step put it there first (a package moved bundles)
  const wantedPackages = new Set(m.steps.flatMap((s) => installedBy(s).map(packageKey)));
  const wantedFiles = new Set(m.steps.flatMap((s) => s.files.map((f) => f.path)));
  const out: Removal[] = [];
  for (const a of applied.steps.filter(isRemovable)) {
    const now = planned.get(a.step);
    const keep = a.step.startsWith('bundle:') && project.bundles.get(a.step.slice('bundle:'.length))?.onRemove === 'keep';
    const packages = unique([...a.installed, ...(a.leftBehind?.installed ?? [])]).filter((p) => !wantedPackages.has(packageKey(p)));
    const files = [...new Set([...a.files, ...(a.leftBehind?.files ?? [])])].filter((f) => !wantedFiles.has(f)).sort();
    const oldVpn = a.step === 'vpn' ? a.vpn ?? '' : '';
    const vpn = oldVpn && oldVpn !== now?.vars.HS_VPN_NAME ? oldVpn : null;
    const mailbox = a.step === 'mailbox' && !now && m.machine.os === 'windows';
    const leftAlone = packages.filter((p) => keep || p.by !== 'homeshift').map((p) => ({
      name: packageName(p),
      why: keep ? 'its bundle says onRemove: keep' : 'it was on the PC before homeshift installed anything of it',
    }));
    const removed = packages.filter((p) => !keep && p.by === 'homeshift');
    if (now && !removed.length && !files.length && !vpn && !leftAlone.length) continue;
    out.push({ step: a.step, whole: !now, packages: removed, files, vpn, mailbox, leftAlone });
  }
  return out;
}

function unique(packages: InstalledPackage[]): InstalledPackage[] {
  return [...new Map(packages.map((p) => [packageKey(p), p])).values()];
}

function titleOf(r: Removal): string {
  if (!r.whole) return `Clean up after ${r.step}`;
  if (r.step === 'vpn' && r.vpn) return `Remove VPN connection ${r.vpn}`;
  if (r.step.startsWith('bundle:')) return `Remove bundle ${r.step.slice('bundle:'.length)}`;
  return `Remove ${r.step}`;
}

/** The removal as the PC's script reads it (templates/windows/remove.ps1, templates/linux/remove.sh). */
export function removalStep(r: Removal, os: MachinePlan['machine']['os'], timeout: number): PlannedStep {
  const vars: Record<string, string> = {
    HS_REMOVE_PACKAGES: r.packages.map((p) => [p.via, p.id, p.version, p.name ?? '', p.detect ?? '', ...(p.uninstall ? [p.uninstall] : [])].join('\t')).join('\n'),
    HS_REMOVE_FILES: r.files.join('\n'),
    HS_REMOVE_VPN: r.vpn ?? '',
    HS_REMOVE_MAILBOX: r.mailbox ? '1' : '',
    HS_LEFT_ALONE: r.leftAlone.map((l) => `${l.name}: ${l.why}`).join('\n'),
  };
  return { id: `${REMOVE_PREFIX}${r.step}`, title: titleOf(r), script: SCRIPT[os], vars, files: [], secrets: [], checkOnly: false, timeout };
}

/** The plan with each machine's removal steps at its end, from what the journal says was applied (by machine id). */
export function withRemovalSteps(project: Project, plan: Plan, applied: ReadonlyMap<string, RemovableState>): Plan {
  const scripts = { ...plan.scripts };
  let changed = false;
  const machines = plan.machines.map((m) => {
    const removals = removalsOf(project, m, applied.get(m.machine.id));
    if (!removals.length) return m;
    const script = SCRIPT[m.machine.os];
    if (!scripts[script]) {
      const source = project.templates.get(script);
      if (!source) throw new PlanError({ machine: m.machine.id, template: script, rule: 'unknown-template', message: `machine ${m.machine.id}: step script ${script} not found` });
      scripts[script] = { hash: sha256(source.text), text: source.text };
    }
    changed = true;
    const timeout = Math.max(DEFAULT_TIMEOUT, ...m.steps.map((s) => s.timeout));
    return { ...m, steps: [...m.steps, ...removals.map((r) => removalStep(r, m.machine.os, timeout))] };
  });
  if (!changed) return plan;
  const steps = machines.reduce((n, m) => n + m.steps.length, 0);
  return { ...plan, scripts, machines, summary: { ...plan.summary, steps } };
}
