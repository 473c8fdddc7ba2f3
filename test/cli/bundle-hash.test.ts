/**
 * homeshift bundle hash: the sha256 of every installer file the control machine can reach, filled in or (--check)
 * compared; a lab repository whose packages the lab's distribution point serves, and the example repository, whose
 * distribution point and file server this machine cannot reach (its url pointed at a loopback port nobody listens
 * on: tests stay on loopback).
 */
import { createHash, randomBytes } from 'node:crypto';
import { cpSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startLab, type Lab } from '../../src/lab/index.js';
import { REPO_ROOT } from '../config/helpers.js';
import { runCli } from './run-cli.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function put(file: string, data: string | Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, data);
}

/** A loopback port that refuses connections: taken, then given back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

describe('bundle hash', () => {
  let dir: string;
  let lab: Lab;
  const msi = randomBytes(256 * 1024);
  const exe = randomBytes(64 * 1024);
  const deb = randomBytes(128 * 1024);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hs-bundle-hash-'));
    lab = await startLab({ dir: join(dir, 'lab'), machines: 1, sites: 1, windows: '0%' });
    await put(join(lab.distribution.folder, 'crm', 'CrmConnector-4.2.1-x64.msi'), msi);
    await put(join(lab.projectDir, 'files', 'ScanStationSetup-2.0.3.exe'), exe);
    await put(join(lab.distribution.folder, 'crm', 'crm-connector_4.2.1-1_amd64.deb'), deb);
    await put(join(lab.projectDir, 'bundles', 'site-software.yaml'), `bundles:
  - name: crm-connector
    version: "4.2"
    packages:
      - name: crm-connector
        version: "4.2.1"
        windows:
          msi:
            source: { url: "${lab.distribution.url}crm/CrmConnector-4.2.1-x64.msi" }
            productCode: "{3F2A6C1E-7B4D-4E8A-9C15-2D7E0B6A4F91}"
        linux:
          deb:
            source: { url: "${lab.distribution.url}crm/crm-connector_4.2.1-1_amd64.deb" }
            version: "4.2.1-1"
  - name: scan-station
    version: "2.0"
    packages:
      - name: scan-station
        version: "2.0.3"
        windows:
          exe:
            source: { push: files/ScanStationSetup-2.0.3.exe }
            sha256: "${'0'.repeat(64)}"
            arguments: /VERYSILENT
            detect: { uninstallKey: { key: ScanStation } }
`);
  }, 120_000);

  afterAll(async () => {
    await lab?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('on the lab repository: fills in the missing and the wrong sha256, then --check passes', async () => {
    const before = await runCli(['-C', lab.projectDir, 'bundle', 'hash', '--check']);
    expect(before.exitCode).toBe(2);
    expect(String(before.stdout)).toMatch(/bundles\/site-software\.yaml:\d+:\d+ bundle crm-connector: crm-connector 4\.2\.1 \(url http:\/\/127\.0\.0\.1:\d+\/crm\/CrmConnector-4\.2\.1-x64\.msi\): sha256 [0-9a-f]{64} is not in the bundle/);
    expect(String(before.stdout)).toContain(`sha256 ${sha(exe)} differs from the bundle's ${'0'.repeat(64)}`);
    expect(String(before.stdout)).toMatch(/bundle crm-connector: crm-connector 4\.2\.1 \(url http:\/\/127\.0\.0\.1:\d+\/crm\/crm-connector_4\.2\.1-1_amd64\.deb\): sha256 [0-9a-f]{64} is not in the bundle/);

    const fill = await runCli(['-C', lab.projectDir, 'bundle', 'hash']);
    expect(fill.exitCode).toBe(0);
    expect(String(fill.stdout)).toContain('3 installer file(s): 0 ok, 3 filled in, 0 not reachable from here');
    const text = await readFile(join(lab.projectDir, 'bundles', 'site-software.yaml'), 'utf8');
    expect(text).toMatch(new RegExp(`sha256: "?${sha(msi)}"?\n`));
    expect(text).toMatch(new RegExp(`sha256: "?${sha(exe)}"?\n`));
    expect(text).toMatch(new RegExp(`deb:\n +source: .*\n +version: "4.2.1-1"\n +sha256: "?${sha(deb)}"?\n`));

    const check = await runCli(['-C', lab.projectDir, 'bundle', 'hash', '--check']);
    expect(check.exitCode).toBe(0);
    expect(String(check.stdout)).toContain('3 installer file(s): 3 ok, 0 missing or different, 0 not reachable from here');
    expect((await runCli(['-C', lab.projectDir, 'validate'])).exitCode).toBe(0);
  });

  it('on the example repository: names each file it cannot reach, with why, and changes nothing (exit 3)', async () => {
    const example = join(dir, 'service-center');
    cpSync(join(REPO_ROOT, 'examples', 'service-center'), example, { recursive: true, filter: (src) => !src.includes('.homeshift') });
    const file = join(example, 'bundles', 'site-software.yaml');
    const port = await closedPort();
    const text = (await readFile(file, 'utf8')).replaceAll('https://software.corp.example-telco.de/', `http://127.0.0.1:${port}/`);
    await writeFile(file, text);
    const r = await runCli(['-C', example, 'bundle', 'hash', '--check']);
    expect(r.exitCode).toBe(3);
    const out = String(r.stdout);
    expect(out).toMatch(/bundles\/site-software\.yaml:\d+:\d+ bundle crm-connector: crm-connector 4\.2\.1 \(url http:\/\/127\.0\.0\.1:\d+\/crm\/CrmConnector-4\.2\.1-x64\.msi\): cannot reach it: .*ECONNREFUSED/);
    expect(out).toMatch(/bundles\/site-software\.yaml:\d+:\d+ bundle scan-station: scan-station 2\.0\.3 \(unc \\\\fileserver\\software\\scanner\\ScanStationSetup-2\.0\.3\.exe\): cannot reach it: a share path; this control machine reads it only on Windows/);
    expect(out).toMatch(/bundles\/site-software\.yaml:\d+:\d+ bundle crm-connector: crm-connector 4\.2\.1 \(url http:\/\/127\.0\.0\.1:\d+\/crm\/crm-connector_4\.2\.1-1_amd64\.deb\): cannot reach it: .*ECONNREFUSED/);
    expect(out).toContain('3 installer file(s): 0 ok, 0 missing or different, 3 not reachable from here');
    expect(await readFile(file, 'utf8')).toBe(text);
  });
});
