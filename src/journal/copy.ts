import type { JournalCounts, JournalStore } from './store.js';

/** What a copy wrote: whole runs (with their machines and steps), and the current case and state per machine. */
export interface CopySummary {
  runs: number;
  runsSkipped: number; // already in the target (merge)
  runMachines: number;
  steps: number;
  cases: number;
  machineStates: number;
  caseEvents: number; // case history entries the target did not hold yet
  deliveries: number; // what notify reported to whom, where the source's is newer than the target's
  compliance: number; // compliance records where the source's check is newer than the target's
  applied: number; // PCs' applied states where the source's is newer than the target's
}

/**
 * Copy every run, oldest first, each in one transaction of the target, then cases and machine states (for a machine
 * both journals know, the newer is kept), then the cases' history (entries the target already holds are skipped) and notify's deliveries (the newer per recipient,
 * digest and machine) and the parks (the newer per machine), and the compliance records (the newer check per machine) and what was applied to each PC (the newer per machine). Leases are not copied: they belong to the processes of the
 * source journal; nor is keep's last-seen record, which the next sweep writes anew.
 */
export async function copyJournal(source: JournalStore, target: JournalStore): Promise<CopySummary> {
  const summary: CopySummary = { runs: 0, runsSkipped: 0, runMachines: 0, steps: 0, cases: 0, machineStates: 0, caseEvents: 0, deliveries: 0, compliance: 0, applied: 0 };
  for (const run of (await source.listRuns()).reverse()) {
    const machines = await source.listRunMachines({ runId: run.id });
    const steps = await source.listRunSteps(run.id);
    if (await target.importRun(run, machines, steps)) {
      summary.runs++;
      summary.runMachines += machines.length;
      summary.steps += steps.length;
    } else summary.runsSkipped++;
  }
  const current = await target.importCurrent(await source.listCases(), await source.listMachineStates());
  summary.cases = current.cases;
  summary.machineStates = current.machineStates;
  summary.caseEvents = await target.importCaseEvents(await source.caseEvents());
  const held = new Map((await target.listDeliveries()).map((d) => [`${d.recipient}\u0000${d.digest}\u0000${d.machine}`, d.deliveredAt]));
  const newer = (await source.listDeliveries()).filter((d) => {
    const at = held.get(`${d.recipient}\u0000${d.digest}\u0000${d.machine}`);
    return at === undefined || Date.parse(at) < Date.parse(d.deliveredAt);
  });
  await target.recordDeliveries(newer);
  summary.deliveries = newer.length;
  const parked = new Map((await target.listParks()).map((p) => [p.machine, p.parkedAt]));
  for (const park of await source.listParks()) {
    const at = parked.get(park.machine);
    if (at === undefined || Date.parse(at) < Date.parse(park.parkedAt)) await target.parkMachine(park);
  }
  summary.compliance = await target.importCompliance(await source.listCompliance());
  summary.applied = await target.importApplied(await source.listApplied());
  return summary;
}

/** The rows a full copy into an empty journal must have written; the names of those it did not. */
export function missingAfterCopy(source: JournalCounts, target: JournalCounts): string[] {
  return (Object.keys(source) as (keyof JournalCounts)[]).filter((key) => target[key] !== source[key]).map((key) => `${key}: ${source[key]} in the source, ${target[key]} in the target`);
}
