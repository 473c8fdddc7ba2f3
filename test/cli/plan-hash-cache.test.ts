/**
 * The digest status's cache is keyed by: every input file's bytes, a file that appears in a searched folder, a file
 * that was missing and is now there; and the cache file itself, written whole or not at all.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadProjectConfig, type ConfigResult } from '../../src/config/index.js';
import { listInputFiles } from '../../src/config/input-files.js';
import { generateFleet } from '../../src/lab/generate.js';
import { inputDigest, readRepositoryFacts, writeRepositoryFacts, type RepositoryFacts } from '../../src/cli/plan-hash-cache.js';

let dir: string;
let config: ConfigResult;
const digest = () => inputDigest(dir, config.config);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-hash-cache-'));
  await generateFleet(dir, { machines: 6, sites: 1 });
  config = (await loadProjectConfig({ projectDir: dir })) as ConfigResult;
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('the inputs are the files loadProject reads: homeshift.yaml, inventory, directory, the shipped profiles and templates', () => {
  const inputs = listInputFiles(dir, config.config);
  const names = inputs.filter((i) => i.exists).map((i) => path.relative(dir, i.abs));
  expect(names[0]).toBe('homeshift.yaml');
  expect(names).toEqual(expect.arrayContaining([expect.stringMatching(/^inventory\/.+\.yaml$/), 'directory/employees.csv']));
  expect(inputs.some((i) => i.exists && i.abs.endsWith(path.join('templates', 'linux', 'vpn.sh')))).toBe(true);
  expect(inputs.some((i) => i.exists && i.abs.endsWith(path.join('profiles', 'hotline-agent.yaml')))).toBe(true);
  expect(inputs.filter((i) => !i.exists).map((i) => path.relative(dir, i.abs))).toEqual(['profiles', 'bundles', 'templates']); // searched, absent
});

test('a changed byte, a new file in a searched folder, or a folder that appears changes the digest', () => {
  const first = digest();
  expect(first).toMatch(/^[0-9a-f]{64}$/);
  expect(digest()).toBe(first);
  const inventory = path.join(dir, 'inventory', fs.readdirSync(path.join(dir, 'inventory'))[0]);
  const before = fs.readFileSync(inventory);
  fs.writeFileSync(inventory, Buffer.concat([before, Buffer.from(' ')]));
  expect(digest()).not.toBe(first);
  fs.writeFileSync(inventory, before);
  expect(digest()).toBe(first); // the same bytes again: the same digest, whatever the file's time
  fs.mkdirSync(path.join(dir, 'templates'));
  const withFolder = digest();
  expect(withFolder).not.toBe(first);
  fs.writeFileSync(path.join(dir, 'templates', 'notes.txt'), 'x');
  expect(digest()).not.toBe(withFolder);
  fs.rmSync(path.join(dir, 'templates'), { recursive: true });
  expect(digest()).toBe(first);
});

test('facts are read back only for their own digest, and a write leaves no temporary file', () => {
  const file = path.join(dir, '.homeshift', 'plan-hashes.json');
  const facts: RepositoryFacts = { skipped: null, sites: ['s'], machines: [{ id: 'A', site: 's', role: 'r', os: 'linux', host: '10.0.0.1', user: 'u' }, { id: 'B', site: 's', role: 'r', os: 'windows', host: '10.0.0.2', user: 'u' }], planHashes: new Map([['A', 'h1']]) };
  writeRepositoryFacts(file, 'd1', facts);
  expect(fs.existsSync(file)).toBe(false); // no .homeshift/ yet: a reading command creates no local state
  fs.mkdirSync(path.dirname(file));
  writeRepositoryFacts(file, 'd1', facts);
  expect(readRepositoryFacts(file, 'd1')).toEqual(facts);
  expect(readRepositoryFacts(file, 'd2')).toBeNull();
  expect(fs.readdirSync(path.dirname(file))).toEqual(['plan-hashes.json']);
  writeRepositoryFacts(file, 'd2', { skipped: '2 error(s)' });
  expect(readRepositoryFacts(file, 'd2')).toEqual({ skipped: '2 error(s)' });
  expect(readRepositoryFacts(file, 'd1')).toBeNull();
});
