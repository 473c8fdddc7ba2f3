/**
 * Day zero on the lab's Windows PCs: `homeshift bootstrap windows` writes the script, the script runs on each PC
 * (real pwsh, the PC's simulated capability, service, icacls and firewall), the collected host key lines become
 * known_hosts with `homeshift known-hosts import`, and strict host-key checking holds from the first contact.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '../../src/lab/index.js';
import { runScriptOnWindowsPc } from '../../src/lab/windows/run-script.js';
import { checkPowerShellSyntax } from '../../src/shell/powershell-syntax.js';
import { findPwsh } from '../../src/shell/pwsh-path.js';
import { PWSH_MISSING, pwshAvailable } from '../support/pwsh.js';
import { runCli } from './run-cli.js';

const describeWindows = pwshAvailable() ? describe : describe.skip;
if (!pwshAvailable()) console.warn(PWSH_MISSING);

const rows = async (file: string) => (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean).map((l) => l.split('\t').map(decodeURIComponent));

describeWindows('day zero on Windows PCs', () => {
  let dir: string;
  let lab: Lab;
  const cli = (...args: string[]) => runCli(['-C', lab.projectDir, ...args], { timeoutMs: 300_000 });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hs-bootstrap-'));
    lab = await startLab({ dir: join(dir, 'lab'), machines: 2, sites: 1, windows: '100%' });
  }, 120_000);
  afterAll(async () => {
    await lab?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the script, which sets each PC up; the collected host keys make known_hosts that preflight trusts', async () => {
    const out = join(dir, 'day-zero');
    const collect = join(dir, 'hostkeys');
    await mkdir(collect);
    const noNetworks = await cli('bootstrap', 'windows', '--out', out);
    expect(noNetworks.exitCode).toBe(1);
    expect(String(noNetworks.stderr)).toContain('--allow-from');

    const made = await cli('bootstrap', 'windows', '--out', out, '--allow-from', '10.20.0.0/16,192.168.50.0/24', '--collect', collect);
    expect(made.stderr).toBe('');
    expect(made.exitCode).toBe(0);
    const script = join(out, 'Enable-HomeshiftSsh.ps1');
    const text = await readFile(script, 'utf8');
    expect(text.startsWith('\uFEFF')).toBe(true); // Windows PowerShell 5.1 reads a file without BOM as ANSI
    expect(text).toContain('\r\n');
    expect(checkPowerShellSyntax([{ name: 'Enable-HomeshiftSsh.ps1', text: text.slice(1) }], findPwsh()!)).toEqual([]);
    expect(await readFile(join(out, 'README.md'), 'utf8')).toContain('homeshift known-hosts import');
    const key = (await readFile(join(lab.dir, 'keys', 'id_ed25519.pub'), 'utf8')).trim();

    for (const pc of lab.machines) {
      const state = join(pc.root, '.sim', 'state');
      for (let round = 1; round <= 2; round++) { // safe to run again
        const ran = await runScriptOnWindowsPc(pc.root, pc.id, script);
        expect({ round, exitCode: ran.exitCode, stderr: ran.stderr }).toEqual({ round, exitCode: 0, stderr: '' });
      }
      expect(await rows(join(state, 'capabilities.tsv'))).toEqual([['OpenSSH.Server~~~~0.0.1.0', 'Installed']]);
      expect(await rows(join(state, 'services.tsv'))).toEqual([['sshd', 'Automatic', 'Running']]);
      const keysFile = join(pc.root, 'C', 'ProgramData', 'ssh', 'administrators_authorized_keys');
      expect(await readFile(keysFile, 'utf8')).toBe(`${key}\n`);
      expect(await rows(join(state, 'acl.tsv'))).toEqual([[keysFile, 'off', '*S-1-5-32-544:F,*S-1-5-18:F']]);
      expect(await rows(join(state, 'firewall.tsv'))).toEqual([['homeshift-sshd', 'Inbound', 'TCP', '22', '10.20.0.0/16,192.168.50.0/24', 'Allow']]);
      const served = (await readFile(join(state, 'sshd-host-key.pub'), 'utf8')).trim().split(' ');
      expect(await readFile(join(collect, `${pc.id}.hostkey`), 'utf8')).toBe(`${pc.id} ${served[0]} ${served[1]}\n`);
    }

    // strict checking against an empty known_hosts refuses; after the import every PC is trusted
    const knownHosts = join(lab.dir, 'known_hosts');
    await writeFile(knownHosts, '');
    expect((await cli('preflight')).exitCode).toBe(3);
    const imported = await cli('known-hosts', 'import', collect);
    expect(imported.stderr).toBe('');
    expect(imported.exitCode).toBe(0);
    expect(String(imported.stdout)).toMatch(/^2 host key\(s\) from 2 file\(s\) merged into known_hosts/);
    const lines = (await readFile(knownHosts, 'utf8')).trim().split('\n');
    expect(lines.map((l) => l.split(' ')[0]).sort()).toEqual(lab.machines.map((m) => `[127.0.0.1]:${m.port}`).sort());
    const preflight = await cli('preflight');
    expect([preflight.exitCode, String(preflight.stdout)]).toEqual([0, expect.any(String)]);

    // importing again changes nothing; a bad line is named by file:line and nothing is written
    expect((await cli('known-hosts', 'import', collect)).exitCode).toBe(0);
    expect((await readFile(knownHosts, 'utf8')).trim().split('\n')).toEqual(lines);
    await writeFile(join(collect, 'zz-broken.hostkey'), `${lab.machines[0].id} ssh-ed25519 AAAAnotakey\nNOT-IN-INVENTORY ${lines[0].split(' ').slice(1, 3).join(' ')}\n`);
    const bad = await cli('known-hosts', 'import', collect);
    expect(bad.exitCode).toBe(2);
    expect(String(bad.stderr)).toContain('zz-broken.hostkey:1: the key is not a ssh-ed25519 public key');
    expect(String(bad.stderr)).toContain('zz-broken.hostkey:2: NOT-IN-INVENTORY is not a machine of the inventory');
    expect((await readFile(knownHosts, 'utf8')).trim().split('\n')).toEqual(lines);
    expect(existsSync(join(lab.dir, 'known_hosts'))).toBe(true);
  }, 600_000);
});
