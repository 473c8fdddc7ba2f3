/**
 * Removal on a Windows lab PC, through the simulated commands in real pwsh as a machine program calls them: winget
 * uninstall, msiexec /x, the uninstall string an EXE install leaves, Remove-VpnConnection and the registry removals.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WINGET_NOT_FOUND } from '../../src/lab/windows/winget-tool.js';
import { installWindowsPc } from '../../src/lab/windows/windows-pc.js';
import { runScriptOnWindowsPc } from '../../src/lab/windows/run-script.js';
import { parseTable, readRegistry, readVpnConnections } from '../../src/lab/windows/state-files.js';
import { PWSH_MISSING, pwshAvailable } from '../support/pwsh.js';

const describeWindows = pwshAvailable() ? describe : describe.skip;
if (!pwshAvailable()) console.warn(PWSH_MISSING);

const UNINSTALL = 'SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall';
const AGENT = '{6F2B1C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D}';
let base: string;
let pc: string;
let scripts = 0;

beforeAll(async () => {
  if (!pwshAvailable()) return;
  base = await mkdtemp(join(tmpdir(), 'hs-winrm-'));
  pc = join(base, 'WIN-1');
  await installWindowsPc(pc);
});

afterAll(async () => {
  if (base) await rm(base, { recursive: true, force: true });
});

const put = async (file: string, text: string) => {
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, text);
};

/** Runs a script on the PC; its output lines. */
async function ps(script: string): Promise<string[]> {
  const file = join(base, `script-${++scripts}.ps1`);
  await writeFile(file, `$ErrorActionPreference = 'Stop'\n${script}`);
  const ran = await runScriptOnWindowsPc(pc, 'WIN-1', file);
  expect(ran.stderr).toBe('');
  expect(ran.exitCode).toBe(0);
  return ran.stdout.trim().split('\n');
}

describeWindows('removal on a Windows lab PC', () => {
  test('winget uninstall removes what winget installed; what is not installed answers as winget list does', async () => {
    await put(join(pc, '.sim', 'fail', 'winget_uninstall_Contoso.Locked'), '1\nUninstall failed with exit code: 1603\n');
    const out = await ps(`winget install --id Contoso.App --version 1.2.3 --exact --silent | Out-Null
winget install --id Contoso.Locked --exact | Out-Null
$said = winget uninstall --id Contoso.App --version 1.0.0 --exact --silent --accept-source-agreements --disable-interactivity
"other version: $LASTEXITCODE $said"
$said = winget uninstall --id Contoso.App -e -h --accept-source-agreements --disable-interactivity
"uninstall: $LASTEXITCODE"
$said
winget list --id Contoso.App --exact | Out-Null
"list: $LASTEXITCODE"
$said = winget uninstall --id Contoso.App --exact --silent --accept-source-agreements --disable-interactivity
"again: $LASTEXITCODE $said"
$said = winget uninstall --id Contoso.Locked --exact --silent
"failed: $LASTEXITCODE $said"
winget list --id Contoso.Locked --exact | Out-Null
"still listed: $LASTEXITCODE"`);
    expect(out).toEqual([
      `other version: ${WINGET_NOT_FOUND} No installed package found matching input criteria.`,
      'uninstall: 0',
      'Found Contoso.App [Contoso.App]',
      'Starting package uninstall...',
      'Successfully uninstalled',
      `list: ${WINGET_NOT_FOUND}`,
      `again: ${WINGET_NOT_FOUND} No installed package found matching input criteria.`,
      'failed: 1 Uninstall failed with exit code: 1603',
      'still listed: 0',
    ]);
    expect(existsSync(join(pc, '.sim', 'state', 'winget', 'Contoso.App'))).toBe(false);
  }, 120_000);

  test('msiexec /x and the uninstall string of an EXE take away the key and the file their install wrote', async () => {
    await put(join(pc, 'C', 'Installers', 'agent.msi'), `ProductCode=${AGENT}\nProductVersion=1.2.0\nProductName=Contoso Agent\nFile=C:\\Program Files\\Contoso Agent\\agent.exe\nFileVersion=1.2.0.0\nUninstallExitCode=3010\n`);
    await put(join(pc, 'C', 'Installers', 'helper setup.exe'), 'UninstallKey=ContosoHelper\nDisplayName=Contoso Helper (x64)\nDisplayVersion=5.0.2\nFile=C:\\Program Files\\Contoso Helper\\helper.exe\nFileVersion=5.0.2.0\n');
    await put(join(pc, 'C', 'Installers', 'stuck setup.exe'), 'UninstallKey=Stuck\nDisplayName=Stuck\nDisplayVersion=1.0\nUninstallExitCode=1603\n');
    const out = await ps(`$u = 'HKLM:\\${UNINSTALL}'
function Run([string]$File, [string]$Arguments) { (Start-Process -FilePath $File -ArgumentList $Arguments -Wait -PassThru).ExitCode }
# an uninstall string as the templates run it: the quoted first token is the file, the rest its arguments
function Run-String([string]$Line) {
  if ($Line -notmatch '^"([^"]+)"\\s*(.*)$') { throw "not quoted: $Line" }
  $start = @{ FilePath = $Matches[1]; Wait = $true; PassThru = $true }
  if ($Matches[2]) { $start.ArgumentList = $Matches[2] }
  (Start-Process @start).ExitCode
}
"unknown product: $(Run 'msiexec.exe' '/x ${AGENT} /qn /norestart')"
"install msi: $(Run 'msiexec.exe' '/i C:\\Installers\\agent.msi /qn /norestart')"
"install exe: $(Run 'C:\\Installers\\helper setup.exe' '/S') $(Run 'C:\\Installers\\stuck setup.exe' '/S')"
$agent = Get-ItemProperty -LiteralPath "$u\\${AGENT}"
"msi key: $($agent.DisplayVersion) $($agent.WindowsInstaller) $($agent.UninstallString)"
"msi file: $((Get-Item -LiteralPath (Join-Path $env:HS_SIM_ROOT 'C/Program Files/Contoso Agent/agent.exe')).VersionInfo.FileVersion)"
$helper = Get-ItemProperty -LiteralPath "$u\\ContosoHelper"
"exe key: $($helper.UninstallString) | $($helper.QuietUninstallString)"
"uninstall exe: $(Run-String $helper.QuietUninstallString) $(Test-Path -LiteralPath "$u\\ContosoHelper")"
"again: $(Run-String $helper.QuietUninstallString)"
"stuck: $(Run-String (Get-ItemProperty -LiteralPath "$u\\Stuck").UninstallString) $(Test-Path -LiteralPath "$u\\Stuck")"
"uninstall msi: $(Run 'msiexec.exe' '/X ${AGENT.toLowerCase()} /qn /norestart') $(Test-Path -LiteralPath "$u\\${AGENT}")"
"again: $(Run 'msiexec.exe' '/uninstall ${AGENT} /qn /norestart')"
# Windows PowerShell 5.1 refuses an empty argument list: an uninstall string without arguments is run without one
try { Start-Process -FilePath 'C:\\Program Files\\Stuck\\uninstall.exe' -ArgumentList '' -Wait -PassThru } catch { "empty: $($_.FullyQualifiedErrorId)" }`);
    expect(out).toEqual([
      'unknown product: 1605',
      'install msi: 0',
      'install exe: 0 0',
      `msi key: 1.2.0 1 MsiExec.exe /X${AGENT}`,
      'msi file: 1.2.0.0',
      'exe key: "C:\\Program Files\\ContosoHelper\\uninstall.exe" | "C:\\Program Files\\ContosoHelper\\uninstall.exe" /S',
      'uninstall exe: 0 False',
      'again: 2', // the uninstaller went with what it uninstalled
      'stuck: 1603 True',
      'uninstall msi: 3010 False',
      'again: 1605',
      'empty: ParameterArgumentValidationError,Start-Process',
    ]);
    const hklm = await readRegistry(pc, 'HKLM');
    expect(Object.keys(hklm).filter((k) => k.startsWith(`${UNINSTALL}\\`))).toEqual([`${UNINSTALL}\\Stuck`]);
    const drive = join(pc, 'C', 'Program Files');
    expect([existsSync(join(drive, 'Contoso Agent', 'agent.exe')), existsSync(join(drive, 'Contoso Helper', 'helper.exe')), existsSync(join(drive, 'ContosoHelper'))]).toEqual([false, false, false]);
    expect(existsSync(join(drive, 'Stuck', 'uninstall.exe'))).toBe(true);
    expect(existsSync(join(pc, '.sim', 'reboot-pending'))).toBe(true); // the MSI's uninstall answered 3010
    const installed = parseTable(await readFile(join(pc, '.sim', 'state', 'installed.tsv'), 'utf8'));
    expect(installed).toEqual([['exe', 'Stuck', '', '1603']]);
    const msiexec = parseTable(await readFile(join(pc, '.sim', 'state', 'msiexec.log'), 'utf8'));
    expect(msiexec.map((r) => r.slice(1, 3))).toEqual([['/x', AGENT], ['/i', 'C:\\Installers\\agent.msi'], ['/X', AGENT.toLowerCase()], ['/uninstall', AGENT]]);
    const installers = parseTable(await readFile(join(pc, '.sim', 'state', 'installers.log'), 'utf8'));
    expect(installers.filter((r) => r[0] === 'uninstaller')).toEqual([
      ['uninstaller', 'C:\\Program Files\\ContosoHelper\\uninstall.exe', '/S'],
      ['uninstaller', 'C:\\Program Files\\Stuck\\uninstall.exe'],
    ]);
  }, 120_000);

  test('msiexec /x answers what .sim/fail/msiexec says and removes nothing', async () => {
    await put(join(pc, '.sim', 'fail', 'msiexec'), '1618\n');
    const out = await ps(`"busy: $((Start-Process msiexec.exe -ArgumentList '/x ${AGENT} /qn' -Wait -PassThru).ExitCode)"`);
    await rm(join(pc, '.sim', 'fail', 'msiexec'));
    expect(out).toEqual(['busy: 1618']);
  }, 120_000);

  test('Remove-VpnConnection removes a connection of its scope; one not there is the error Get-VpnConnection gives', async () => {
    const out = await ps(`Add-VpnConnection -Name office -ServerAddress vpn.example -AllUserConnection -Force
Add-VpnConnection -Name mine -ServerAddress vpn.example -Force
$gone = Remove-VpnConnection -Name OFFICE -AllUserConnection -Force -PassThru
"removed: $($gone.Name) $($null -eq (Get-VpnConnection -Name office -AllUserConnection -ErrorAction SilentlyContinue)) $((Get-VpnConnection -Name mine).Name)"
try { Remove-VpnConnection -Name office -AllUserConnection -Force } catch { "vpn: $($_.Exception.Message) | $($_.CategoryInfo.Category) | $($_.FullyQualifiedErrorId)" }
Remove-VpnConnection -Name office -AllUserConnection -Force -ErrorAction SilentlyContinue`);
    expect(out).toEqual([
      'removed: office True mine',
      'vpn: The VPN connection office cannot be found. | ObjectNotFound | VPN 623,Remove-VpnConnection',
    ]);
    const vpn = await readVpnConnections(pc);
    expect([Object.keys(vpn.AllUserConnection ?? {}), Object.keys(vpn.User ?? {})]).toEqual([[], ['mine']]);
  }, 120_000);

  test('registry removals take -ErrorAction SilentlyContinue, -WhatIf, -Confirm:$false and piped keys as the real ones do', async () => {
    const out = await ps(`$k = 'HKLM:\\SOFTWARE\\Contoso\\Agent'
New-Item -Path "$k\\Sub" -Force | Out-Null
Set-ItemProperty -Path $k -Name Mode -Value home
Set-ItemProperty -Path $k -Name Keep -Value 1
Remove-ItemProperty -Path $k -Name Mode -ErrorAction SilentlyContinue
Remove-ItemProperty -Path $k -Name Mode -ErrorAction SilentlyContinue
Remove-ItemProperty -Path 'HKLM:\\SOFTWARE\\Nowhere' -Name Mode -ErrorAction SilentlyContinue
try { Remove-ItemProperty -Path $k -Name Mode } catch { "value: $($_.Exception.Message) | $($_.CategoryInfo.Category)" }
"values: $((Get-Item -Path $k).Property -join ',')"
Remove-Item -Path "$k\\Sub" -WhatIf | Out-Null
"what if: $(Test-Path -Path "$k\\Sub")"
Get-ChildItem -Path $k | Remove-Item -Force
"piped: $(Test-Path -Path "$k\\Sub")"
Remove-Item -Path 'HKLM:\\SOFTWARE\\Contoso' -Recurse -Force -Confirm:$false
Remove-Item -LiteralPath 'HKLM:\\SOFTWARE\\Contoso' -Recurse -Force -ErrorAction SilentlyContinue
try { Remove-Item -Path 'HKLM:\\SOFTWARE\\Contoso' -Recurse:$true } catch { "key: $($_.Exception.Message) | $($_.CategoryInfo.Category)" }`);
    expect(out).toEqual([
      'value: Property Mode does not exist at path HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Agent. | InvalidArgument',
      'values: Keep',
      'What if: Performing the operation "Remove Key" on target "HKLM:\\SOFTWARE\\Contoso\\Agent\\Sub".',
      'what if: True',
      'piped: False',
      "key: Cannot find path 'HKLM:\\SOFTWARE\\Contoso' because it does not exist. | ObjectNotFound",
    ]);
    expect(Object.keys(await readRegistry(pc, 'HKLM')).filter((k) => k.includes('Contoso'))).toEqual([]);
  }, 120_000);
});
