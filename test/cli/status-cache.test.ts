/**
 * status keeps the repository's facts (sites, machines, plan hashes) in .homeshift/plan-hashes.json, keyed by the
 * bytes of every input file: a changed file changes the answer, and a cache file that is corrupt, cut short, of another
 * format or of other inputs is ignored and written anew. Real CLI processes on a real SQLite journal.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadProject } from '../../src/config/index.js';
import { journalSucceededRun } from '../support/succeeded-run.js';
import { generateFleet } from '../../src/lab/generate.js';
import { buildPlan } from '../../src/plan/index.js';
import { readRepositoryFacts } from '../../src/cli/plan-hash-cache.js';
import { findPackageRoot } from '../../src/config/package-root.js';
import { runCli } from './run-cli.js';

let dir: string;
let cacheFile: string;
const cli = (...args: string[]) => runCli(['-C', dir, ...args]);
const DONE = 8; // the first machines of the plan succeeded with today's plan

async function currentHashes(): Promise<Map<string, string>> {
  const loaded = await loadProject({ projectDir: dir });
  return new Map(buildPlan(loaded.project!).machines.map((m) => [m.machine.id, m.hash]));
}

async function writeJournal(): Promise<void> {
  const hashes = await currentHashes();
  const loaded = await loadProject({ projectDir: dir });
  const done = loaded.project!.machines.slice(0, DONE).map((m) => ({ id: m.id, site: m.site, hash: hashes.get(m.id)! }));
  await journalSucceededRun(path.join(dir, '.homeshift', 'journal.db'), { id: '20261120-080000-ca01', planHash: 'p', at: '2026-11-20T08:00:00.000Z' }, done);
}

async function totals(): Promise<Record<string, number>> {
  const status = await cli('status', '--format', 'json');
  expect(status.stderr).toBe('');
  expect(status.exitCode).toBe(0);
  return JSON.parse(String(status.stdout)).totals;
}

/** Runs `edit` on a file and puts the file back afterwards, whatever happens. */
async function withEdited(file: string, edit: (text: string) => string, work: () => Promise<void>): Promise<void> {
  const before = fs.readFileSync(file, 'utf8');
  try {
    fs.writeFileSync(file, edit(before));
    await work();
  } finally {
    fs.writeFileSync(file, before);
  }
}

/** The cache file's facts when it is whole and of this format (the digest the CLI wrote: its code is dist/, not src/). */
const cachedFacts = () => {
  const digest = (JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { digest: string }).digest;
  return readRepositoryFacts(cacheFile, digest);
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-status-cache-'));
  await generateFleet(dir, { machines: 40, sites: 2 });
  await writeJournal();
  cacheFile = path.join(dir, '.homeshift', 'plan-hashes.json');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the first status writes the cache; the next one answers the same from it', async () => {
  fs.rmSync(cacheFile, { force: true });
  expect(await totals()).toMatchObject({ machines: 40, done: DONE, stale: 0, neverTried: 40 - DONE });
  const facts = cachedFacts();
  expect(facts).toMatchObject({ skipped: null, sites: ['bruehl', 'koeln'] });
  if (facts?.skipped !== null) throw new Error('no facts');
  expect(facts.machines).toHaveLength(40);
  expect(facts.planHashes).toEqual(await currentHashes());
  const written = fs.statSync(cacheFile);
  expect(await totals()).toMatchObject({ machines: 40, done: DONE, stale: 0 });
  expect(fs.statSync(cacheFile).mtimeMs).toBe(written.mtimeMs); // read, not written again
  expect(fs.readdirSync(path.dirname(cacheFile)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
});

test("an edited machine var makes that machine stale; putting the file back makes it current again", async () => {
  await totals();
  const inventory = path.join(dir, 'inventory', fs.readdirSync(path.join(dir, 'inventory')).sort()[0]);
  const loaded = await loadProject({ projectDir: dir });
  const first = loaded.project!.machines[0];
  await withEdited(inventory, (text) => text.replace(`{ id: ${first.id}, `, `{ id: ${first.id}, vars: { deskPhone: "4711" }, `), async () => {
    expect(await totals()).toMatchObject({ machines: 40, done: DONE - 1, stale: 1 });
  });
  expect(await totals()).toMatchObject({ done: DONE, stale: 0 });
});

test('an edited template makes the machines that use it stale', async () => {
  const shipped = path.join(findPackageRoot(), 'templates', 'windows', 'vpn.json.hbs');
  const own = path.join(dir, 'templates', 'windows', 'vpn.json.hbs');
  fs.mkdirSync(path.dirname(own), { recursive: true });
  fs.copyFileSync(shipped, own); // the repository's own copy, the same bytes: the same plans
  try {
    expect(await totals()).toMatchObject({ done: DONE, stale: 0 });
    const before = await currentHashes();
    await withEdited(own, (text) => `${text}\n`, async () => {
      const after = await currentHashes();
      const changed = [...before.keys()].slice(0, DONE).filter((id) => before.get(id) !== after.get(id)).length;
      expect(changed).toBeGreaterThan(0);
      expect(await totals()).toMatchObject({ done: DONE - changed, stale: changed });
    });
  } finally {
    fs.rmSync(path.join(dir, 'templates'), { recursive: true, force: true });
  }
  expect(await totals()).toMatchObject({ done: DONE, stale: 0 });
});

test('a cache file that is corrupt, cut short, of another format or of another repository is ignored and rewritten', async () => {
  await totals();
  const good = fs.readFileSync(cacheFile, 'utf8');
  const parsed = JSON.parse(good) as { machines: string[] };
  // every machine's hash in the cache replaced: trusted, it would make every done machine stale
  const forged = JSON.stringify({ ...parsed, machines: parsed.machines.map((v, i) => (i % 3 === 2 ? 'f'.repeat(64) : v)) });
  const other = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-status-cache-other-'));
  try {
    await generateFleet(other, { machines: 40, sites: 2 });
    fs.mkdirSync(path.join(other, '.homeshift')); // status writes its cache only into local state that exists
    expect((await runCli(['-C', other, 'status'])).exitCode).toBe(0);
    const another = fs.readFileSync(path.join(other, '.homeshift', 'plan-hashes.json'), 'utf8');
    for (const bad of [forged, good.slice(0, good.length / 2), 'not json at all', '', good.replace('"homeshift plan hashes 1"', '"homeshift plan hashes 0"'), another]) {
      fs.writeFileSync(cacheFile, bad);
      expect(await totals()).toMatchObject({ machines: 40, done: DONE, stale: 0 });
      expect(fs.readFileSync(cacheFile, 'utf8')).toBe(good);
    }
  } finally {
    fs.rmSync(other, { recursive: true, force: true });
  }
});

test('concurrent status processes on a cold cache all answer alike and leave one whole file', async () => {
  fs.rmSync(cacheFile, { force: true });
  const runs = await Promise.all(Array.from({ length: 4 }, () => cli('status', '--format', 'json')));
  for (const r of runs) {
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(String(r.stdout)).totals).toMatchObject({ machines: 40, done: DONE, stale: 0 });
  }
  expect(cachedFacts()).not.toBeNull();
  expect(fs.readdirSync(path.dirname(cacheFile)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
});

test('an invalid repository is remembered as such: every status warns and counts the journal', async () => {
  const inventory = path.join(dir, 'inventory', fs.readdirSync(path.join(dir, 'inventory')).sort()[0]);
  await withEdited(inventory, (text) => `${text}  - { id: AAC-D9999, host: aac-d9999.sc.example-telco.de, os: linux, user: e999999, role: hotline-agent }\n`, async () => {
    for (let i = 0; i < 2; i++) {
      const status = await cli('status', '--format', 'json');
      expect(status.exitCode).toBe(0);
      expect(String(status.stderr)).toMatch(/^homeshift: warning: stale detection skipped: 1 error\(s\) in the rollout repository/);
      expect(JSON.parse(String(status.stdout)).totals).toMatchObject({ machines: DONE, done: DONE });
    }
    expect(cachedFacts()).toEqual({ skipped: '1 error(s) in the rollout repository (run homeshift validate)' });
  });
  expect(await totals()).toMatchObject({ machines: 40, done: DONE });
});

test('plan keeps the hashes it took for status, which then answers from them', async () => {
  fs.rmSync(cacheFile, { force: true });
  for (const args of [['plan'], ['plan', '--format', 'json']]) {
    fs.rmSync(cacheFile, { force: true });
    expect((await cli(...args)).exitCode).toBe(0);
    const facts = cachedFacts();
    if (!facts || facts.skipped !== null) throw new Error('plan left no cache');
    expect(facts.planHashes).toEqual(await currentHashes());
    const written = fs.statSync(cacheFile).mtimeMs;
    expect(await totals()).toMatchObject({ machines: 40, done: DONE, stale: 0 });
    expect(fs.statSync(cacheFile).mtimeMs).toBe(written);
  }
});

test('status before the first rollout leaves no local state behind', async () => {
  const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-status-cache-fresh-'));
  try {
    await generateFleet(fresh, { machines: 4, sites: 1 });
    expect((await runCli(['-C', fresh, 'status'])).exitCode).toBe(0);
    expect(fs.existsSync(path.join(fresh, '.homeshift'))).toBe(false);
  } finally {
    fs.rmSync(fresh, { recursive: true, force: true });
  }
});

test('status --limit selects from the cache as it does from the inventory: the same answer, the same mistakes', async () => {
  const limited = async (...limit: string[]) => {
    const r = await cli('status', '--format', 'json', '--limit', ...limit);
    return { exitCode: r.exitCode, stderr: String(r.stderr), body: r.exitCode === 0 ? JSON.parse(String(r.stdout)).totals : null };
  };
  const loaded = await loadProject({ projectDir: dir });
  const ids = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-status-ids-'));
  const idFile = path.join(ids, 'batch.txt');
  fs.writeFileSync(idFile, `${loaded.project!.machines[0].id.toLowerCase()}\n${loaded.project!.machines[DONE].id}\n`);
  const selectors = ['site=koeln', 'site=bruehl,os=linux', `@${idFile}`, 'site=hamburg', 'site=bruehl,KOE-*'];
  try {
    fs.rmSync(cacheFile, { force: true });
    const cold = [];
    for (const s of selectors) cold.push(await limited(s));
    expect(fs.existsSync(cacheFile)).toBe(true);
    const warm = [];
    for (const s of selectors) warm.push(await limited(s));
    expect(warm).toEqual(cold);
    expect(warm[2].body).toMatchObject({ machines: 2, done: 1, neverTried: 1 });
    expect(warm[3]).toMatchObject({ exitCode: 1, body: null });
    expect(warm[3].stderr).toContain('no site matches hamburg');
    expect(warm[4]).toMatchObject({ exitCode: 1, body: null });
  } finally {
    fs.rmSync(ids, { recursive: true, force: true });
  }
});
