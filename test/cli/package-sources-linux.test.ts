/**
 * .deb packages from a source on Linux lab PCs over real SSH and real sh: one from the lab's distribution point (url,
 * fetched by the PC's curl) and one sent over SSH (push), verified in /var/cache/homeshift and installed by apt-get;
 * a second run fetches nothing; a tampered download installs nothing; a download broken off halfway is resumed by
 * the next attempt, which fetches only the rest.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '../../src/lab/index.js';
import { giveEveryPcRole, labPackage, put, sha } from '../support/lab-packages.js';
import { machineResults, runCli } from './run-cli.js';

const MB = 1024 * 1024;
const PCS = 3;

/** A lab .deb of `size` bytes: its control fields, then filler lines (real packages are big). */
const labDeb = (name: string, version: string, size: number): Buffer => labPackage(`Package: ${name}\nVersion: ${version}\nArchitecture: amd64\n`, size);

describe('.deb packages from a source on Linux lab PCs', () => {
  let dir: string;
  let lab: Lab;
  let ids: string[];
  const files: Record<string, Buffer> = {};
  const pc = (id: string) => join(lab.dir, 'pcs', id);
  const cached = (id: string, file: Buffer, name: string) => join(pc(id), 'var', 'cache', 'homeshift', sha(file), name);
  const installed = async (id: string, pkg: string) => readFile(join(pc(id), 'var', 'lib', 'sim', 'dpkg', pkg), 'utf8').then((v) => v.trim(), () => null);
  const cli = (...args: string[]) => runCli(['-C', lab.projectDir, ...args], { timeoutMs: 300_000 });
  const profile = (bundles: string[]) => put(join(lab.projectDir, 'profiles', 'pkg-desk.yaml'), `name: pkg-desk\ndescription: packages only\nbundles: [${bundles.join(', ')}]\n`);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hs-sources-linux-'));
    lab = await startLab({ dir: join(dir, 'lab'), machines: PCS, sites: 1, windows: '0%' });
    ids = lab.machines.map((m) => m.id).sort();
    files.crm = labDeb('crm-connector', '4.2.1-1', 3 * MB);
    files.scan = labDeb('scan-station', '2.0.3-2', 2 * MB);
    files.tampered = labDeb('tampered-tool', '1.0-1', MB);
    files.big = labDeb('big-tool', '7.0-1', 4 * MB);
    await put(join(lab.distribution.folder, 'crm', 'crm-connector_4.2.1-1_amd64.deb'), files.crm);
    await put(join(lab.distribution.folder, 'tools', 'tampered-tool_1.0-1_amd64.deb'), files.tampered);
    await put(join(lab.distribution.folder, '.tampered'), 'tools/tampered-tool_1.0-1_amd64.deb\n');
    await put(join(lab.distribution.folder, 'tools', 'big-tool_7.0-1_amd64.deb'), files.big);
    await put(join(lab.projectDir, 'files', 'scan-station_2.0.3-2_amd64.deb'), files.scan);

    const url = lab.distribution.url;
    await put(join(lab.projectDir, 'bundles', 'sources.yaml'), `bundles:
  - name: crm-tools
    version: "4.2"
    packages:
      - name: crm-connector
        version: "4.2.1"
        linux:
          deb:
            source: { url: "${url}crm/crm-connector_4.2.1-1_amd64.deb" }
            sha256: "${sha(files.crm)}"
            version: "4.2.1-1"
      - name: scan-station
        version: "2.0.3"
        linux: { deb: { source: { push: files/scan-station_2.0.3-2_amd64.deb }, sha256: "${sha(files.scan)}", version: "2.0.3-2" } }
  - name: tampered-tools
    version: "1.0"
    packages:
      - name: tampered-tool
        version: "1.0-1"
        linux: { deb: { source: { url: "${url}tools/tampered-tool_1.0-1_amd64.deb" }, sha256: "${sha(files.tampered)}" } }
  - name: big-tools
    version: "7.0"
    packages:
      - name: big-tool
        version: "7.0-1"
        linux: { deb: { source: { url: "${url}tools/big-tool_7.0-1_amd64.deb" }, sha256: "${sha(files.big)}" } }
`);
    await profile(['crm-tools']);
    await giveEveryPcRole(lab.projectDir, 'pkg-desk');
  }, 120_000);

  afterAll(async () => {
    await lab?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('installs a .deb by url and one by push, verified and cached; the second run fetches nothing', async () => {
    expect((await cli('validate', '--strict')).exitCode).toBe(0);
    const first = await cli('rollout', '--yes', '--json', '--push-forks', '2');
    expect(machineResults(String(first.stdout)).map((r) => r.status)).toEqual(Array(PCS).fill('changed'));
    expect(lab.distribution.downloads('crm/crm-connector_4.2.1-1_amd64.deb')).toBe(PCS);
    for (const id of ids) {
      expect(await installed(id, 'crm-connector')).toBe('4.2.1-1');
      expect(await installed(id, 'scan-station')).toBe('2.0.3-2');
      expect(sha(await readFile(cached(id, files.crm, 'crm-connector_4.2.1-1_amd64.deb')))).toBe(sha(files.crm));
      expect(sha(await readFile(cached(id, files.scan, 'scan-station_2.0.3-2_amd64.deb')))).toBe(sha(files.scan));
    }
    const log = await readFile(join(pc(ids[0]), 'var', 'lib', 'sim', 'deb-installs.log'), 'utf8');
    expect(log).toContain(`crm-connector\t${cached(ids[0], files.crm, 'crm-connector_4.2.1-1_amd64.deb')}\n`);

    const second = await cli('rollout', '--yes', '--json');
    expect(machineResults(String(second.stdout)).map((r) => r.status)).toEqual(Array(PCS).fill('ok'));
    expect(lab.distribution.downloads()).toBe(PCS);

    // a PC that lost its install gets it again from its cache: nothing downloaded, nothing pushed
    await rm(join(pc(ids[0]), 'var', 'lib', 'sim', 'dpkg', 'crm-connector'));
    await rm(join(pc(ids[0]), 'var', 'lib', 'sim', 'dpkg', 'scan-station'));
    const again = await cli('rollout', '--yes', '--json', '--limit', ids[0]);
    expect(machineResults(String(again.stdout)).map((r) => r.status)).toEqual(['changed']);
    expect(lab.distribution.downloads()).toBe(PCS);
    expect(String((await cli('log', ids[0])).stdout)).toContain('crm-connector_4.2.1-1_amd64.deb from the package cache');
  }, 300_000);

  it('a pushed file tampered with in the cache (right size, wrong bytes) fails the bundle step, is deleted, and the next run pushes it again', async () => {
    const file = cached(ids[0], files.scan, 'scan-station_2.0.3-2_amd64.deb');
    const tampered = Buffer.from(files.scan);
    tampered[tampered.length >> 1] ^= 0xff;
    await writeFile(file, tampered);
    await rm(join(pc(ids[0]), 'var', 'lib', 'sim', 'dpkg', 'scan-station'));
    const run = await cli('rollout', '--yes', '--json', '--limit', ids[0]);
    expect(run.exitCode).toBe(3);
    expect(machineResults(String(run.stdout))[0]).toMatchObject({ status: 'failed', errorClass: 'step-failed' });
    const errors = String((await cli('errors', '--format', 'json')).stdout);
    expect(errors).toContain(`installer hash mismatch: scan-station 2.0.3: files/scan-station_2.0.3-2_amd64.deb: expected ${sha(files.scan)}, found ${sha(tampered)}`);
    expect(existsSync(file)).toBe(false);
    expect(await installed(ids[0], 'scan-station')).toBeNull();

    const again = await cli('rollout', '--yes', '--json', '--limit', ids[0]);
    expect(machineResults(String(again.stdout)).map((r) => r.status)).toEqual(['changed']);
    expect(sha(await readFile(file))).toBe(sha(files.scan));
    expect(await installed(ids[0], 'scan-station')).toBe('2.0.3-2');
  }, 300_000);

  it('a tampered download fails with "installer hash mismatch", names file, expected and found, and installs nothing', async () => {
    await profile(['tampered-tools', 'crm-tools']);
    await rm(join(pc(ids[1]), 'var', 'lib', 'sim', 'dpkg', 'crm-connector'));
    const run = await cli('rollout', '--yes', '--json', '--limit', ids[1]);
    expect(run.exitCode).toBe(3);
    expect(machineResults(String(run.stdout))[0]).toMatchObject({ status: 'failed', errorClass: 'step-failed' });
    const served = sha(Buffer.concat([files.tampered.subarray(0, -1), Buffer.from([files.tampered[files.tampered.length - 1] ^ 0xff])]));
    const errors = String((await cli('errors', '--format', 'json')).stdout);
    expect(errors).toContain(`installer hash mismatch: tampered-tool 1.0-1: ${lab.distribution.url}tools/tampered-tool_1.0-1_amd64.deb: expected ${sha(files.tampered)}, found ${served}`);
    expect(await installed(ids[1], 'tampered-tool')).toBeNull();
    expect(await installed(ids[1], 'crm-connector')).toBeNull(); // the later bundle never ran
    const folder = join(pc(ids[1]), 'var', 'cache', 'homeshift', sha(files.tampered));
    expect(await readdir(folder)).toEqual([]);
  }, 300_000);

  it('a download broken off halfway is resumed by the next attempt, which fetches only the rest', async () => {
    await profile(['big-tools']);
    const name = 'tools/big-tool_7.0-1_amd64.deb';
    await put(join(lab.distribution.folder, '.broken-off'), `${name}\n`);
    const partial = join(pc(ids[2]), 'var', 'cache', 'homeshift', sha(files.big), 'big-tool_7.0-1_amd64.deb.partial');

    const broken = await cli('rollout', '--yes', '--json', '--limit', ids[2]);
    expect(broken.exitCode).toBe(3);
    expect(String((await cli('log', ids[2])).stdout)).toMatch(/download broken off \(curl exit 18\); \d+ bytes kept in the package cache, resumed on the next attempt/);
    const kept = (await stat(partial)).size;
    expect(kept).toBe(files.big.length / 2);
    const before = lab.distribution.bytesServed(name);
    expect(before).toBe(kept);
    expect(await installed(ids[2], 'big-tool')).toBeNull();

    const resumed = await cli('rollout', '--yes', '--json', '--limit', ids[2]);
    expect(machineResults(String(resumed.stdout)).map((r) => r.status)).toEqual(['changed']);
    expect(lab.distribution.bytesServed(name) - before).toBe(files.big.length - kept);
    expect(await installed(ids[2], 'big-tool')).toBe('7.0-1');
    expect(existsSync(partial)).toBe(false);
    expect(sha(await readFile(partial.replace(/\.partial$/, '')))).toBe(sha(files.big));
  }, 300_000);
});
