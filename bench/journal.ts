/**
 * bench/journal: the journal's cost, for the SQLite file and a PostgreSQL server on loopback (started here).
 * 1. Overhead at N = 1,000: a simulated run's result stream at the rollout bench's rate (forks 50, 2.2 s per PC,
 *    8 steps each, in-process timers instead of SSH) recorded through the journal writer, with what each PC that
 *    succeeded had applied (the example's Windows plan: its steps, vars and files), against the same stream with
 *    no journal. Wall and CPU are both printed: on a busy machine the CPU figure is the steadier one.
 * 2. `status` and `errors --group` on a journal of 16,000 PCs x 5 runs, each timed as a child process (start included;
 *    with the child's CPU time where GNU time is installed), next to the store's own share measured in-process; status
 *    once without its plan-hashes.json (the first call after an edit of the repository), then twice with it.
 * Prints figures; asserts nothing. Usage: npm run bench -- journal [--quick]   (--quick: 200 PCs, 0.5 s each)
 */
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createJournalWriter, routeBySite, listErrors, openPostgresStore, openSqliteStore, statusBySite, DEFAULT_ESCALATION,
} from '../src/journal/index.js';
import type { JournalStore, MachineRecord } from '../src/journal/index.js';
import { generateFleet } from '../src/lab/generate.js';
import { fingerprintMessage } from '../src/model/fingerprint.js';
import type { MachineResult, MachineStatus, StepResult } from '../src/model/result.js';
import { appliedUpdateOf } from '../src/model/applied-state.js';
import type { MachinePlan, Plan } from '../src/model/plan.js';
import { POSTGRES_MISSING, postgresAvailable, startPostgres, type Postgres } from '../test/support/postgres.js';

const BIN = fileURLToPath(new URL('../../bin/homeshift.js', import.meta.url));
const quick = process.argv.includes('--quick');
const N = quick ? 200 : 1000;
const FORKS = 50;
const MACHINE_MS = quick ? 500 : 2200; // bench/rollout: p50 2.2 s per PC at forks 50
const FLEET = 16_000;
const RUNS = 5;
const STEPS = ['check:disk-encryption', 'check:screen-lock', 'vpn', 'bundle:base', 'bundle:softphone', 'mailbox', 'check:no-local-data', 'step:enrol-mdm'];
const CAUSES = ['mailbox not found for {m}@example-telco.de', 'disk full: 98% used on /home', 'winget exited 1603 installing Softphone', 'vpn gateway 10.20.{i}.1 refused the pre-shared key'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Machine i of run r: mostly fine, a few failures of a handful of causes, some unreachable. */
function resultOf(id: string, site: string, i: number, r: number, at: string, planHash: string): MachineResult {
  const x = (i * 31 + r * 17) % 100;
  const status: MachineStatus = x < 4 ? 'failed' : x < 5 ? 'unreachable' : x < 40 ? 'changed' : 'ok';
  const failAt = status === 'failed' ? 5 : status === 'unreachable' ? 0 : -1;
  const message = status === 'failed' ? `apply exited 3: ${CAUSES[i % CAUSES.length].replace('{m}', id.toLowerCase()).replace('{i}', String(i % 250))}`
    : status === 'unreachable' ? `connect ETIMEDOUT 10.1.${i % 250}.7:22` : null;
  const steps: StepResult[] = STEPS.map((step, s) => ({
    step,
    status: s === failAt ? (status === 'unreachable' ? 'unreachable' : 'failed') : failAt >= 0 && s > failAt ? 'skipped' : s % 2 ? 'ok' : 'changed',
    errorClass: s === failAt ? (status === 'unreachable' ? 'unreachable' : 'step-failed') : null,
    exitCode: s === failAt ? 3 : failAt >= 0 && s > failAt ? null : 0,
    durationMs: 40 + s * 7,
    stdoutTail: `${step}: checked\n${'state ok; '.repeat(12)}`,
    stderrTail: s === failAt ? `${message}\n` : '',
    message: s === failAt ? message : null,
  }));
  return {
    machine: id, site, status, errorClass: status === 'failed' ? 'step-failed' : status === 'unreachable' ? 'unreachable' : null, message,
    fingerprint: null, attempts: 1, startedAt: at, finishedAt: at, durationMs: MACHINE_MS, planHash, steps,
  };
}

let planned: { machine: MachinePlan; scripts: Plan['scripts'] } | null = null;

/** One Windows PC of the example repository, planned by the CLI: what a PC's applied record holds. */
async function examplePlan(): Promise<{ machine: MachinePlan; scripts: Plan['scripts'] }> {
  if (!planned) {
    const example = fileURLToPath(new URL('../../examples/service-center', import.meta.url));
    const plan = JSON.parse((await execa(process.execPath, [BIN, '-C', example, 'plan', '--format', 'json', '--machine', 'BRU-D0001'])).stdout) as Plan;
    planned = { machine: plan.machines[0], scripts: plan.scripts };
  }
  return planned;
}

/** The scheduler's event stream for N machines at FORKS in parallel, each waiting MACHINE_MS, into `store` or nowhere. */
async function simulateRun(store: JournalStore | null, runId: string): Promise<{ wallMs: number; cpuMs: number }> {
  const ids = Array.from({ length: N }, (_, i) => `SIM-D${String(i).padStart(5, '0')}`);
  if (store) {
    await store.startRun({ id: runId, mode: 'apply', startedAt: new Date().toISOString(), commandLine: 'homeshift rollout', planHash: 'p', selector: null },
      ids.map((machine) => ({ machine, site: 'sim', wave: 1, planHash: 'h' })));
  }
  const example = await examplePlan();
  const applied = (r: MachineResult) => r.status !== 'ok' && r.status !== 'changed' ? null
    : appliedUpdateOf({ ...example.machine, machine: { ...example.machine.machine, id: r.machine } }, example.scripts, { ...r, steps: example.machine.steps.map((s) => ({ ...r.steps[0], step: s.id, status: 'changed' })) }, runId);
  const writer = store ? createJournalWriter(store, { runId, route: routeBySite(() => 'Site Lead <lead@example-telco.de>'), escalateAfterAttempts: 3, applied }) : null;
  const c0 = cpuMs();
  const t0 = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const i = next++;
      await sleep(MACHINE_MS);
      writer?.({ kind: 'machine-finished', wave: 1, at: new Date().toISOString(), result: resultOf(ids[i], 'sim', i, 0, new Date().toISOString(), 'h') });
    }
  };
  await Promise.all(Array.from({ length: FORKS }, worker));
  if (writer) {
    writer({ kind: 'run-finished', outcome: 'failed', counts: {} as never, at: new Date().toISOString() });
    await writer.close();
  }
  return { wallMs: performance.now() - t0, cpuMs: cpuMs() - c0 };
}

async function overhead(name: string, open: () => Promise<JournalStore>): Promise<void> {
  const bare = await simulateRun(null, 'none');
  const store = await open();
  const withJournal = await simulateRun(store, `bench-${Date.now()}`);
  await store.close();
  const pct = ((withJournal.wallMs - bare.wallMs) / bare.wallMs) * 100;
  console.log(`  ${name.padEnd(10)} wall ${(bare.wallMs / 1000).toFixed(2)} s without, ${(withJournal.wallMs / 1000).toFixed(2)} s with the journal: overhead ${pct.toFixed(2)}% of wall (goal <= 5%); journal CPU ${(withJournal.cpuMs - bare.cpuMs).toFixed(0)} ms = ${(((withJournal.cpuMs - bare.cpuMs) / bare.wallMs) * 100).toFixed(2)}% of wall`);
}

/** 16,000 PCs x 5 runs, written in batches as the writer would (prepared and fingerprinted the same way). */
async function fill(store: JournalStore, machines: { id: string; site: string }[], planHash: Map<string, string>): Promise<void> {
  const context = { route: routeBySite((site: string) => `Lead of ${site} <lead.${site}@example-telco.de>`), escalateAfterAttempts: 3 };
  for (let r = 0; r < RUNS; r++) {
    const runId = `2026112${r}-080000-be${String(r).padStart(2, '0')}`;
    const startedAt = new Date(Date.parse('2026-11-20T08:00:00.000Z') + r * 86_400_000).toISOString();
    await store.startRun({ id: runId, mode: 'apply', startedAt, commandLine: 'homeshift rollout', planHash: 'p', selector: null },
      machines.map((m) => ({ machine: m.id, site: m.site, wave: 1, planHash: planHash.get(m.id) ?? 'h' })));
    for (let i = 0; i < machines.length; i += 500) {
      const batch: MachineRecord[] = machines.slice(i, i + 500).map((m, k) => {
        const result = resultOf(m.id, m.site, i + k, r, startedAt, planHash.get(m.id) ?? 'h');
        const failedStep = result.steps.find((s) => s.status === 'failed' || s.status === 'unreachable')?.step ?? null;
        const fingerprint = result.errorClass ? fingerprintMessage(result.errorClass, result.message, failedStep) : null;
        return { result: { ...result, fingerprint }, wave: 1, fingerprint };
      });
      await store.recordResults(runId, batch, context);
    }
    await store.finishRun(runId, 'failed', startedAt);
  }
}

const TIME = '/usr/bin/time'; // GNU time: the child's user+sys CPU, steadier than wall on a shared machine

interface CliTiming {
  wallMs: number;
  cpuMs: number | null;
}

async function timeCli(args: string[], project: string, env: Record<string, string>): Promise<CliTiming> {
  const withTime = existsSync(TIME);
  const command = withTime ? TIME : process.execPath;
  const argv = [BIN, '-C', project, ...args];
  const t0 = performance.now();
  const r = await execa(command, withTime ? ['-f', 'cpu %U %S', process.execPath, ...argv] : argv, { env: { NO_COLOR: '1', ...env }, reject: false });
  const wallMs = performance.now() - t0;
  if (r.exitCode !== 0) throw new Error(`homeshift ${args.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
  const cpu = /cpu (\d+\.\d+) (\d+\.\d+)\s*$/.exec(String(r.stderr));
  return { wallMs, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : null };
}

const shown = (t: CliTiming[]): string => t.map((x) => `${(x.wallMs / 1000).toFixed(2)} s${x.cpuMs === null ? '' : ` (cpu ${(x.cpuMs / 1000).toFixed(2)} s)`}`).join(', ');

async function reports(name: string, project: string, env: Record<string, string>, store: JournalStore, inventory: { id: string; site: string }[], cacheFile: string): Promise<void> {
  const now = new Date('2026-11-26T12:00:00.000Z');
  const t0 = performance.now();
  await statusBySite(store, { now, machines: inventory, escalation: DEFAULT_ESCALATION });
  const t1 = performance.now();
  await listErrors(store, { group: true, now, escalation: DEFAULT_ESCALATION });
  const t2 = performance.now();
  await rm(cacheFile, { force: true });
  const cold = [await timeCli(['status', '--format', 'json'], project, env)];
  const status = [await timeCli(['status', '--format', 'json'], project, env), await timeCli(['status', '--format', 'json'], project, env)];
  const errors = [await timeCli(['errors', '--group'], project, env), await timeCli(['errors', '--group'], project, env)];
  const validate = await timeCli(['validate'], project, env);
  console.log(`  ${name.padEnd(10)} status ${shown(status)} (store ${(t1 - t0).toFixed(0)} ms); errors --group ${shown(errors)} (store ${(t2 - t1).toFixed(0)} ms)   goal <= 1 s each`);
  console.log(`  ${''.padEnd(10)} status with no plan-hashes.json yet (loads, validates and hashes every PC, then keeps the hashes) ${shown(cold)}; validate alone ${shown([validate])}`);
}

async function main(): Promise<void> {
  const base = await mkdtemp(join(tmpdir(), 'homeshift-bench-journal-'));
  let server: Postgres | null = null;
  try {
    if (postgresAvailable()) server = await startPostgres();
    else console.log(`bench/journal: PostgreSQL part skipped: ${POSTGRES_MISSING}`);
    const project = join(base, 'fleet');
    // status keeps its plan hashes next to the journal's local state: beside a SQLite file, in the repository's
    // .homeshift/ for PostgreSQL (there since the first rollout wrote its logs)
    const stores: [string, (name: string) => Promise<{ store: JournalStore; env: Record<string, string>; cacheFile: string }>][] = [
      ['sqlite', async (n) => {
        const file = join(base, `${n}.db`);
        return { store: await openSqliteStore(file), env: { HOMESHIFT_JOURNAL: file }, cacheFile: join(base, 'plan-hashes.json') };
      }],
    ];
    if (server) {
      const pg = server;
      stores.push(['postgres', async (n) => {
        const url = await pg.createDatabase(n);
        await mkdir(join(project, '.homeshift'), { recursive: true });
        return { store: await openPostgresStore(url), env: { HOMESHIFT_JOURNAL: url }, cacheFile: join(project, '.homeshift', 'plan-hashes.json') };
      }]);
    }

    console.log(`bench/journal: overhead at N = ${N} (simulated result stream: forks ${FORKS}, ${MACHINE_MS} ms per PC, ${STEPS.length} steps each)`);
    for (const [name, open] of stores) await overhead(name, async () => (await open(`overhead_${name}`)).store);

    await generateFleet(project, { machines: FLEET, sites: 50 });
    const { loadProject } = await import('../src/config/index.js');
    const { buildPlan } = await import('../src/plan/index.js');
    const loaded = await loadProject({ projectDir: project });
    if (!loaded.project) throw new Error('generated fleet did not load');
    const plan = buildPlan(loaded.project);
    const planHash = new Map(plan.machines.map((m) => [m.machine.id, m.hash]));
    const inventory = loaded.project.machines.map((m) => ({ id: m.id, site: m.site }));
    console.log(`bench/journal: status and errors --group, ${FLEET.toLocaleString('en-US')} PCs x ${RUNS} runs (${(FLEET * RUNS * STEPS.length).toLocaleString('en-US')} step rows), CLI as a child process, twice`);
    for (const [name, open] of stores) {
      const { store, env, cacheFile } = await open(`reports_${name}`);
      const t0 = performance.now();
      await fill(store, inventory, planHash);
      const fillMs = performance.now() - t0;
      process.stdout.write(`  ${name.padEnd(10)} journal written in ${(fillMs / 1000).toFixed(1)} s\n`);
      await reports(name, project, env, store, inventory, cacheFile);
      await store.close();
    }
  } finally {
    await server?.stop();
    await rm(base, { recursive: true, force: true });
  }
}

await main();
