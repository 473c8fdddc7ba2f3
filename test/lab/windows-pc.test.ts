import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';
import { generateEd25519 } from '../../src/transport/key-pair.js';
import { createCounters } from '../../src/lab/lab-stats.js';
import { PcServer, type FleetContext } from '../../src/lab/pc-server.js';
import { createVerifier } from '../../src/lab/ssh-keys.js';
import { installWindowsPc } from '../../src/lab/windows/windows-pc.js';
import { readRegistry, readVpnConnections } from '../../src/lab/windows/state-files.js';
import { findPwsh } from '../../src/shell/pwsh-path.js';
import { encodePowerShellProgram, POWERSHELL_COMMAND } from '../../src/shell/powershell-program.js';
import { PWSH_MISSING, pwshAvailable } from '../support/pwsh.js';
import { connect, run } from './ssh-client.js';

const describeWindows = pwshAvailable() ? describe : describe.skip;
if (!pwshAvailable()) console.warn(PWSH_MISSING);

const clientKeys = generateEd25519();
let base: string;
let fleet: FleetContext;
let server: PcServer;
let port: number;

beforeAll(async () => {
  if (!pwshAvailable()) return;
  base = await mkdtemp(join(tmpdir(), 'hs-winpc-'));
  const accepted = ssh2.utils.parseKey(clientKeys.public) as ParsedKey;
  fleet = { clientKey: accepted, verifyClient: createVerifier(accepted), pwsh: findPwsh(), counters: createCounters(), live: new Set() };
  const root = join(base, 'WIN-1');
  await installWindowsPc(root, { user: 'e1' });
  server = new PcServer({ id: 'WIN-1', site: 's', os: 'windows', user: 'e1', root, port: 0, fault: null, attempts: 0, healed: false, saved: null }, fleet);
  port = await server.listen();
  server.serve(generateEd25519().private);
});

afterAll(async () => {
  if (!server) return;
  await server.close();
  for (const item of [...fleet.live]) item.stop();
  await rm(base, { recursive: true, force: true });
});

async function powershell(program: string) {
  const client = await connect({ port, privateKey: clientKeys.private });
  try {
    return await run(client, POWERSHELL_COMMAND, encodePowerShellProgram(program));
  } finally {
    client.end();
  }
}


describeWindows('a Windows lab PC', () => {
  test('refuses every other command line as cmd.exe does', async () => {
    const client = await connect({ port, privateKey: clientKeys.private });
    try {
      expect(await run(client, 'sh -c true')).toMatchObject({ code: 1, stdout: '', stderr: "'sh' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n" });
      expect((await run(client, 'powershell.exe -Command Get-Date')).code).toBe(1);
    } finally {
      client.end();
    }
  });

  test('runs the transport command in pwsh, in its own C:, with the Windows environment', async () => {
    const result = await powershell(`Write-Output $env:SystemDrive
Write-Output (Get-Location).Path
Write-Output ([System.IO.Path]::GetTempPath())
Write-Output $PSVersionTable.PSEdition
Write-Output (Get-Command Get-VpnConnection).CommandType`);
    const drive = join(base, 'WIN-1', 'C');
    expect(result.stdout.split('\n')).toEqual(['C:', drive, `${join(drive, 'Windows', 'Temp')}/`, 'Core', 'Function', '']);
    expect(result.code).toBe(0);
  });

  test('simulates the registry, VpnClient, BitLocker and winget with state in files', async () => {
    const result = await powershell(`$ErrorActionPreference = 'Stop'
$k = 'HKLM:\\SOFTWARE\\Contoso\\Agent'
Write-Output "exists before: $(Test-Path -Path $k)"
New-Item -Path $k -Force | Out-Null
Set-ItemProperty -Path $k -Name Timeout -Type DWord -Value 300
New-ItemProperty -Path $k -Name Mode -PropertyType String -Value 'home' | Out-Null
Write-Output "timeout: $((Get-ItemProperty -Path 'hklm:\\software\\contoso\\agent' -Name TIMEOUT).Timeout)"
Write-Output "children: $((Get-ChildItem -Path 'HKLM:\\SOFTWARE\\Contoso' | ForEach-Object { $_.PSChildName }) -join ',')"
Remove-ItemProperty -Path $k -Name Mode
Write-Output "item: $((Get-Item -Path $k).Property -join ',')"
New-Item -Path 'HKCU:\\Software\\Scratch\\Sub' -Force | Out-Null
try { Remove-Item -Path 'HKCU:\\Software\\Scratch' } catch { Write-Output 'has subkeys' }
Remove-Item -Path 'HKCU:\\Software\\Scratch' -Recurse
Write-Output "removed: $(Test-Path -Path 'HKCU:\\Software\\Scratch\\Sub')"
Write-Output "missing: $($null -eq (Get-ItemProperty -Path $k -Name Mode -ErrorAction SilentlyContinue))"
try { Get-ItemProperty -Path 'HKCU:\\Nope' -Name X } catch { Write-Output "error: $($_.Exception.Message)" }
Write-Output "vpn before: $($null -eq (Get-VpnConnection -Name office -AllUserConnection -ErrorAction SilentlyContinue))"
try { Set-VpnConnection -Name office -AllUserConnection -ServerAddress x } catch { Write-Output "error: $($_.Exception.Message)" }
Add-VpnConnection -Name office -ServerAddress vpn.example -TunnelType Ikev2 -AllUserConnection -SplitTunneling:$false -AuthenticationMethod Eap -Force
Set-VpnConnection -Name OFFICE -AllUserConnection -DnsSuffix corp.example -SplitTunneling $true
$vpn = Get-VpnConnection -Name office -AllUserConnection
Write-Output "vpn: $($vpn.ServerAddress) $($vpn.SplitTunneling) $($vpn.DnsSuffix)"
Write-Output "bitlocker: $((Get-BitLockerVolume -MountPoint $env:SystemDrive).ProtectionStatus)"
winget list --id Contoso.App --exact | Out-Null
Write-Output "list before: $LASTEXITCODE"
winget install --id Contoso.App --version 1.2.3 --exact --silent | Out-Null
Write-Output "install: $LASTEXITCODE"
$listed = winget list --id Contoso.App --exact
Write-Output "list after: $LASTEXITCODE $($listed -match '1.2.3')"`);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim().split('\n')).toEqual([
      'exists before: False',
      'timeout: 300',
      'children: Agent',
      'item: Timeout',
      'has subkeys',
      'removed: False',
      'missing: True',
      "error: Cannot find path 'HKCU:\\Nope' because it does not exist.",
      'vpn before: True',
      'error: The VPN connection office cannot be found.',
      'vpn: vpn.example True corp.example',
      'bitlocker: On',
      'list before: 20',
      'install: 0',
      'list after: 0 Contoso.App  Contoso.App  1.2.3  winget',
    ]);
    const hklm = await readRegistry(join(base, 'WIN-1'), 'HKLM');
    expect(hklm['SOFTWARE\\Contoso\\Agent']).toEqual({ Timeout: { type: 'DWord', value: 300 } });
    expect((await readVpnConnections(join(base, 'WIN-1'))).AllUserConnection.office).toMatchObject({ ServerAddress: 'vpn.example', TunnelType: 'Ikev2', SplitTunneling: true, DnsSuffix: 'corp.example', AuthenticationMethod: ['Eap'] });
    expect(await readFile(join(base, 'WIN-1', '.sim', 'state', 'winget', 'Contoso.App'), 'utf8')).toBe('1.2.3\n');
  });
});
