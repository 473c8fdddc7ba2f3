/**
 * Package sources on Windows lab PCs over real SSH and real pwsh: a 30 MB MSI from the lab's distribution point (url)
 * and a 30 MB EXE sent over SSH (push) to 20 PCs, verified and kept in the package cache; a tampered download; a bare
 * share path, which the lab's share refuses as a key-login session is refused in the field; a share mapped with a
 * credential; a download broken off halfway, resumed by the next attempt.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '../../src/lab/index.js';
import { giveEveryPcRole, labPackage, put, sha } from '../support/lab-packages.js';
import { parseTable, readRegistry } from '../../src/lab/windows/state-files.js';
import { PWSH_MISSING, pwshAvailable } from '../support/pwsh.js';
import { machineResults, runCli } from './run-cli.js';

const describeWindows = pwshAvailable() ? describe : describe.skip;
if (!pwshAvailable()) console.warn(PWSH_MISSING);

const CRM = '{3F2A6C1E-7B4D-4E8A-9C15-2D7E0B6A4F91}';
const TAMPERED = '{5A5A5A5A-1111-4222-8333-444455556666}';
const SHARED = '{0B0B0B0B-2222-4333-8444-555566667777}';
const RESUMED = '{7C7C7C7C-3333-4444-8555-666677778888}';
const UNINSTALL = 'SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall';
const PASSWORD = 'S3cret:with colon';
const MB = 1024 * 1024;
const PCS = 20;

describeWindows('package sources on Windows lab PCs', () => {
  let dir: string;
  let lab: Lab;
  let ids: string[];
  const files: Record<string, Buffer> = {};
  const pc = (id: string) => join(lab.dir, 'pcs', id);
  const env = { HOMESHIFT_SHARE_CREDENTIAL: `LAB\\installer:${PASSWORD}` };
  const cli = (...args: string[]) => runCli(['-C', lab.projectDir, ...args], { env, timeoutMs: 600_000 });
  const profile = (bundles: string[]) => put(join(lab.projectDir, 'profiles', 'pkg-desk.yaml'), `name: pkg-desk\ndescription: packages only\nbundles: [${bundles.join(', ')}]\n`);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hs-sources-'));
    lab = await startLab({ dir: join(dir, 'lab'), machines: PCS, sites: 1, windows: '100%' });
    ids = lab.machines.map((m) => m.id).sort();
    files.crm = labPackage(`ProductCode=${CRM}\nProductVersion=4.2.1\nProductName=CRM Connector\n`, 30 * MB);
    files.scan = labPackage('UninstallKey=ScanStation\nDisplayName=Scan Station\nDisplayVersion=2.0.3\n', 30 * MB);
    files.tampered = labPackage(`ProductCode=${TAMPERED}\nProductVersion=1.0\nProductName=Tampered\n`, MB);
    files.shared = labPackage(`ProductCode=${SHARED}\nProductVersion=3.0\nProductName=Shared Tool\n`, MB);
    files.resumed = labPackage(`ProductCode=${RESUMED}\nProductVersion=5.0\nProductName=Big Tool\n`, 4 * MB);
    await put(join(lab.distribution.folder, 'crm', 'CrmConnector-4.2.1-x64.msi'), files.crm);
    await put(join(lab.distribution.folder, 'tools', 'tampered.msi'), files.tampered);
    await put(join(lab.distribution.folder, '.tampered'), 'tools/tampered.msi\n');
    await put(join(lab.distribution.folder, 'tools', 'big-tool.msi'), files.resumed);
    await put(join(lab.projectDir, 'files', 'ScanStationSetup-2.0.3.exe'), files.scan);
    await put(join(lab.dir, 'shares', 'fileserver', 'software', 'shared-3.0.msi'), files.shared);
    await put(join(lab.dir, 'shares', '.accounts', 'fileserver'), `LAB\\installer:${PASSWORD}\n`);

    const url = lab.distribution.url;
    await put(join(lab.projectDir, 'bundles', 'sources.yaml'), `bundles:
  - name: crm-tools
    version: "4.2"
    packages:
      - name: crm-connector
        version: "4.2.1"
        windows:
          msi:
            source: { url: "${url}crm/CrmConnector-4.2.1-x64.msi" }
            sha256: "${sha(files.crm)}"
            productCode: "${CRM}"
            properties: { ALLUSERS: 1 }
      - name: scan-station
        version: "2.0.3"
        windows:
          exe:
            source: { push: files/ScanStationSetup-2.0.3.exe }
            sha256: "${sha(files.scan)}"
            arguments: /VERYSILENT
            detect: { uninstallKey: { key: ScanStation } }
  - name: tampered-tools
    version: "1.0"
    packages:
      - name: tampered
        version: "1.0"
        windows: { msi: { source: { url: "${url}tools/tampered.msi" }, sha256: "${sha(files.tampered)}", productCode: "${TAMPERED}" } }
  - name: big-tools
    version: "5.0"
    packages:
      - name: big-tool
        version: "5.0"
        windows: { msi: { source: { url: "${url}tools/big-tool.msi" }, sha256: "${sha(files.resumed)}", productCode: "${RESUMED}" } }
  - name: bare-share-tools
    version: "3.0"
    packages:
      - name: shared-tool
        version: "3.0"
        windows: { msi: { path: '\\\\fileserver\\software\\shared-3.0.msi', productCode: "${SHARED}" } }
  - name: share-tools
    version: "3.0"
    packages:
      - name: shared-tool
        version: "3.0"
        windows:
          msi:
            source: { unc: '\\\\fileserver\\software\\shared-3.0.msi', credential: fileserverShare }
            sha256: "${sha(files.shared)}"
            productCode: "${SHARED}"
`);
    await profile(['crm-tools']);
    const config = join(lab.projectDir, 'homeshift.yaml');
    // 30 MB installers on 20 PCs of a loaded 2-core machine take longer than the lab's two minutes a PC
    const settings = (await readFile(config, 'utf8')).replace(/^  machineTimeout: \d+$/m, '  machineTimeout: 1200');
    await writeFile(config, settings.replace(/^secrets:\n/m, 'secrets:\n  fileserverShare: { env: HOMESHIFT_SHARE_CREDENTIAL }\n'));
    await giveEveryPcRole(lab.projectDir, 'pkg-desk');
  }, 300_000);

  afterAll(async () => {
    await lab?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('validate passes the sources and warns about the bare share path, saying why and what instead', async () => {
    const run = await cli('validate');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/sources\.yaml:\d+:\d+ .*bundle bare-share-tools: package shared-tool: path \\\\fileserver\\software\\shared-3\.0\.msi is on a share.*second hop.*source: \{ url: \.\.\. \}.*\[installer-second-hop\]/);
    expect((await cli('validate', '--strict')).exitCode).toBe(2);
  });

  it('installs a 30 MB MSI by url and a 30 MB EXE by push on 20 PCs, verified and cached; the second run fetches nothing', async () => {
    const first = await cli('rollout', '--yes', '--json', '--push-forks', '5');
    expect(first.stderr).not.toMatch(/failed/);
    expect(machineResults(String(first.stdout)).map((r) => r.status)).toEqual(Array(PCS).fill('changed'));
    expect(lab.distribution.downloads('crm/CrmConnector-4.2.1-x64.msi')).toBe(PCS);
    for (const id of ids) {
      const keys = await readRegistry(pc(id), 'HKLM');
      expect(keys[`${UNINSTALL}\\${CRM}`]?.DisplayVersion.value).toBe('4.2.1');
      expect(keys[`${UNINSTALL}\\ScanStation`]?.DisplayVersion.value).toBe('2.0.3');
      const cached = join(pc(id), 'C', 'ProgramData', 'homeshift', 'cache', sha(files.crm), 'CrmConnector-4.2.1-x64.msi');
      expect(sha(await readFile(cached))).toBe(sha(files.crm));
      expect(sha(await readFile(join(pc(id), 'C', 'ProgramData', 'homeshift', 'cache', sha(files.scan), 'ScanStationSetup-2.0.3.exe')))).toBe(sha(files.scan));
    }
    const [call] = parseTable(await readFile(join(pc(ids[0]), '.sim', 'state', 'msiexec.log'), 'utf8'));
    expect(call).toEqual(['msiexec', '/i', `C:\\ProgramData\\homeshift\\cache\\${sha(files.crm)}\\CrmConnector-4.2.1-x64.msi`, '/qn', '/norestart', 'ALLUSERS=1']);

    const second = await cli('rollout', '--yes', '--json');
    expect(machineResults(String(second.stdout)).map((r) => r.status)).toEqual(Array(PCS).fill('ok'));
    expect(lab.distribution.downloads()).toBe(PCS);

    // a PC that lost its install gets it again from its cache: nothing downloaded, nothing pushed
    const registry = join(pc(ids[0]), '.sim', 'state', 'registry-HKLM.tsv');
    await writeFile(registry, (await readFile(registry, 'utf8')).split('\n').filter((l) => !l.includes(CRM) && !l.includes('ScanStation')).join('\n'));
    const again = await cli('rollout', '--yes', '--json', '--limit', ids[0]);
    expect(machineResults(String(again.stdout)).map((r) => r.status)).toEqual(['changed']);
    expect(lab.distribution.downloads()).toBe(PCS);
    expect(String((await cli('log', ids[0])).stdout)).toContain('CrmConnector-4.2.1-x64.msi from the package cache');
  }, 600_000);

  it('a pushed EXE tampered with in the cache (right size, wrong bytes) fails the bundle step, is deleted, and the next run pushes it again', async () => {
    const id = ids[6];
    const file = join(pc(id), 'C', 'ProgramData', 'homeshift', 'cache', sha(files.scan), 'ScanStationSetup-2.0.3.exe');
    const tampered = Buffer.from(files.scan);
    tampered[tampered.length >> 1] ^= 0xff;
    await writeFile(file, tampered);
    const registry = join(pc(id), '.sim', 'state', 'registry-HKLM.tsv');
    await writeFile(registry, (await readFile(registry, 'utf8')).split('\n').filter((l) => !l.includes('ScanStation')).join('\n'));
    const run = await cli('rollout', '--yes', '--json', '--limit', id);
    expect(run.exitCode).toBe(3);
    expect(machineResults(String(run.stdout))[0]).toMatchObject({ status: 'failed', errorClass: 'step-failed' });
    const errors = String((await cli('errors', '--format', 'json')).stdout);
    expect(errors).toContain(`installer hash mismatch: scan-station 2.0.3: files/ScanStationSetup-2.0.3.exe: expected ${sha(files.scan)}, found ${sha(tampered)}`);
    expect(existsSync(file)).toBe(false);
    expect((await readRegistry(pc(id), 'HKLM'))[`${UNINSTALL}\\ScanStation`]).toBeUndefined();

    const again = await cli('rollout', '--yes', '--json', '--limit', id);
    expect(machineResults(String(again.stdout)).map((r) => r.status)).toEqual(['changed']);
    expect(sha(await readFile(file))).toBe(sha(files.scan));
    expect((await readRegistry(pc(id), 'HKLM'))[`${UNINSTALL}\\ScanStation`]?.DisplayVersion.value).toBe('2.0.3');
  }, 300_000);

  it('a tampered download fails with "installer hash mismatch", names file, expected and found, and installs nothing', async () => {
    await profile(['crm-tools', 'tampered-tools']);
    const run = await cli('rollout', '--yes', '--json', '--limit', ids[1]);
    expect(run.exitCode).toBe(3);
    const [result] = machineResults(String(run.stdout));
    expect(result).toMatchObject({ status: 'failed', errorClass: 'step-failed' });
    const served = sha(Buffer.concat([files.tampered.subarray(0, -1), Buffer.from([files.tampered[files.tampered.length - 1] ^ 0xff])]));
    const errors = String((await cli('errors', '--format', 'json')).stdout);
    expect(errors).toContain(`installer hash mismatch: tampered 1.0: ${lab.distribution.url}tools/tampered.msi: expected ${sha(files.tampered)}, found ${served}`);
    expect((await readRegistry(pc(ids[1]), 'HKLM'))[`${UNINSTALL}\\${TAMPERED}`]).toBeUndefined();
    expect(await readFile(join(pc(ids[1]), '.sim', 'state', 'msiexec.log'), 'utf8')).not.toContain('tampered');
    expect(existsSync(join(pc(ids[1]), 'C', 'ProgramData', 'homeshift', 'cache', sha(files.tampered)))).toBe(true); // the folder, empty
    expect(existsSync(join(pc(ids[1]), 'C', 'ProgramData', 'homeshift', 'cache', sha(files.tampered), 'tampered.msi'))).toBe(false);
  }, 300_000);

  it('a bare share path fails as in the field: the share refuses the key-login session, and the cause explains the second hop', async () => {
    await profile(['bare-share-tools']);
    const run = await cli('rollout', '--yes', '--json', '--limit', ids[2]);
    expect(run.exitCode).toBe(3);
    const log = String((await cli('log', ids[2])).stdout);
    expect(log).toMatch(/msiexec shared-tool 3\.0 exited 1619: \\\\fileserver\\software\\shared-3\.0\.msi is on a share, and a PC reached by an SSH key has no network credentials in its session \(the second hop\)/);
    expect((await readRegistry(pc(ids[2]), 'HKLM'))[`${UNINSTALL}\\${SHARED}`]).toBeUndefined();
  }, 300_000);

  it('unc with a credential maps the share for the copy, unmaps it after, and installs; the password is nowhere', async () => {
    await profile(['share-tools']);
    const run = await cli('rollout', '--yes', '--json', '--limit', ids[3]);
    expect(machineResults(String(run.stdout)).map((r) => r.status)).toEqual(['changed']);
    expect((await readRegistry(pc(ids[3]), 'HKLM'))[`${UNINSTALL}\\${SHARED}`]?.DisplayVersion.value).toBe('3.0');
    const mapped = parseTable(await readFile(join(pc(ids[3]), '.sim', 'state', 'shares.log'), 'utf8'));
    expect(mapped.map((r) => r[0])).toEqual(['map', 'unmap']);
    expect(mapped[0].slice(2)).toEqual(['\\\\fileserver\\software', 'LAB\\installer']);
    const log = String((await cli('log', ids[3])).stdout);
    expect(log).not.toContain('S3cret');

    // a wrong password is refused by the share: the step fails and nothing stays mapped
    const wrong = await runCli(['-C', lab.projectDir, 'rollout', '--yes', '--json', '--limit', ids[4]], { env: { HOMESHIFT_SHARE_CREDENTIAL: 'LAB\\installer:wrong' }, timeoutMs: 300_000 });
    expect(machineResults(String(wrong.stdout)).map((r) => r.status)).toEqual(['failed']);
    expect(String((await cli('log', ids[4])).stdout)).toContain('The specified network password is not correct');
    expect(existsSync(join(pc(ids[4]), '.sim', 'state', 'shares.log'))).toBe(false);
  }, 300_000);

  it('a download broken off halfway is resumed by the next attempt (Range), which fetches only the rest', async () => {
    await profile(['big-tools']);
    const name = 'tools/big-tool.msi';
    await put(join(lab.distribution.folder, '.broken-off'), `${name}\n`);
    const partial = join(pc(ids[5]), 'C', 'ProgramData', 'homeshift', 'cache', sha(files.resumed), 'big-tool.msi.partial');

    const broken = await cli('rollout', '--yes', '--json', '--limit', ids[5]);
    expect(broken.exitCode).toBe(3);
    expect(String((await cli('log', ids[5])).stdout)).toMatch(/tools\/big-tool\.msi: download broken off \(.*\); \d+ bytes kept in the package cache, resumed on the next attempt/);
    const kept = (await stat(partial)).size;
    expect(kept).toBe(files.resumed.length / 2);
    const before = lab.distribution.bytesServed(name);
    expect(before).toBe(kept);

    const resumed = await cli('rollout', '--yes', '--json', '--limit', ids[5]);
    expect(machineResults(String(resumed.stdout)).map((r) => r.status)).toEqual(['changed']);
    expect(lab.distribution.bytesServed(name) - before).toBe(files.resumed.length - kept);
    expect((await readRegistry(pc(ids[5]), 'HKLM'))[`${UNINSTALL}\\${RESUMED}`]?.DisplayVersion.value).toBe('5.0');
    expect(existsSync(partial)).toBe(false);
  }, 300_000);
});
