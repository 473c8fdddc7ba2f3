/**
 * `homeshift preflight` against a lab on loopback: the PCs with faults are the ones not ready, with their class and
 * what to do; a missing secret or SSH key makes the repository not ready (exit 2); nothing is written anywhere.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, stat, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLab, type Lab } from '../../src/lab/index.js';
import { pwshAvailable } from '../support/pwsh.js';
import { runCli } from './run-cli.js';

/** Every file under dir with its size and mtime: what a no-op must leave as it was (pwsh's own cache in its home aside). */
async function snapshot(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const file = join(e.parentPath ?? (e as unknown as { path: string }).path, e.name);
    if (!e.isFile() || file.includes('/.sim/home/')) continue;
    const info = await stat(file);
    out.push(`${file} ${info.size} ${info.mtimeMs}`);
  }
  return out.sort();
}

interface Record { machine: string; site: string; os: string; ready: boolean; errorClass: string | null; message: string; whatToDo: string | null }

describe('homeshift preflight', () => {
  let base: string;
  let lab: Lab;
  let config: string;
  let original: string;
  const cli = (...args: string[]) => runCli(['-C', lab.projectDir, 'preflight', ...args], { timeoutMs: 120_000 });

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'hs-preflight-'));
    lab = await startLab({ dir: join(base, 'lab'), machines: 30, sites: 2, faults: 'offline=1,auth=1,hostkey=1', windows: pwshAvailable() ? '4' : '0' });
    config = join(lab.projectDir, 'homeshift.yaml');
    original = await readFile(config, 'utf8');
  }, 120_000);
  afterEach(async () => {
    await writeFile(config, original);
  });
  afterAll(async () => {
    await lab?.stop();
    if (base) await rm(base, { recursive: true, force: true });
  });

  it('marks exactly the PCs with faults not ready (exit 3), changing nothing on any PC or in the journal', async () => {
    const before = await snapshot(join(lab.dir, 'pcs'));
    const faulty = lab.machines.filter((m) => m.fault).map((m) => m.id).sort();
    expect(faulty).toHaveLength(3);

    const json = await cli('--format', 'json');
    expect(json.exitCode).toBe(3);
    const report = JSON.parse(String(json.stdout)) as { ready: boolean; repository: { ready: boolean }; machines: Record[]; sites: { notReady: number }[] };
    expect(report.ready).toBe(false);
    expect(report.repository.ready).toBe(true);
    expect(report.machines).toHaveLength(30);
    expect(report.machines.filter((m) => !m.ready).map((m) => m.machine).sort()).toEqual(faulty);
    const byFault = (kind: string) => report.machines.find((m) => m.machine === lab.machines.find((x) => x.fault?.kind === kind)!.id)!;
    expect(byFault('offline')).toMatchObject({ errorClass: 'unreachable', whatToDo: expect.stringMatching(/SSH service does not answer|switched on/) });
    expect(byFault('auth')).toMatchObject({ errorClass: 'auth', message: expect.stringMatching(/authentication failed/) });
    expect(byFault('hostkey')).toMatchObject({ errorClass: 'auth', message: expect.stringMatching(/HOST KEY MISMATCH.*nothing was run/), whatToDo: expect.stringMatching(/^Host key changed/) });
    for (const m of report.machines.filter((r) => r.ready)) expect(m).toMatchObject({ errorClass: null, message: 'ready', whatToDo: null });
    expect(report.sites.reduce((n, s) => n + s.notReady, 0)).toBe(3);

    const text = await cli();
    expect(text.exitCode).toBe(3);
    expect(text.stdout).toMatch(/site\s+machines\s+ready\s+not ready/);
    expect(text.stdout).toMatch(/total\s+30\s+27\s+3/);
    for (const id of faulty) expect(text.stdout).toMatch(new RegExp(`${id}  \\S+  (auth|unreachable)  .*\\n    what to do \\((site|central-it)\\): `));
    expect(text.stdout).toMatch(/not ready: 3 of 30 PC\(s\)$/);

    expect(lab.stats().execs).toBe(2 * 27); // one no-op per PC that let us in, per call; none on the refused host key
    expect(await snapshot(join(lab.dir, 'pcs'))).toEqual(before);
    expect(existsSync(join(lab.projectDir, '.homeshift'))).toBe(false);
  }, 240_000); // two preflights of 30 PCs, some of them starting PowerShell

  (pwshAvailable() ? it : it.skip)('a Windows PC answers ready to the PowerShell no-op', async () => {
    const windows = lab.machines.filter((m) => m.os === 'windows' && !m.fault);
    expect(windows.length).toBeGreaterThan(0);
    const json = await cli('--limit', windows.map((m) => m.id).join(','), '--json');
    expect(json.exitCode).toBe(0);
    const report = JSON.parse(String(json.stdout)) as { machines: Record[] };
    expect(report.machines.map((m) => [m.os, m.ready])).toEqual(windows.map(() => ['windows', true]));
  });

  it('a secret whose environment variable is not set makes the repository not ready (exit 2), naming it', async () => {
    await writeFile(config, original.replace(/vpnPsk:\n\s+file: \S+/, 'vpnPsk:\n    env: HS_TEST_NO_SUCH_PSK'));
    const ok = lab.machines.find((m) => !m.fault)!.id;
    const run = await cli('--limit', ok);
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toMatch(/Repository not ready\n {2}secret vpnPsk: environment variable HS_TEST_NO_SUCH_PSK is not set\n {4}what to do: /);
    const json = await cli('--limit', ok, '--json');
    expect(json.exitCode).toBe(2);
    expect(JSON.parse(String(json.stdout)).repository).toEqual({
      ready: false,
      findings: [{ kind: 'secret', subject: 'vpnPsk', message: 'secret vpnPsk: environment variable HS_TEST_NO_SUCH_PSK is not set', whatToDo: expect.any(String) }],
    });
  });

  it('under strict, a known_hosts file that is not there is a repository finding (exit 2), and each PC says how to add its key', async () => {
    const missing = join(base, 'no_known_hosts');
    await writeFile(config, original.replace(/knownHosts: \S+/, `knownHosts: ${missing}`));
    const json = await cli('--limit', 'site=koeln', '--json');
    expect(json.exitCode).toBe(2);
    const report = JSON.parse(String(json.stdout)) as { repository: { findings: { kind: string; message: string }[] }; machines: Record[] };
    expect(report.repository.findings).toEqual([expect.objectContaining({ kind: 'known-hosts', message: `known_hosts file ${missing} does not exist: with hostKeyPolicy strict no PC is contacted` })]);
    const offline = lab.machines.find((m) => m.fault?.kind === 'offline')!.id;
    for (const m of report.machines.filter((r) => r.machine !== offline)) {
      expect(m).toMatchObject({ ready: false, errorClass: 'auth', message: expect.stringMatching(/is not in .*no_known_hosts .*ssh-keyscan/), whatToDo: expect.stringMatching(/^Host key unknown/) });
    }
    expect(existsSync(missing)).toBe(false);
  });

  it('a repository that does not validate is not ready (exit 2): its errors are the findings, no PC is contacted', async () => {
    const broken = fileURLToPath(new URL('../../examples/broken', import.meta.url));
    const json = await runCli(['-C', broken, 'preflight', '--json']);
    expect(json.exitCode).toBe(2);
    const report = JSON.parse(String(json.stdout)) as { ready: boolean; repository: { ready: boolean; findings: { kind: string; message: string }[] }; machines: unknown[] };
    expect(report).toMatchObject({ ready: false, repository: { ready: false }, machines: [] });
    expect(report.repository.findings.length).toBeGreaterThan(0);
    for (const f of report.repository.findings) expect(f).toMatchObject({ kind: 'validation', message: expect.stringMatching(/^\S+:\d+:\d+ .* \[[a-z0-9-]+\]$/) });
    const text = await runCli(['-C', broken, 'preflight']);
    expect(text.exitCode).toBe(2);
    expect(text.stdout).toMatch(/^Repository not ready\n/);
    expect(text.stdout).toMatch(/not ready: the repository has \d+ problem\(s\)$/);
  });

  it('a missing SSH key makes the repository not ready (exit 2), naming the file; no PC is contacted', async () => {
    const missing = join(base, 'no-such-key');
    await writeFile(config, original.replace(/identityFile: \S+/, `identityFile: ${missing}`));
    const connections = lab.stats().connections;
    const run = await cli('--limit', 'site=bruehl');
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toContain(`SSH identity file ${missing} does not exist (ssh.identityFile in homeshift.yaml)`);
    expect(run.stdout).toMatch(/not contacted: SSH identity file/);
    expect(lab.stats().connections).toBe(connections);
  });
});
