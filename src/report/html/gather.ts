import {
  groupWorklists, lastResults, listErrors, statusBySite,
  type ErrorGroup, type EscalationPolicy, type JournalStore, type LastResult, type StatusReport, type SupporterWorklist,
} from '../../journal/index.js';
import type { ErrorClass } from '../../model/result.js';
import type { Routing } from '../../model/index.js';
import { groupReactions, type GroupReaction } from './owner-groups.js';
import { homeReadyOverTime, type HomeReadyPoint } from './home-ready.js';
import type { Language } from '../../model/project.js';

/** What the report knows of a machine from the inventory. */
export interface ReportMachine {
  id: string;
  site: string;
  role: string;
  os: string;
}

export interface ReportSite {
  id: string;
  name: string;
  language?: Language; // its supporters' language: their worklists (default en)
}

export interface ReportInput {
  title: string;
  store: JournalStore;
  machines: ReportMachine[];
  only?: boolean; // machines is a selection (--limit): machines only the journal knows are left out
  sites: ReportSite[];
  planHashes: Map<string, string>; // machine -> current plan hash (for stale machines)
  escalation: EscalationPolicy;
  routing?: Routing; // homeshift.yaml's routing, for the view per owner group
  now: Date;
}

export type MachineState = 'done' | 'open' | 'stale' | 'never tried';

/** One row of the machine table. */
export interface MachineRow extends ReportMachine {
  state: MachineState;
  lastStatus: string | null; // the newest finished result: ok, changed, failed, unreachable, ...
  lastRun: string | null; // when that result finished
  runId: string | null;
  errorClass: ErrorClass | null;
  message: string | null;
  escalated: boolean;
  rebootPending?: true; // waits for a restart (status' reboot pending)
  deferred?: string; // a disturbing step waits for its window of time or for the user to log off: why
}

/** Everything the HTML report shows, gathered from the journal and the project before rendering. */
export interface HtmlReportData {
  title: string;
  generatedAt: string;
  journal: string; // which kind of journal, never its path or server
  runs: number;
  siteNames: Record<string, string>;
  siteLanguages: Record<string, Language>;
  status: StatusReport;
  causes: ErrorGroup[];
  homeReady: HomeReadyPoint[];
  worklists: SupporterWorklist[];
  groups: GroupReaction[];
  machines: MachineRow[];
}

function stateOf(open: boolean, success: string | undefined, planHash: string | undefined): MachineState {
  if (open) return 'open';
  if (success === undefined) return 'never tried';
  return planHash !== undefined && planHash !== success ? 'stale' : 'done';
}

function machineRow(m: ReportMachine, last: LastResult | undefined, state: MachineState, escalated: boolean): MachineRow {
  return {
    ...m, state, escalated,
    lastStatus: last?.status ?? null,
    lastRun: last?.finishedAt ?? last?.runStartedAt ?? null,
    runId: last?.runId ?? null,
    errorClass: last?.errorClass ?? null,
    message: last?.message ?? null,
  };
}

/** Reads the journal once for every section of the report. */
export async function gatherReportData(input: ReportInput): Promise<HtmlReportData> {
  const { store, now, escalation } = input;
  const status = await statusBySite(store, { now, planHashes: input.planHashes, machines: input.machines, only: input.only, escalation });
  const errors = await listErrors(store, { group: true, now, escalation, machines: input.only ? input.machines.map((m) => m.id) : undefined });
  const cases = status.sites.flatMap((s) => s.cases);
  const openByMachine = new Map(cases.map((c) => [c.machine, c]));
  const successes = new Map((await store.listMachineStates()).map((s) => [s.machine, s.lastSuccessPlanHash]));
  const last = await lastResults(store);

  const inventory = new Map(input.machines.map((m) => [m.id, m]));
  for (const [id, r] of last) if (!inventory.has(id) && !input.only) inventory.set(id, { id, site: r.site, role: '', os: '' });
  const rebooting = new Set(status.sites.flatMap((s) => s.rebootPending ?? []));
  const deferred = new Map((await store.listDeferred()).map((d) => [d.machine, (d.reason ?? 'deferred').replace(/^deferred: /, '')]));
  const machines = [...inventory.values()].map((m) => {
    const c = openByMachine.get(m.id);
    const row = machineRow(m, last.get(m.id), stateOf(c !== undefined, successes.get(m.id), input.planHashes.get(m.id)), c?.escalated ?? false);
    const waits = deferred.get(m.id);
    return { ...row, ...(rebooting.has(m.id) ? { rebootPending: true as const } : {}), ...(waits ? { deferred: waits } : {}) };
  });
  machines.sort((a, b) => a.site.localeCompare(b.site) || a.id.localeCompare(b.id));

  return {
    title: input.title,
    generatedAt: now.toISOString(),
    journal: /^postgres(ql)?:/.test(store.location) ? 'PostgreSQL journal' : 'SQLite journal',
    runs: (await store.listRuns()).length,
    siteNames: Object.fromEntries(input.sites.map((s) => [s.id, s.name])),
    siteLanguages: Object.fromEntries(input.sites.map((s) => [s.id, s.language ?? 'en'])),
    status,
    causes: errors.grouped ? errors.groups : [],
    homeReady: await homeReadyOverTime(store),
    worklists: groupWorklists(cases),
    groups: groupReactions(cases, input.routing),
    machines,
  };
}
