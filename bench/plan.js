#!/usr/bin/env node
// Validate + plan on a generated fleet (default 16,000 machines at 50 sites): wall time and peak RSS.
// Each measurement runs in a fresh process so peak RSS is that run's own. Usage: node bench/plan.js [machines] [sites]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const machines = Number(process.argv[2] ?? 16000);
const sites = Number(process.argv[3] ?? 50);
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'homeshift.js');
// Preloaded into the CLI: its peak RSS (KB) and CPU time (user + system, µs, all threads) go to fd 3 as it exits.
const USAGE_ON_EXIT = `data:text/javascript,${encodeURIComponent("import { writeSync } from 'node:fs'; process.on('exit', () => { const u = process.resourceUsage(); writeSync(3, `${u.maxRSS} ${u.userCPUTime + u.systemCPUTime}`); });")}`;

if (process.argv[2] === '--measure') {
  // child: one in-process measurement of load + validate + plan
  const dir = process.argv[3];
  const { loadProject } = await import('../dist/config/index.js');
  const { validateProject } = await import('../dist/validate/index.js');
  const { planAndCheck, planJsonChunks } = await import('../dist/plan/index.js');
  const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
  const c0 = cpu();
  const t0 = performance.now();
  const loaded = await loadProject({ projectDir: dir });
  const t1 = performance.now();
  const diags = [...loaded.diagnostics, ...validateProject(loaded.project)];
  const t2 = performance.now();
  // every machine planned once: the template check of validate and the plan are the same pass
  const checked = planAndCheck(loaded.project);
  diags.push(...checked.diagnostics);
  const t3 = performance.now();
  const rssPlanMb = process.resourceUsage().maxRSS / 1024;
  // the JSON as `plan --format json` streams it: one machine a line, never one big string
  let jsonBytes = 0;
  for (const chunk of planJsonChunks(checked.plan)) jsonBytes += chunk.length;
  const t4 = performance.now();
  const rssMb = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ load: t1 - t0, validate: t2 - t1, plan: t3 - t2, json: t4 - t3, total: t3 - t0, cpu: cpu() - c0, rssPlanMb, rssMb, errors: diags.filter((d) => d.severity === 'error').length, machines: checked.plan?.machines.length ?? 0, jsonMb: jsonBytes / 1e6 }));
  process.exit(0);
}

if (process.argv[2] === '--journal') {
  // child: an applied state for every PC in the repository's journal, as after a rollout of the current plan; every
  // 100th PC also holds a bundle its plan no longer has (and an older plan hash), so its plan gets a removal step
  const dir = process.argv[3];
  const { loadProject } = await import('../dist/config/index.js');
  const { buildPlan } = await import('../dist/plan/index.js');
  const { openSqliteStore } = await import('../dist/journal/index.js');
  const { appliedUpdateOf } = await import('../dist/model/applied-state.js');
  const loaded = await loadProject({ projectDir: dir });
  const plan = buildPlan(loaded.project);
  const store = await openSqliteStore(join(dir, '.homeshift', 'journal.db'), { create: true });
  const at = new Date().toISOString();
  const dropped = { step: 'bundle:scan-station', title: 'Software bundle scan-station 1.0', script: 'windows/bundle.ps1', scriptHash: 'h', vars: {}, files: [], runId: 'bench-0', at,
    installed: [{ via: 'winget', id: 'Example.ScanStation', version: '1.0', by: 'homeshift' }] };
  const batch = [];
  for (const [i, m] of plan.machines.entries()) {
    const result = { machine: m.machine.id, site: m.machine.site, status: 'changed', finishedAt: at, steps: m.steps.map((s) => ({ step: s.id, status: 'changed' })) };
    const update = appliedUpdateOf(m, plan.scripts, result, 'bench-1');
    batch.push(i % 100 === 0 ? { ...update, planHash: 'older', steps: [...update.steps, dropped] } : update);
    if (batch.length === 500) await store.recordApplied(batch.splice(0));
  }
  if (batch.length) await store.recordApplied(batch);
  await store.close();
  process.exit(0);
}

const loadBefore = loadavg();
const dir = mkdtempSync(join(tmpdir(), 'homeshift-bench-plan-'));
try {
  execFileSync(process.execPath, [bin, 'lab', 'generate', '--machines', String(machines), '--sites', String(sites), dir], { stdio: 'ignore' });
  const runs = [];
  for (let i = 0; i < 3; i++) {
    runs.push(JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--measure', dir], { encoding: 'utf8' })));
  }
  const best = runs.reduce((a, b) => (a.total < b.total ? a : b));
  const f = (n) => n.toFixed(0).padStart(6);
  console.log(`bench/plan: ${best.machines} machines at ${sites} sites, ${best.errors} validation errors (best of ${runs.length} fresh processes)`);
  console.log(`  load      ${f(best.load)} ms`);
  console.log(`  validate  ${f(best.validate)} ms  (schema and cross references)`);
  console.log(`  plan      ${f(best.plan)} ms  (every machine planned once; its template errors are validate's too)`);
  console.log(`  load + validate + plan ${f(best.total)} ms   target <= 2000 ms`);
  console.log(`  peak RSS after plan    ${f(Math.max(...runs.map((r) => r.rssPlanMb)))} MB   target <= 300 MB`);
  console.log(`  + JSON as streamed     ${f(best.json)} ms  (${best.jsonMb.toFixed(1)} MB), peak RSS ${f(Math.max(...runs.map((r) => r.rssMb)))} MB, cpu of all ${f(best.cpu)} ms`);
  // The same work through the command line, process start included: wall and the process's own peak RSS.
  const cli = (args) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--import', USAGE_ON_EXIT, bin, '-C', dir, ...args], { stdio: ['ignore', 'ignore', 'inherit', 'pipe'], maxBuffer: 1 << 20 });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`homeshift ${args.join(' ')} exited ${r.status}`);
    const [rssKb, cpuUs] = String(r.output[3]).split(' ').map(Number);
    return { ms, rssMb: rssKb / 1024, cpuMs: cpuUs / 1000 };
  };
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const tries = Number(process.env.HOMESHIFT_BENCH_TRIES ?? 5);
  for (const args of [['plan', '--format', 'json'], ['validate']]) {
    const runs = Array.from({ length: tries }, () => cli(args));
    const goal = args[0] === 'plan' ? 2000 : 1500;
    const wall = runs.map((t) => t.ms);
    const cpu = runs.map((t) => t.cpuMs);
    console.log(`  CLI 'homeshift ${args.join(' ')}' (process start included, ${tries} runs): wall best ${f(Math.min(...wall))} ms, median ${f(median(wall))} ms; cpu (user+sys) best ${f(Math.min(...cpu))} ms, median ${f(median(cpu))} ms; peak RSS ${f(Math.max(...runs.map((t) => t.rssMb)))} MB   target <= ${goal} ms, 300 MB`);
  }
  // again, with an applied state for every PC in the journal (1 % of them with a bundle to remove)
  execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--journal', dir], { stdio: 'inherit' });
  {
    const runs = Array.from({ length: tries }, () => cli(['plan', '--format', 'json']));
    const wall = runs.map((t) => t.ms);
    console.log(`  CLI 'homeshift plan --format json' with an applied state for every PC in the journal (${machines / 100} of them with a bundle to remove, ${tries} runs): wall best ${f(Math.min(...wall))} ms, median ${f(median(wall))} ms; peak RSS ${f(Math.max(...runs.map((t) => t.rssMb)))} MB   target <= 2000 ms, 300 MB`);
  }
  const load = (l) => l.map((x) => x.toFixed(2)).join(' ');
  console.log(`  load average ${load(loadBefore)} before, ${load(loadavg())} after (${cpus().length} cores; the figures are of a shared machine)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
