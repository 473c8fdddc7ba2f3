/**
 * The Windows side of a lab PC: PowerShell functions that stand in for the Windows commands the shipped
 * templates call (VpnClient, BitLocker, the registry through the ordinary item cmdlets, installers through
 * Start-Process). The lab dot-sources
 * this file into pwsh before the machine program runs (see pwsh-launch.ts), so the program itself stays
 * exactly what a real PC receives. Functions are defined at global scope, not in a module, so that they see
 * the caller's $ErrorActionPreference the way compiled cmdlets do.
 *
 * State lives in tables under <PC>/.sim/state (vpn.tsv, bitlocker.tsv, registry-HKLM.tsv, ...; format in
 * state-files.ts); injected faults in <PC>/.sim/fail/commands.tsv. The VpnClient part is in sim-vpn.ts, the registry
 * part in sim-registry.ts, installers in installer-tools.ts.
 */
import { SIM_INSTALLERS_PS1 } from './installer-tools.js';
import { SIM_OPENSSH_PS1 } from './sim-openssh.js';
import { SIM_REGISTRY_PS1 } from './sim-registry.js';
import { SIM_SHARES_PS1 } from './sim-shares.js';
import { SIM_VPN_PS1 } from './sim-vpn.js';

export const SIM_WINDOWS_PS1 = String.raw`# homeshift lab: simulated Windows commands of one lab PC
# The console as Windows PowerShell finds it: the OEM code page of the PC's language (cp850 on a German Windows),
# the one its native tools write. pwsh on Linux would start with UTF-8.
if ($env:HS_SIM_OEMCP) { [Console]::OutputEncoding = [System.Text.Encoding]::GetEncoding([int]$env:HS_SIM_OEMCP) }
$global:HsLabState = Join-Path $env:HS_SIM_ROOT '.sim/state'
$global:HsLabFailFile = Join-Path $env:HS_SIM_ROOT '.sim/fail/commands.tsv'
$global:HsLabRules = $null
$global:HsLabHives = @{ 'HKLM' = 'HKEY_LOCAL_MACHINE'; 'HKCU' = 'HKEY_CURRENT_USER'; 'HKEY_LOCAL_MACHINE' = 'HKEY_LOCAL_MACHINE'; 'HKEY_CURRENT_USER' = 'HKEY_CURRENT_USER' }
$global:HsLabTab = [string][char]9

# State tables (see state-files.ts): one row a line, tab-separated, %-encoded fields.
function HsLab-Enc([string]$Field) {
  $Field.Replace('%', '%25').Replace([string][char]9, '%09').Replace([string][char]13, '%0D').Replace([string][char]10, '%0A').Replace([string][char]0, '%00')
}

function HsLab-ReadRows([string]$File) {
  $rows = [System.Collections.Generic.List[object]]::new()
  if (-not [System.IO.File]::Exists($File)) { return ,$rows }
  foreach ($line in [System.IO.File]::ReadAllLines($File)) {
    if ($line -eq '') { continue }
    $fields = $line.Split([char]9)
    for ($i = 0; $i -lt $fields.Length; $i++) { $fields[$i] = [System.Uri]::UnescapeDataString($fields[$i]) }
    $rows.Add($fields)
  }
  return ,$rows
}

function HsLab-WriteRows([string]$File, $Rows) {
  [System.IO.Directory]::CreateDirectory([System.IO.Path]::GetDirectoryName($File)) | Out-Null
  $lines = [System.Collections.Generic.List[string]]::new()
  foreach ($row in $Rows) {
    $fields = [System.Collections.Generic.List[string]]::new()
    foreach ($f in $row) { $fields.Add((HsLab-Enc ([string]$f))) }
    $lines.Add([string]::Join($global:HsLabTab, $fields))
  }
  [System.IO.File]::WriteAllLines($File + '.new', $lines)
  [System.IO.File]::Move($File + '.new', $File, $true)
}

function HsLab-StateFile([string]$Name) { Join-Path $global:HsLabState $Name }

# The injected failure for this command (and registry key or file path), or $null.
function HsLab-Fault([string]$Command, [string]$Key, [string]$Path) {
  if ($null -eq $global:HsLabRules) { $global:HsLabRules = HsLab-ReadRows $global:HsLabFailFile }
  foreach ($rule in $global:HsLabRules) {
    if ($rule[0] -ne $Command) { continue }
    if ($rule[1] -and $rule[1] -ne $Key) { continue }
    if ($rule[2] -and -not ($Path -like $rule[2])) { continue }
    return $rule[3]
  }
  return $null
}

function HsLab-Find($Table, [string]$Name) {
  foreach ($k in @($Table.Keys)) { if ($k -eq $Name) { return $k } }
  return $null
}

${SIM_VPN_PS1}# ---- BitLocker ----

function Get-BitLockerVolume {
  [CmdletBinding()]
  param([Parameter(Position = 0)][string[]]$MountPoint)
  $fault = HsLab-Fault 'Get-BitLockerVolume'
  if ($fault) { Write-Error $fault; return }
  $volumes = @{}
  foreach ($r in (HsLab-ReadRows (HsLab-StateFile 'bitlocker.tsv'))) {
    if ($null -eq $volumes[$r[0]]) { $volumes[$r[0]] = @{} }
    $volumes[$r[0]][$r[1]] = $r[2]
  }
  if (-not $MountPoint) { $MountPoint = @($volumes.Keys | Sort-Object) }
  foreach ($m in $MountPoint) {
    $k = HsLab-Find $volumes ($m.TrimEnd('\'))
    if ($null -eq $k) { Write-Error "The volume $m could not be found." -Category ObjectNotFound; continue }
    $v = $volumes[$k]
    [pscustomobject]@{ ComputerName = $env:COMPUTERNAME; MountPoint = $k; VolumeType = 'OperatingSystem'; VolumeStatus = $v.VolumeStatus
      EncryptionMethod = $v.EncryptionMethod; ProtectionStatus = $v.ProtectionStatus; EncryptionPercentage = [int]$v.EncryptionPercentage; KeyProtector = @('Tpm', 'RecoveryPassword') }
  }
}

${SIM_REGISTRY_PS1}${SIM_INSTALLERS_PS1}${SIM_OPENSSH_PS1}${SIM_SHARES_PS1}# File writes a fault can break (the enrolment stamp of the MDM step).
function Set-Content {
  $target = $null
  for ($i = 0; $i -lt $args.Count - 1; $i++) { if ("$($args[$i])" -match '^-(LiteralPath|Path|PSPath|LP)$') { $target = "$($args[$i + 1])" } }
  $fault = if ($target) { HsLab-Fault 'Set-Content' $null ($target -replace '\\', '/') } else { $null }
  if ($fault) { Write-Error $fault -Category WriteError; return }
  Microsoft.PowerShell.Management\Set-Content @args
}
`;
