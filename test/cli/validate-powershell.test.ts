import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../plan/fixture.js';
import { PWSH_MISSING, pwshAvailable } from '../support/pwsh.js';
import { runCli } from './run-cli.js';

const describePwsh = pwshAvailable() ? describe : describe.skip;
if (!pwshAvailable()) console.warn(PWSH_MISSING);

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The example repository, with a Windows VPN template of its own that uses PowerShell 7's ?? on line 4. */
function repoWithOwnVpnTemplate(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hs-validate-ps-'));
  dirs.push(dir);
  cpSync(join(REPO, 'examples', 'service-center'), dir, { recursive: true });
  mkdirSync(join(dir, 'templates', 'windows'), { recursive: true });
  const shipped = readFileSync(join(REPO, 'templates', 'windows', 'vpn.ps1'), 'utf8');
  const own = shipped.replace('function Get-HsVpn {\n', 'function Get-HsVpn {\n  $a = $null; $b = $HS_VPN_NAME\n  $name = $a ?? $b\n');
  expect(own).not.toBe(shipped);
  writeFileSync(join(dir, 'templates', 'windows', 'vpn.ps1'), own);
  return dir;
}

describePwsh('homeshift validate: Windows PowerShell 5.1 syntax of the repository templates', () => {
  it('a ?? in the repository own templates/windows/vpn.ps1 is an error at its line and column, exit 2', async () => {
    const dir = repoWithOwnVpnTemplate();
    const run = await runCli(['-C', dir, 'validate']);
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toContain("templates/windows/vpn.ps1:4:14 the null-coalescing operator '??' is PowerShell 7 syntax");
    expect(run.stdout).toContain('[powershell-51]');
    const json = await runCli(['-C', dir, 'validate', '--format', 'json']);
    expect(json.exitCode).toBe(2);
    expect(json.stdout).toContain('"powershell-51"');
  });
});

describe('homeshift validate without pwsh', () => {
  it('says in one line that the check was skipped and still succeeds', async () => {
    const dir = repoWithOwnVpnTemplate();
    const run = await runCli(['-C', dir, 'validate'], { env: { HOMESHIFT_PWSH: join(dir, 'no-such-pwsh') } });
    expect(run.exitCode).toBe(0);
    const lines = String(run.stdout).split('\n').filter((l) => l.includes('powershell-51'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/PowerShell 5\.1 syntax check of 1 Windows template\(s\) skipped: pwsh not found/);
  });

  it('starts no pwsh at all when the repository has no PowerShell templates of its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hs-validate-ps-'));
    dirs.push(dir);
    const marker = join(dir, 'pwsh-was-started');
    const fakePwsh = join(dir, 'pwsh');
    writeFileSync(fakePwsh, `#!/bin/sh\n: >'${marker}'\nexit 1\n`);
    chmodSync(fakePwsh, 0o755);
    const run = await runCli(['-C', join(REPO, 'examples', 'service-center'), 'validate'], { env: { HOMESHIFT_PWSH: fakePwsh } });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).not.toContain('powershell-51');
    expect(existsSync(marker)).toBe(false);
  });
});
