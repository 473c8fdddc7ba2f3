/**
 * One measurement in its own process, so that peak RSS belongs to it alone:
 *   node measure.js ours|ours-nojournal|floor|connect PLAN.json FORKS OUT.json
 * ours: homeshift's scheduler + ssh transport + machine program (+ SQLite journal and log files);
 * floor: bare ssh2, connect + one exec that writes the same files, same concurrency;
 * connect: bare ssh2, every PC connected (FORKS at a time) and held open until the last is ready; wallMs is then.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import ssh2 from 'ssh2';
import { createJournalWriter, createLogFileWriter, openSqliteStore } from '../../src/journal/index.js';
import type { MachinePlan, Plan } from '../../src/model/plan.js';
import type { RunEvent, RunListener } from '../../src/model/result.js';
import { createRedactor } from '../../src/run/redact.js';
import { runFleet } from '../../src/run/scheduler.js';
import { createSshTransport } from '../../src/transport/index.js';
import { floorScript } from './floor.js';
import { SECRETS } from './fleet.js';

export interface Measurement {
  method: string;
  machines: number;
  wallMs: number;
  perMachineMs: number[];
  rssMb: number;
  cpuMs: number; // user + system CPU of this measuring process (the controller) alone
  statuses: Record<string, number>;
}

async function runOurs(plan: Plan, forks: number, journal: boolean, dir: string): Promise<{ durations: number[]; statuses: Record<string, number> }> {
  const durations: number[] = [];
  const statuses: Record<string, number> = {};
  const collect: RunListener = (e: RunEvent) => {
    if (e.kind === 'machine-finished') {
      durations.push(e.result.durationMs);
      statuses[e.result.status] = (statuses[e.result.status] ?? 0) + 1;
    }
  };
  const listeners: RunListener[] = [collect];
  const runId = `bench-${Date.now()}`;
  const redact = createRedactor(SECRETS);
  const store = journal ? await openSqliteStore(join(dir, `journal-${runId}.db`)) : null;
  const writer = store ? createJournalWriter(store, { runId, redact }) : null;
  const logs = store ? createLogFileWriter(dirname(store.location), runId, redact) : null;
  if (store && writer && logs) {
    await store.startRun({ id: runId, mode: 'apply', startedAt: new Date().toISOString(), commandLine: 'bench', planHash: plan.hash, selector: null }, plan.machines.map((m) => ({ machine: m.machine.id, site: m.machine.site, wave: 1, planHash: m.hash })));
    listeners.push(writer, logs);
  }
  await runFleet({
    runId, plan, waves: [plan.machines], transport: createSshTransport(), mode: 'apply', forks, maxFailures: null,
    secrets: SECRETS, redact, projectRoot: dir, retries: 0, retryBackoffMs: 0, listeners,
    softStop: new AbortController().signal, hardStop: new AbortController().signal,
  });
  await writer?.close();
  await logs?.close();
  await store?.close();
  return { durations, statuses };
}

function floorMachine(m: MachinePlan, key: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.on('error', reject);
    client.on('ready', () => {
      client.exec('/bin/sh -s', (err, stream) => {
        if (err) return reject(err);
        stream.on('close', (code: number) => { client.end(); code === 0 ? resolve() : reject(new Error(`exit ${code}`)); });
        stream.on('data', () => undefined);
        stream.stderr.on('data', () => undefined);
        stream.end(floorScript(m));
      });
    });
    client.connect({ host: m.machine.host, port: m.machine.port, username: m.ssh.user, privateKey: key, readyTimeout: 30000 });
  });
}

async function runFloor(plan: Plan, forks: number): Promise<{ durations: number[]; statuses: Record<string, number> }> {
  const key = await readFile(plan.machines[0].ssh.identityFile!);
  const durations: number[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  const worker = async () => {
    while (next < plan.machines.length) {
      const m = plan.machines[next++];
      const t = performance.now();
      const ok = await floorMachine(m, key).then(() => true, () => false);
      durations.push(performance.now() - t);
      statuses[ok ? 'changed' : 'failed'] = (statuses[ok ? 'changed' : 'failed'] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: forks }, worker));
  return { durations, statuses };
}

/** Connect every machine, FORKS at a time, each held open until the last one is ready (bench/wide's floor). */
async function runConnect(plan: Plan, forks: number): Promise<{ durations: number[]; statuses: Record<string, number> }> {
  const key = await readFile(plan.machines[0].ssh.identityFile!);
  const durations: number[] = [];
  const statuses: Record<string, number> = {};
  const open: ssh2.Client[] = [];
  let next = 0;
  const connectOne = (m: MachinePlan) => new Promise<void>((resolve, reject) => {
    const client = new ssh2.Client();
    client.on('error', reject);
    client.on('ready', () => { open.push(client); resolve(); });
    client.connect({ host: m.machine.host, port: m.machine.port, username: m.ssh.user, privateKey: key, readyTimeout: 120_000 });
  });
  const worker = async () => {
    while (next < plan.machines.length) {
      const m = plan.machines[next++];
      const t = performance.now();
      const ok = await connectOne(m).then(() => true, () => false);
      durations.push(performance.now() - t);
      statuses[ok ? 'connected' : 'failed'] = (statuses[ok ? 'connected' : 'failed'] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: forks }, worker));
  for (const client of open) client.end();
  return { durations, statuses };
}

const [method, planFile, forksText, outFile] = process.argv.slice(2);
const plan = JSON.parse(await readFile(planFile, 'utf8')) as Plan;
const forks = Number(forksText);
const t0 = performance.now();
const run = method === 'floor' ? runFloor(plan, forks) : method === 'connect' ? runConnect(plan, forks) : runOurs(plan, forks, method === 'ours', dirname(planFile));
const { durations, statuses } = await run;
const wallMs = performance.now() - t0;
const result: Measurement = { method, machines: plan.machines.length, wallMs, perMachineMs: durations, rssMb: process.resourceUsage().maxRSS / 1024, cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000, statuses };
await writeFile(outFile, JSON.stringify(result));
