/**
 * The Windows side of a lab PC: PowerShell functions that stand in for the Windows commands the shipped
 * templates call (VpnClient, BitLocker, the registry through the ordinary item cmdlets, installers through
 * Start-Process). The lab dot-sources
 * this file into pwsh before the machine program runs (see pwsh-launch.ts), so the program itself stays
 * exactly what a real PC receives. Functions are defined at global scope, not in a module, so that they see
 * the caller's $ErrorActionPreference the way compiled cmdlets do.
 *
 * State lives in tables under <PC>/.sim/state (vpn.tsv, bitlocker.tsv, registry-HKLM.tsv, ...; format in
 * state-files.ts); injected faults in <PC>/.sim/fail/commands.tsv. The registry part is in sim-registry.ts.
 */
import { SIM_INSTALLERS_PS1 } from './installer-tools.js';
import { SIM_OPENSSH_PS1 } from './sim-openssh.js';
import { SIM_REGISTRY_PS1 } from './sim-registry.js';
import { SIM_SHARES_PS1 } from './sim-shares.js';

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

# ---- VpnClient ----

function HsLab-VpnScope([bool]$AllUser) { if ($AllUser) { 'AllUserConnection' } else { 'User' } }

function HsLab-VpnLoad {
  $state = @{}
  foreach ($r in (HsLab-ReadRows (HsLab-StateFile 'vpn.tsv'))) {
    if ($null -eq $state[$r[0]]) { $state[$r[0]] = @{} }
    if ($null -eq $state[$r[0]][$r[1]]) { $state[$r[0]][$r[1]] = @{} }
    $value = $r[3]
    if ($value -eq 'True') { $value = $true } elseif ($value -eq 'False') { $value = $false } elseif ($r[2] -eq 'AuthenticationMethod') { $value = @($value.Split(',')) }
    $state[$r[0]][$r[1]][$r[2]] = $value
  }
  return $state
}

function HsLab-VpnSave($State) {
  $rows = [System.Collections.Generic.List[object]]::new()
  foreach ($scope in @($State.Keys | Sort-Object)) {
    foreach ($name in @($State[$scope].Keys | Sort-Object)) {
      $entry = $State[$scope][$name]
      foreach ($p in @($entry.Keys | Sort-Object)) { $rows.Add(@($scope, $name, $p, (@($entry[$p]) -join ','))) }
    }
  }
  HsLab-WriteRows (HsLab-StateFile 'vpn.tsv') $rows
}

function HsLab-VpnObject($Entry, [bool]$AllUser) {
  [pscustomobject]@{
    Name = $Entry.Name; ServerAddress = $Entry.ServerAddress; AllUserConnection = $AllUser; Guid = $Entry.Guid
    TunnelType = $Entry.TunnelType; AuthenticationMethod = @($Entry.AuthenticationMethod); EncryptionLevel = $Entry.EncryptionLevel
    SplitTunneling = [bool]$Entry.SplitTunneling; DnsSuffix = $Entry.DnsSuffix; RememberCredential = [bool]$Entry.RememberCredential
    UseWinlogonCredential = $false; IdleDisconnectSeconds = 0; ConnectionStatus = 'Disconnected'; ProvisioningAuthority = ''
  }
}

function HsLab-VpnMissing($Cmdlet, [string]$Name) {
  $err = [System.Management.Automation.ErrorRecord]::new([System.Management.Automation.ItemNotFoundException]::new("The VPN connection $Name cannot be found."), 'VPN 623,Get-VpnConnection', 'ObjectNotFound', $Name)
  $Cmdlet.WriteError($err)
}

function Get-VpnConnection {
  [CmdletBinding()]
  param([Parameter(Position = 0)][string[]]$Name, [switch]$AllUserConnection)
  $fault = HsLab-Fault 'Get-VpnConnection'
  if ($fault) { Write-Error $fault; return }
  $scope = HsLab-VpnScope $AllUserConnection
  $table = (HsLab-VpnLoad)[$scope]
  if ($null -eq $table) { $table = @{} }
  if (-not $Name) { foreach ($k in @($table.Keys | Sort-Object)) { HsLab-VpnObject $table[$k] $AllUserConnection.IsPresent }; return }
  foreach ($n in $Name) {
    $k = HsLab-Find $table $n
    if ($null -eq $k) { HsLab-VpnMissing $PSCmdlet $n } else { HsLab-VpnObject $table[$k] $AllUserConnection.IsPresent }
  }
}

function Add-VpnConnection {
  [CmdletBinding()]
  param(
    [Parameter(Mandatory = $true, Position = 0)][string]$Name,
    [Parameter(Mandatory = $true, Position = 1)][string]$ServerAddress,
    [ValidateSet('Pptp', 'L2tp', 'Sstp', 'Ikev2', 'Automatic')][string]$TunnelType = 'Automatic',
    [ValidateSet('NoEncryption', 'Optional', 'Required', 'Maximum', 'Custom')][string]$EncryptionLevel = 'Required',
    [ValidateSet('Pap', 'Chap', 'MSChapv2', 'Eap', 'MachineCertificate')][string[]]$AuthenticationMethod = @('MSChapv2'),
    [switch]$SplitTunneling, [switch]$AllUserConnection, [switch]$RememberCredential, [switch]$UseWinlogonCredential,
    [string]$L2tpPsk, [string]$DnsSuffix = '', [uint32]$IdleDisconnectSeconds, [switch]$Force, [switch]$PassThru
  )
  $fault = HsLab-Fault 'Add-VpnConnection'
  if ($fault) { Write-Error $fault; return }
  $state = HsLab-VpnLoad
  $scope = HsLab-VpnScope $AllUserConnection
  if ($null -eq $state[$scope]) { $state[$scope] = @{} }
  if ($null -ne (HsLab-Find $state[$scope] $Name)) { Write-Error "A VPN connection with the name $Name already exists." -Category ResourceExists; return }
  $entry = @{ Name = $Name; ServerAddress = $ServerAddress; TunnelType = $TunnelType; EncryptionLevel = $EncryptionLevel; AuthenticationMethod = @($AuthenticationMethod)
    SplitTunneling = $SplitTunneling.IsPresent; DnsSuffix = $DnsSuffix; RememberCredential = $RememberCredential.IsPresent; Guid = '{' + [guid]::NewGuid().ToString().ToUpper() + '}' }
  $state[$scope][$Name] = $entry
  HsLab-VpnSave $state
  if ($PassThru) { HsLab-VpnObject $entry $AllUserConnection.IsPresent }
}

function Set-VpnConnection {
  [CmdletBinding()]
  param(
    [Parameter(Mandatory = $true, Position = 0)][string]$Name,
    [Parameter(Position = 1)][string]$ServerAddress,
    [ValidateSet('Pptp', 'L2tp', 'Sstp', 'Ikev2', 'Automatic')][string]$TunnelType,
    [ValidateSet('NoEncryption', 'Optional', 'Required', 'Maximum', 'Custom')][string]$EncryptionLevel,
    [ValidateSet('Pap', 'Chap', 'MSChapv2', 'Eap', 'MachineCertificate')][string[]]$AuthenticationMethod,
    [bool]$SplitTunneling, [switch]$AllUserConnection, [bool]$RememberCredential, [bool]$UseWinlogonCredential,
    [string]$L2tpPsk, [string]$DnsSuffix, [uint32]$IdleDisconnectSeconds, [switch]$Force, [switch]$PassThru
  )
  $fault = HsLab-Fault 'Set-VpnConnection'
  if ($fault) { Write-Error $fault; return }
  $state = HsLab-VpnLoad
  $scope = HsLab-VpnScope $AllUserConnection
  if ($null -eq $state[$scope]) { $state[$scope] = @{} }
  $k = HsLab-Find $state[$scope] $Name
  if ($null -eq $k) { HsLab-VpnMissing $PSCmdlet $Name; return }
  $entry = $state[$scope][$k]
  foreach ($p in 'ServerAddress', 'TunnelType', 'EncryptionLevel', 'SplitTunneling', 'DnsSuffix', 'RememberCredential') {
    if ($PSBoundParameters.ContainsKey($p)) { $entry[$p] = $PSBoundParameters[$p] }
  }
  if ($PSBoundParameters.ContainsKey('AuthenticationMethod')) { $entry.AuthenticationMethod = @($AuthenticationMethod) }
  HsLab-VpnSave $state
  if ($PassThru) { HsLab-VpnObject $entry $AllUserConnection.IsPresent }
}

# ---- BitLocker ----

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
