/**
 * The journal remembers what homeshift put on each PC: per step that succeeded, its version, files (hashes) and
 * packages (and how they were installed); steps no longer planned stay until taken away. Both stores.
 */
import { copyJournal, createJournalWriter } from '../../src/journal/index.js';
import type { JournalStore } from '../../src/journal/index.js';
import { appliedUpdateOf, installedBy, removableOf } from '../../src/model/applied-state.js';
import { SECRET_PLACEHOLDER, type MachinePlan, type Plan, type PlannedStep } from '../../src/model/plan.js';
import type { MachineResult, StepResult } from '../../src/model/result.js';
import { finished } from './fixtures.js';
import { eachStore } from './stores.js';

const T0 = Date.parse('2026-11-20T08:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();
const CRM = '{6F1A2B3C-4D5E-4F60-8172-93A4B5C6D7E8}';
const scripts: Plan['scripts'] = {
  'windows/bundle.ps1': { hash: 'b1', text: '' },
  'windows/mailbox.ps1': { hash: 'm1', text: '' },
  'windows/check-screen-lock.ps1': { hash: 'c1', text: '' },
};

const step = (id: string, script: string, vars: Record<string, string>, files: PlannedStep['files'] = [], checkOnly = false): PlannedStep =>
  ({ id, title: id, script, vars, files, secrets: [], checkOnly, timeout: 60 });

function plan(hash: string, steps: PlannedStep[]): MachinePlan {
  return { machine: { id: 'BRU-D0001', host: 'h', port: 22, os: 'windows', site: 'bru', role: 'hotline-agent' }, profile: { name: 'hotline-agent', chain: ['home-office-base', 'hotline-agent'] }, steps, hash } as unknown as MachinePlan;
}

const checkStep = step('check:screen-lock', 'windows/check-screen-lock.ps1', { HS_SCREEN_LOCK_MINUTES: '5' }, [], true);
const crm = (packages: string) => step('bundle:crm', 'windows/bundle.ps1', {
  HS_BUNDLE_NAME: 'crm', HS_BUNDLE_VERSION: '4', HS_PACKAGES: packages,
  HS_MSI_PACKAGES: `${CRM}\t4.2.1\tcrm-connector\tC:\\ProgramData\\homeshift\\cache\\ab\\crm.msi\t/qn`,
});
const mailbox = (shared: string) => step('mailbox', 'windows/mailbox.ps1', { HS_MAILBOX_SHARED: shared }, [
  { path: 'ProgramData/homeshift/outlook.prf', content: `AdditionalMailbox1=${shared}\nPassword=${SECRET_PLACEHOLDER('mail')}\n`, mode: '0644', secrets: [{ name: 'mail', at: 0 }] },
]);

function result(p: MachinePlan, at: number, statuses: Record<string, StepResult['status']> = {}): MachineResult {
  const steps: StepResult[] = p.steps.map((s) => {
    const status = statuses[s.id] ?? 'changed';
    // the PC says it installed the winget packages; the MSI it found
    const installed = status === 'changed' ? installedBy(s).filter((p) => p.via === 'winget').map((p) => ({ via: p.via, id: p.id })) : [];
    return { step: s.id, status, errorClass: status === 'failed' ? 'step-failed' : null, exitCode: status === 'failed' ? 1 : 0, durationMs: 5, stdoutTail: '', stderrTail: '', message: null, ...(installed.length ? { installed } : {}) };
  });
  const failed = steps.some((s) => s.status === 'failed');
  return { machine: 'BRU-D0001', site: 'bru', status: failed ? 'failed' : 'changed', errorClass: failed ? 'step-failed' : null, message: failed ? 'apply exited 1' : null, fingerprint: null, attempts: 1, startedAt: iso(at), finishedAt: iso(at), durationMs: 10, planHash: p.hash, steps };
}

async function apply(store: JournalStore, runId: string, p: MachinePlan, r: MachineResult): Promise<void> {
  await store.startRun({ id: runId, mode: 'apply', startedAt: r.startedAt, commandLine: 'homeshift rollout', planHash: p.hash, selector: null }, [{ machine: r.machine, site: r.site, wave: 1, planHash: p.hash }]);
  const writer = createJournalWriter(store, { runId, applied: (res) => appliedUpdateOf(p, scripts, res, runId) });
  writer(finished(r, 1));
  writer({ kind: 'run-finished', outcome: r.status === 'failed' ? 'failed' : 'ok', counts: {} as never, at: r.finishedAt });
  await writer.close();
}

describe('what was applied, in the journal', () => eachStore((open) => {
  let store: JournalStore;
  beforeEach(async () => {
    store = (await open()).store;
  });
  afterEach(async () => {
    await store.close();
  });

  it('keeps per PC the steps that succeeded: files with their planned text (a secret only as its placeholder), packages with how they were installed; checks are not applied state', async () => {
    const first = plan('plan-1', [checkStep, crm('Citrix.Workspace=24.5.0.76'), mailbox('hotline-bruehl@example-telco.de')]);
    await apply(store, 'r1', first, result(first, T0));
    const [state] = await store.listApplied();
    expect(state).toMatchObject({ machine: 'BRU-D0001', site: 'bru', profile: 'hotline-agent', planHash: 'plan-1', updatedAt: iso(T0) });
    expect(state.steps.map((s) => s.step)).toEqual(['bundle:crm', 'mailbox']);
    expect(state.steps[0].installed).toEqual([
      { via: 'winget', id: 'Citrix.Workspace', version: '24.5.0.76', by: 'homeshift' },
      { via: 'msi', id: CRM, version: '4.2.1', name: 'crm-connector', by: 'found' },
    ]);
    expect(state.steps[1]).toMatchObject({ script: 'windows/mailbox.ps1', scriptHash: 'm1', runId: 'r1', files: [{ path: 'ProgramData/homeshift/outlook.prf', mode: '0644' }] });
    expect(state.steps[1].files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(state.steps[1].files[0].content).toBe(`AdditionalMailbox1=hotline-bruehl@example-telco.de\nPassword=${SECRET_PLACEHOLDER('mail')}\n`); // the placeholder, never a value
    expect(await store.listApplied(['BRU-D0001', 'BRU-D0404'])).toEqual([state]);
    // what removal reads: the same record without the files' texts
    const removable = removableOf(state);
    expect(await store.listRemovable(['BRU-D0001', 'BRU-D0404'])).toEqual([removable]);
    expect(await store.listRemovable()).toEqual([removable]);
    expect(JSON.stringify(removable)).not.toContain('AdditionalMailbox1');
  });

  it('a failed run records the steps that succeeded and keeps the plan hash of the last whole success', async () => {
    const first = plan('plan-1', [crm('Citrix.Workspace=24.5.0.76'), mailbox('hotline-bruehl@example-telco.de')]);
    await apply(store, 'r1', first, result(first, T0));
    const second = plan('plan-2', [crm('Citrix.Workspace=24.5.0.76'), mailbox('hotline-nrw@example-telco.de')]);
    await apply(store, 'r2', second, result(second, T0 + 1000, { mailbox: 'failed' }));
    const [state] = await store.listApplied();
    expect(state.planHash).toBe('plan-1');
    expect(state.steps.find((s) => s.step === 'mailbox')).toMatchObject({ runId: 'r1', vars: { HS_MAILBOX_SHARED: 'hotline-bruehl@example-telco.de' } });
    expect(state.steps.find((s) => s.step === 'bundle:crm')?.runId).toBe('r2');
  });

  it('a step no longer planned stays until taken away; what a new version of a step no longer installs is left behind', async () => {
    const first = plan('plan-1', [crm('Citrix.Workspace=24.5.0.76\nHibbiki.Chromium=130.0'), mailbox('hotline-bruehl@example-telco.de')]);
    await apply(store, 'r1', first, result(first, T0));
    const second = plan('plan-2', [crm('Citrix.Workspace=24.5.0.76')]);
    await apply(store, 'r2', second, result(second, T0 + 1000));
    const [state] = await store.listApplied();
    expect(state.planHash).toBe('plan-2');
    expect(state.steps.map((s) => [s.step, s.runId])).toEqual([['bundle:crm', 'r2'], ['mailbox', 'r1']]);
    expect(state.steps[0].leftBehind).toEqual({ installed: [{ via: 'winget', id: 'Hibbiki.Chromium', version: '130.0', by: 'homeshift' }], files: [] });
  });

  it('keeps what a failed step installed (claimed) until the step succeeds; removal reads it', async () => {
    const claim = { step: 'bundle:crm', installed: [{ via: 'winget' as const, id: 'Citrix.Workspace', version: '24.5.0.76', by: 'homeshift' as const }] };
    await store.recordApplied([{ machine: 'BRU-D0001', site: 'bru', profile: 'hotline-agent', planHash: null, steps: [], claimed: [claim], at: iso(T0) }]);
    const [state] = await store.listApplied();
    expect([state.steps, state.claimed]).toEqual([[], [claim]]);
    expect(await store.listRemovable()).toEqual([{ machine: 'BRU-D0001', steps: [{ step: 'bundle:crm', installed: claim.installed, files: [] }] }]);
    const first = plan('plan-1', [crm('Citrix.Workspace=24.5.0.76')]);
    await apply(store, 'r1', first, result(first, T0 + 1000));
    const [after] = await store.listApplied();
    expect([after.steps[0].installed[0].by, after.claimed]).toEqual(['homeshift', undefined]);
  });

  it('journal copy carries the applied states, the newer per machine', async () => {
    const first = plan('plan-1', [crm('Citrix.Workspace=24.5.0.76')]);
    await apply(store, 'r1', first, result(first, T0));
    const target = (await open()).store;
    try {
      expect((await copyJournal(store, target)).applied).toBe(1);
      expect(await target.listApplied()).toEqual(await store.listApplied());
      expect((await copyJournal(store, target)).applied).toBe(0);
    } finally {
      await target.close();
    }
  });
}));
