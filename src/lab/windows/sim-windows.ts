/**
 * The Windows side of a lab PC: PowerShell functions that stand in for the Windows commands the shipped
 * templates call (VpnClient, BitLocker, the registry through the ordinary item cmdlets). The lab dot-sources
 * this file into pwsh before the machine program runs (see pwsh-launch.ts), so the program itself stays
 * exactly what a real PC receives. Functions are defined at global scope, not in a module, so that they see
 * the caller's $ErrorActionPreference the way compiled cmdlets do.
 *
 * State lives in tables under <PC>/.sim/state (vpn.tsv, bitlocker.tsv, registry-HKLM.tsv, ...; format in
 * state-files.ts); injected faults in <PC>/.sim/fail/commands.tsv.
 */
export const SIM_WINDOWS_PS1 = String.raw`# homeshift lab: simulated Windows commands of one lab PC
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

# ---- Registry: HKLM:\ and HKCU:\ through the item cmdlets, one table per hive ----

# @{ Hive = 'HKLM'; Key = 'SOFTWARE\...' } for a registry path, $null for anything else.
function HsLab-RegPath([string]$Path) {
  if (-not $Path) { return $null }
  $p = $Path -replace '/', '\'
  $p = $p -replace '^Microsoft\.PowerShell\.Core\\', ''
  if ($p -match '^Registry::(HKEY_[A-Z_]+)(\\(.*))?$') { $hive = $Matches[1]; $rest = $Matches[3] }
  elseif ($p -match '^(HKLM|HKCU):(\\?(.*))?$') { $hive = $Matches[1]; $rest = $Matches[3] }
  else { return $null }
  $long = $global:HsLabHives[$hive.ToUpper()]
  if (-not $long) { return $null }
  $short = if ($long -eq 'HKEY_LOCAL_MACHINE') { 'HKLM' } else { 'HKCU' }
  $parts = @(("$rest" -split '\\') | Where-Object { $_ -ne '' })
  return @{ Hive = $short; Long = $long; Key = ($parts -join '\') }
}

function HsLab-IsRegistry($Arguments) {
  foreach ($a in $Arguments) { if ($a -is [string] -and $a -match '^(HKLM:|HKCU:|(Microsoft\.PowerShell\.Core\\)?Registry::)') { return $true } }
  return $false
}

function HsLab-RegParse([string]$Type, [string]$Text) {
  switch ($Type) {
    'DWord' { return [int64]$Text }
    'QWord' { return [int64]$Text }
    'MultiString' { return @($Text.Split([char]0)) }
    'Binary' { if ($Text) { return @($Text.Split(',') | ForEach-Object { [int]$_ }) } else { return @() } }
    default { return $Text }
  }
}

function HsLab-RegFormat([string]$Type, $Value) {
  if ($Type -eq 'MultiString') { return (@($Value) -join [string][char]0) }
  if ($Type -eq 'Binary') { return (@($Value) -join ',') }
  return [string]$Value
}

# A hive as key -> value name -> @{ Name; Type; Value } (hashtables: names case-insensitive, as in the registry).
function HsLab-Hive([string]$Hive) {
  $data = @{}
  foreach ($r in (HsLab-ReadRows (HsLab-StateFile ('registry-' + $Hive + '.tsv')))) {
    if ($null -eq $data[$r[0]]) { $data[$r[0]] = @{} }
    if ($r.Length -lt 4) { continue }
    $data[$r[0]][$r[1]] = @{ Name = $r[1]; Type = $r[2]; Value = (HsLab-RegParse $r[2] $r[3]) }
  }
  return $data
}

function HsLab-SaveHive([string]$Hive, $Data) {
  $rows = [System.Collections.Generic.List[object]]::new()
  foreach ($k in @($Data.Keys | Sort-Object)) {
    $rows.Add(@($k))
    foreach ($n in @($Data[$k].Keys | Sort-Object)) {
      $v = $Data[$k][$n]
      $rows.Add(@($k, $v.Name, $v.Type, (HsLab-RegFormat $v.Type $v.Value)))
    }
  }
  HsLab-WriteRows (HsLab-StateFile ('registry-' + $Hive + '.tsv')) $rows
}

function HsLab-RegTarget($Path, $LiteralPath) {
  $text = if ($LiteralPath) { $LiteralPath } else { $Path }
  $reg = HsLab-RegPath $text
  if ($null -eq $reg) { throw "not a registry path: $text" }
  $reg.Text = $text
  return $reg
}

function HsLab-RegNotFound($Cmdlet, $Reg) {
  $err = [System.Management.Automation.ErrorRecord]::new([System.Management.Automation.ItemNotFoundException]::new("Cannot find path '$($Reg.Text)' because it does not exist."), 'PathNotFound', 'ObjectNotFound', $Reg.Text)
  $Cmdlet.WriteError($err)
}

function HsLab-RegKeyObject($Reg, [string]$Key, $Entry, $HiveData) {
  $full = if ($Key) { $Reg.Long + '\' + $Key } else { $Reg.Long }
  $leaf = if ($Key) { ($Key -split '\\')[-1] } else { $Reg.Long }
  $prefix = if ($Key) { $Key.ToLower() + '\' } else { '' }
  $subs = @($HiveData.Keys | Where-Object { $_.ToLower().StartsWith($prefix) -and $_.Length -gt $prefix.Length -and -not $_.Substring($prefix.Length).Contains('\') })
  $names = if ($Entry) { @($Entry.Keys | Sort-Object) } else { @() }
  [pscustomobject]@{ Name = $full; PSChildName = $leaf; PSPath = 'Microsoft.PowerShell.Core\Registry::' + $full; PSProvider = 'Registry'; Property = $names; ValueCount = $names.Count; SubKeyCount = $subs.Count }
}

function HsLab-RegWriteFault($Reg) {
  $fault = HsLab-Fault 'registry' ($Reg.Hive + ':\' + $Reg.Key)
  if ($fault) { Write-Error $fault -Category WriteError }
  return $fault
}

function HsLab-RegConvert([string]$Type, $Value) {
  switch ($Type) {
    'DWord' { return [int64][uint32]([int64]$Value -band 0xFFFFFFFF) }
    'QWord' { return [int64]$Value }
    'MultiString' { return @($Value | ForEach-Object { [string]$_ }) }
    'Binary' { return @($Value | ForEach-Object { [int][byte]$_ }) }
    default { return [string]$Value }
  }
}

function HsLab-RegTypeOf($Value) {
  if ($Value -is [int] -or $Value -is [uint32] -or $Value -is [int16] -or $Value -is [byte]) { return 'DWord' }
  if ($Value -is [long] -or $Value -is [uint64]) { return 'QWord' }
  if ($Value -is [array]) { return 'MultiString' }
  return 'String'
}

function HsLab-RegTest {
  [CmdletBinding()]
  param([Parameter(Position = 0)][string]$Path, [string]$LiteralPath, [string]$PathType = 'Any', [switch]$IsValid)
  $reg = HsLab-RegTarget $Path $LiteralPath
  if ($IsValid) { return $true }
  if ($PathType -eq 'Leaf') { return $false }
  if ($reg.Key -eq '') { return $true }
  return ($null -ne (HsLab-Find (HsLab-Hive $reg.Hive) $reg.Key))
}

function HsLab-RegNewItem {
  [CmdletBinding()]
  param([Parameter(Position = 0)][string]$Path, [string]$Name, [string]$ItemType, $Value, [switch]$Force)
  $reg = HsLab-RegTarget $Path $null
  if ($Name) { $reg.Key = (@($reg.Key, $Name) | Where-Object { $_ }) -join '\'; $reg.Text = $reg.Text.TrimEnd('\') + '\' + $Name }
  if (HsLab-RegWriteFault $reg) { return }
  $hive = HsLab-Hive $reg.Hive
  $existing = HsLab-Find $hive $reg.Key
  if ($null -ne $existing -and -not $Force) { Write-Error "A key at this path already exists." -Category ResourceExists; return }
  $parts = $reg.Key -split '\\'
  for ($i = 1; $i -lt $parts.Count; $i++) {
    $parent = ($parts[0..($i - 1)]) -join '\'
    if ($null -ne (HsLab-Find $hive $parent)) { continue }
    if (-not $Force) { HsLab-RegNotFound $PSCmdlet @{ Text = ($reg.Hive + ':\' + $parent) }; return }
    $hive[$parent] = @{}
  }
  # like the registry provider, -Force on an existing key replaces it: its values are gone
  if ($null -ne $existing) { $hive.Remove($existing) }
  $hive[$reg.Key] = @{}
  if ($null -ne $Value) { $hive[$reg.Key]['(default)'] = @{ Name = '(default)'; Type = 'String'; Value = [string]$Value } }
  HsLab-SaveHive $reg.Hive $hive
  HsLab-RegKeyObject $reg $reg.Key $hive[$reg.Key] $hive
}

function HsLab-RegGetItem {
  [CmdletBinding()]
  param([Parameter(Position = 0)][string]$Path, [string]$LiteralPath, [switch]$Force)
  $reg = HsLab-RegTarget $Path $LiteralPath
  $hive = HsLab-Hive $reg.Hive
  $k = if ($reg.Key -eq '') { '' } else { HsLab-Find $hive $reg.Key }
  if ($null -eq $k) { HsLab-RegNotFound $PSCmdlet $reg; return }
  HsLab-RegKeyObject $reg $k $(if ($k) { $hive[$k] } else { $null }) $hive
}

function HsLab-RegGetChildItem {
  [CmdletBinding()]
  param([Parameter(Position = 0)][string]$Path, [string]$LiteralPath, [switch]$Recurse, [switch]$Force, [switch]$Name)
  $reg = HsLab-RegTarget $Path $LiteralPath
  $hive = HsLab-Hive $reg.Hive
  $k = if ($reg.Key -eq '') { '' } else { HsLab-Find $hive $reg.Key }
  if ($null -eq $k) { HsLab-RegNotFound $PSCmdlet $reg; return }
  $prefix = if ($k) { $k.ToLower() + '\' } else { '' }
  foreach ($child in @($hive.Keys | Sort-Object)) {
    if (-not $child.ToLower().StartsWith($prefix) -or $child.Length -le $prefix.Length) { continue }
    if (-not $Recurse -and $child.Substring($prefix.Length).Contains('\')) { continue }
    if ($Name) { $child.Substring($prefix.Length) } else { HsLab-RegKeyObject $reg $child $hive[$child] $hive }
  }
}

function HsLab-RegGetItemProperty {
  [CmdletBinding()]
  param([Parameter(Position = 0)][string]$Path, [string]$LiteralPath, [Parameter(Position = 1)][string[]]$Name)
  $reg = HsLab-RegTarget $Path $LiteralPath
  $hive = HsLab-Hive $reg.Hive
  $k = HsLab-Find $hive $reg.Key
  if ($null -eq $k) { HsLab-RegNotFound $PSCmdlet $reg; return }
  $values = $hive[$k]
  $full = $reg.Long + '\' + $k
  $out = [ordered]@{}
  $wanted = if ($Name) { $Name } else { @($values.Keys | Sort-Object) }
  foreach ($n in $wanted) {
    $vk = HsLab-Find $values $n
    if ($null -eq $vk) { Write-Error "Property $n does not exist at path $full." -Category InvalidArgument; continue }
    $out[$values[$vk].Name] = $values[$vk].Value
  }
  if ($out.Count -eq 0 -and $Name) { return }
  $out.PSPath = 'Microsoft.PowerShell.Core\Registry::' + $full
  $out.PSChildName = ($k -split '\\')[-1]
  $out.PSProvider = 'Registry'
  [pscustomobject]$out
}

function HsLab-RegSetValue {
  [CmdletBinding()]
  param([Parameter(Position = 0)][string]$Path, [string]$LiteralPath, [Parameter(Position = 1)][string]$Name, [Parameter(Position = 2)]$Value,
    [Alias('PropertyType')][ValidateSet('String', 'ExpandString', 'Binary', 'DWord', 'MultiString', 'QWord', 'Unknown')][string]$Type, [switch]$Force, [switch]$PassThru, [switch]$New)
  $reg = HsLab-RegTarget $Path $LiteralPath
  $hive = HsLab-Hive $reg.Hive
  $k = HsLab-Find $hive $reg.Key
  if ($null -eq $k) { HsLab-RegNotFound $PSCmdlet $reg; return }
  if (HsLab-RegWriteFault $reg) { return }
  $values = $hive[$k]
  $vk = HsLab-Find $values $Name
  if ($New -and $null -ne $vk -and -not $Force) { Write-Error "The property already exists." -Category ResourceExists; return }
  if (-not $Type) { $Type = if ($null -ne $vk) { $values[$vk].Type } else { HsLab-RegTypeOf $Value } }
  if ($null -ne $vk) { $values.Remove($vk) }
  $values[$Name] = @{ Name = $Name; Type = $Type; Value = (HsLab-RegConvert $Type $Value) }
  HsLab-SaveHive $reg.Hive $hive
  if ($PassThru -or $New) { [pscustomobject]@{ $Name = $values[$Name].Value; PSPath = 'Microsoft.PowerShell.Core\Registry::' + $reg.Long + '\' + $k } }
}

function HsLab-RegRemoveValue {
  [CmdletBinding()]
  param([Parameter(Position = 0)][string]$Path, [string]$LiteralPath, [Parameter(Position = 1)][string[]]$Name, [switch]$Force)
  $reg = HsLab-RegTarget $Path $LiteralPath
  $hive = HsLab-Hive $reg.Hive
  $k = HsLab-Find $hive $reg.Key
  if ($null -eq $k) { HsLab-RegNotFound $PSCmdlet $reg; return }
  if (HsLab-RegWriteFault $reg) { return }
  $changed = $false
  foreach ($n in $Name) {
    $vk = HsLab-Find $hive[$k] $n
    if ($null -eq $vk) { Write-Error "Property $n does not exist at path $($reg.Long)\$k." -Category InvalidArgument; continue }
    $hive[$k].Remove($vk)
    $changed = $true
  }
  if ($changed) { HsLab-SaveHive $reg.Hive $hive }
}

function HsLab-RegRemoveKey {
  [CmdletBinding()]
  param([Parameter(Position = 0)][string]$Path, [string]$LiteralPath, [switch]$Recurse, [switch]$Force)
  $reg = HsLab-RegTarget $Path $LiteralPath
  $hive = HsLab-Hive $reg.Hive
  $k = HsLab-Find $hive $reg.Key
  if ($null -eq $k) { HsLab-RegNotFound $PSCmdlet $reg; return }
  if (HsLab-RegWriteFault $reg) { return }
  $prefix = $k.ToLower() + '\'
  $subs = @($hive.Keys | Where-Object { $_.ToLower().StartsWith($prefix) })
  if ($subs.Count -gt 0 -and -not $Recurse) { Write-Error "The key $($reg.Text) has subkeys and -Recurse was not given." -Category InvalidOperation; return }
  foreach ($s in $subs) { $hive.Remove($s) }
  $hive.Remove($k)
  HsLab-SaveHive $reg.Hive $hive
}

# The item cmdlets: registry paths go to the simulation above, every other path to the real cmdlet.
function Test-Path { if (HsLab-IsRegistry $args) { HsLab-RegTest @args } else { Microsoft.PowerShell.Management\Test-Path @args } }
function New-Item { if (HsLab-IsRegistry $args) { HsLab-RegNewItem @args } else { Microsoft.PowerShell.Management\New-Item @args } }
function Get-Item { if (HsLab-IsRegistry $args) { HsLab-RegGetItem @args } else { Microsoft.PowerShell.Management\Get-Item @args } }
function Get-ChildItem { if (HsLab-IsRegistry $args) { HsLab-RegGetChildItem @args } else { Microsoft.PowerShell.Management\Get-ChildItem @args } }
function Get-ItemProperty { if (HsLab-IsRegistry $args) { HsLab-RegGetItemProperty @args } else { Microsoft.PowerShell.Management\Get-ItemProperty @args } }
function Set-ItemProperty { if (HsLab-IsRegistry $args) { HsLab-RegSetValue @args } else { Microsoft.PowerShell.Management\Set-ItemProperty @args } }
function New-ItemProperty { if (HsLab-IsRegistry $args) { HsLab-RegSetValue -New @args } else { Microsoft.PowerShell.Management\New-ItemProperty @args } }
function Remove-ItemProperty { if (HsLab-IsRegistry $args) { HsLab-RegRemoveValue @args } else { Microsoft.PowerShell.Management\Remove-ItemProperty @args } }
function Remove-Item { if (HsLab-IsRegistry $args) { HsLab-RegRemoveKey @args } else { Microsoft.PowerShell.Management\Remove-Item @args } }

# File writes a fault can break (the enrolment stamp of the MDM step).
function Set-Content {
  $target = $null
  for ($i = 0; $i -lt $args.Count - 1; $i++) { if ("$($args[$i])" -match '^-(LiteralPath|Path|PSPath|LP)$') { $target = "$($args[$i + 1])" } }
  $fault = if ($target) { HsLab-Fault 'Set-Content' $null ($target -replace '\\', '/') } else { $null }
  if ($fault) { Write-Error $fault -Category WriteError; return }
  Microsoft.PowerShell.Management\Set-Content @args
}
`;
