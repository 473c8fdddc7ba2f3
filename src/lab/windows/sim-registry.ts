/**
 * The registry of a Windows lab PC: HKLM: and HKCU: paths through the ordinary item cmdlets (Test-Path,
 * New-Item, Get-Item, Get-ChildItem, Get/Set/New/Remove-ItemProperty, Remove-Item), one state table per hive. They
 * take registry items piped in, and the removals -WhatIf/-Confirm, as the real ones do; a key or value that is not
 * there is a non-terminating error (ObjectNotFound, InvalidArgument), so -ErrorAction SilentlyContinue passes over it.
 * Part of the PowerShell text of sim-windows.ts, which defines the state and fault helpers it uses.
 */
export const SIM_REGISTRY_PS1 = String.raw`# ---- Registry: HKLM:\ and HKCU:\ through the item cmdlets, one table per hive ----

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
  [CmdletBinding(SupportsShouldProcess = $true)]
  param([Parameter(Position = 0)][string]$Path, [string]$LiteralPath, [Parameter(Position = 1)][string[]]$Name, [switch]$Force)
  $reg = HsLab-RegTarget $Path $LiteralPath
  $hive = HsLab-Hive $reg.Hive
  $k = HsLab-Find $hive $reg.Key
  if ($null -eq $k) { HsLab-RegNotFound $PSCmdlet $reg; return }
  if (-not $PSCmdlet.ShouldProcess("$($reg.Text)", 'Remove Property')) { return }
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
  [CmdletBinding(SupportsShouldProcess = $true)]
  param([Parameter(Position = 0)][string]$Path, [string]$LiteralPath, [switch]$Recurse, [switch]$Force)
  $reg = HsLab-RegTarget $Path $LiteralPath
  $hive = HsLab-Hive $reg.Hive
  $k = HsLab-Find $hive $reg.Key
  if ($null -eq $k) { HsLab-RegNotFound $PSCmdlet $reg; return }
  if (-not $PSCmdlet.ShouldProcess("$($reg.Text)", 'Remove Key')) { return }
  if (HsLab-RegWriteFault $reg) { return }
  $prefix = $k.ToLower() + '\'
  $subs = @($hive.Keys | Where-Object { $_.ToLower().StartsWith($prefix) })
  if ($subs.Count -gt 0 -and -not $Recurse) { Write-Error "The key $($reg.Text) has subkeys and -Recurse was not given." -Category InvalidOperation; return }
  foreach ($s in $subs) { $hive.Remove($s) }
  $hive.Remove($k)
  HsLab-SaveHive $reg.Hive $hive
}

# The item cmdlets: registry paths go to the simulation above, every other path to the real cmdlet. A wrapper's
# $args cannot be splatted as they are: "-Name:value" (-Confirm:$false, -Recurse:$true) reaches the next command as
# two arguments, so it becomes a named entry. Registry items piped in (Get-ChildItem HKLM:\... | Remove-Item) are
# taken one by one by their PSPath; anything else piped in goes on to the real cmdlet.
function HsLab-Item([string]$Cmdlet, [string]$Sim, $Arguments, $Piped, [hashtable]$Named = @{}) {
  $positional = @()
  $named = $Named
  for ($i = 0; $i -lt $Arguments.Count; $i++) {
    $a = $Arguments[$i]
    if ($a -is [string] -and $a -match '^-([A-Za-z]\w*):$' -and $i + 1 -lt $Arguments.Count) { $named[$Matches[1]] = $Arguments[$i + 1]; $i++ }
    else { $positional += , $a }
  }
  $paths = @($Piped | ForEach-Object { if ($null -ne $_.PSPath) { [string]$_.PSPath } })
  if ($Piped.Count -gt 0 -and (HsLab-IsRegistry $paths)) {
    foreach ($path in $paths) { & $Sim -LiteralPath $path @positional @named }
    return
  }
  if ($Piped.Count -eq 0 -and (HsLab-IsRegistry (@($positional) + @($named.Values)))) { & $Sim @positional @named; return }
  $real = "Microsoft.PowerShell.Management\$Cmdlet"
  if ($Piped.Count -gt 0) { $Piped | & $real @positional @named } else { & $real @positional @named }
}

function Test-Path { HsLab-Item 'Test-Path' 'HsLab-RegTest' $args @($input) }
function New-Item { HsLab-Item 'New-Item' 'HsLab-RegNewItem' $args @($input) }
function Get-Item { HsLab-Item 'Get-Item' 'HsLab-RegGetItem' $args @($input) | HsLab-WithVersion }
function Get-ChildItem { HsLab-Item 'Get-ChildItem' 'HsLab-RegGetChildItem' $args @($input) }
function Get-ItemProperty { HsLab-Item 'Get-ItemProperty' 'HsLab-RegGetItemProperty' $args @($input) }
function Set-ItemProperty { HsLab-Item 'Set-ItemProperty' 'HsLab-RegSetValue' $args @($input) }
function New-ItemProperty { HsLab-Item 'New-ItemProperty' 'HsLab-RegSetValue' $args @($input) @{ New = $true } }
function Remove-ItemProperty { HsLab-Item 'Remove-ItemProperty' 'HsLab-RegRemoveValue' $args @($input) }
function Remove-Item { HsLab-Item 'Remove-Item' 'HsLab-RegRemoveKey' $args @($input) }

`;
