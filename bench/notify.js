#!/usr/bin/env node
// notify on a big journal: a generated fleet (default 16,000 PCs at 50 sites) with N open cases (default 3,000) in
// five causes, routed by the rules of the README. Times `notify --check`, `notify --out` (one .eml per owner and
// lead) and a second `notify --out` that has nothing to send, each as a fresh process (start included).
// Prints figures; asserts nothing. Usage: npm run bench -- notify [machines] [sites] [open cases]
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const machines = Number(process.argv[2] ?? 16000);
const sites = Number(process.argv[3] ?? 50);
const open = Number(process.argv[4] ?? 3000);
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'homeshift.js');
const { loadProject } = await import('../dist/config/index.js');
const { createCaseRouter, createJournalWriter, openSqliteStore } = await import('../dist/journal/index.js');

const ROUTING = `
routing:
  groups:
    central-it: { members: [it-ops@example-telco.de, it-ops2@example-telco.de], lead: it-lead@example-telco.de }
    directory-team: { members: [hr-data@example-telco.de] }
  rules:
    - { class: [auth], to: central-it, reactWithin: 1h }
    - { cause: "step-failed:mailbox:*", to: directory-team, reactWithin: 1d }
    - { class: [unreachable], to: site-supporters, reactWithin: 4h }
notify: { from: homeshift@example-telco.de }
`;

const CAUSES = [
  ['unreachable', 'unreachable', (m) => `${m} (homeshift@10.1.2.3:22): unreachable: connect ECONNREFUSED 10.1.2.3:22`],
  ['unreachable', 'unreachable', (m) => `${m} (homeshift@10.1.2.3:22): unreachable: connect ETIMEDOUT 10.1.2.3:22`],
  ['failed', 'auth', (m) => `${m} (homeshift@10.1.2.3:22): authentication failed for user homeshift (the server accepted none of the offered keys)`],
  ['failed', 'step-failed', (m) => `apply exited 3: mailbox not found for ${m.toLowerCase()}@example-telco.de`],
  ['failed', 'step-failed', () => 'apply exited 1: winget install failed: package not available'],
];

const dir = mkdtempSync(join(tmpdir(), 'homeshift-bench-notify-'));
try {
  execFileSync(process.execPath, [bin, 'lab', 'generate', '--machines', String(machines), '--sites', String(sites), dir], { stdio: 'ignore' });
  appendFileSync(join(dir, 'homeshift.yaml'), ROUTING);
  const { project } = await loadProject({ projectDir: dir });
  const store = await openSqliteStore(join(dir, '.homeshift', 'journal.db'));
  const at = new Date(Date.now() - 2 * 3_600_000).toISOString(); // two hours ago: the auth cases are overdue
  const failing = project.machines.filter((_, i) => i % Math.max(1, Math.floor(machines / open)) === 0).slice(0, open);
  await store.startRun({ id: 'bench-1', mode: 'apply', startedAt: at, commandLine: 'homeshift rollout', planHash: 'p', selector: null },
    failing.map((m) => ({ machine: m.id, site: m.site, wave: 0, planHash: 'p' })));
  const route = createCaseRouter({
    routing: project.config.routing,
    supporters: (site) => project.sites.get(site).supporters.slice(0, 1).map((s) => `${s.name} <${s.email}>`),
    openOwners: [],
  });
  const writer = createJournalWriter(store, { runId: 'bench-1', route, escalateAfterAttempts: 3 });
  failing.forEach((m, i) => {
    const [status, errorClass, message] = CAUSES[i % CAUSES.length];
    writer({ kind: 'machine-finished', wave: 0, at, result: {
      machine: m.id, site: m.site, status, errorClass, message: message(m.id), fingerprint: null, attempts: 1,
      startedAt: at, finishedAt: at, durationMs: 1000, planHash: 'p', steps: [],
    } });
  });
  writer({ kind: 'run-finished', outcome: 'failed', counts: {}, at });
  await writer.close();
  await store.close();

  const time = (args) => {
    const t0 = performance.now();
    const stdout = execFileSync(process.execPath, [bin, '-C', dir, 'notify', ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
    return { ms: performance.now() - t0, stdout };
  };
  const f = (n) => n.toFixed(0).padStart(6);
  console.log(`bench/notify: ${machines} machines at ${sites} sites, ${failing.length} open cases in ${CAUSES.length} causes`);
  const check = time(["--check", "--json"]);
  const planned = JSON.parse(check.stdout).messages;
  console.log(`  notify --check        ${f(check.ms)} ms  (${planned.length} messages would be sent)`);
  const out = time(['--out', join(dir, 'D1')]);
  console.log(`  notify --out D1       ${f(out.ms)} ms  (${readdirSync(join(dir, 'D1')).length} .eml files, escalations recorded)`);
  const again = time(['--out', join(dir, 'D2')]);
  console.log(`  notify --out D2       ${f(again.ms)} ms  (${existsSync(join(dir, 'D2')) ? readdirSync(join(dir, 'D2')).length : 0} files: ${again.stdout.trim().split('\n').at(-1)})`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
