/** What `homeshift preflight` found: the repository's readiness and one record per selected PC. */
import type { Advice } from './advice.js';
import type { ErrorClass } from './result.js';

/** Something about the rollout repository or the control machine that stops any run (exit 2). */
export interface RepositoryFinding {
  kind: 'validation' | 'secret' | 'identity' | 'known-hosts';
  subject: string; // the rule id, the secret's name, the identity file / agent socket, or the known_hosts file
  message: string;
  whatToDo: string;
}

export interface MachineReadiness {
  machine: string;
  site: string;
  os: string;
  ready: boolean;
  errorClass: ErrorClass | null; // null when ready
  message: string; // "ready" when ready
  whatToDo: string | null; // adviceFor's sentence; null when ready
  who: Advice['who'] | null; // who usually acts; null when ready
}

export interface SiteReadiness {
  site: string;
  machines: number;
  ready: number;
  notReady: number;
}

export interface PreflightReport {
  ready: boolean; // repository and every PC
  repository: { ready: boolean; findings: RepositoryFinding[] };
  sites: SiteReadiness[];
  machines: MachineReadiness[]; // in plan order
}

/** Count per site, sorted by site. */
export function countReadiness(machines: MachineReadiness[]): SiteReadiness[] {
  const sites = new Map<string, SiteReadiness>();
  for (const m of machines) {
    const s = sites.get(m.site) ?? { site: m.site, machines: 0, ready: 0, notReady: 0 };
    s.machines++;
    if (m.ready) s.ready++;
    else s.notReady++;
    sites.set(m.site, s);
  }
  return [...sites.values()].sort((a, b) => a.site.localeCompare(b.site));
}
