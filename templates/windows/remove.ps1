# Removal: what homeshift put on the PC and its plan no longer has (docs/lifecycle.md). Only what homeshift itself
# installed is listed; what was on the PC before is left alone and said so.
# HS_REMOVE_PACKAGES one "via<TAB>id<TAB>version<TAB>name<TAB>detect[<TAB>uninstall]" per line: winget (id: the winget
# id), msi (id: the product code; msiexec /x), exe (detect: "uninstall-key KEY", "display-name PATTERN" or "file PATH";
# the bundle's uninstall command line, else the uninstall key's QuietUninstallString, else its UninstallString).
# msiexec's 3010 and 1641 mean removed, reboot required.
# HS_REMOVE_FILES one path below the root per line; HS_REMOVE_VPN the name of an all-user VPN connection;
# HS_REMOVE_MAILBOX 1: Outlook no longer imports homeshift's profile; HS_LEFT_ALONE one line per package left alone.

function Invoke-HsWinget { Invoke-HsNative winget @args }
function Get-HsLines([string]$Text) { @(("$Text" -split "`n") | Where-Object { $_ }) }

$HS__Uninstall = @('HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall', 'HKLM:\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall')
$HsOutlookSetup = 'HKLM:\SOFTWARE\Microsoft\Office\16.0\Outlook\Setup'

function Get-HsRemovals {
  foreach ($line in (Get-HsLines $HS_REMOVE_PACKAGES)) {
    $via, $id, $version, $name, $detect, $uninstall = $line -split "`t"
    $rule, $target = "$detect" -split ' ', 2
    [pscustomobject]@{ Via = $via; Id = $id; Version = $version; Name = $(if ($name) { $name } else { $id }); Rule = $rule; Target = $target; Uninstall = "$uninstall" }
  }
}

# The uninstall entry of a key name (both registry views), or of the first DisplayName matching a pattern; $null when none.
function Get-HsUninstallEntry([string]$Key, [string]$Pattern) {
  foreach ($root in $HS__Uninstall) {
    if (-not (Test-Path -LiteralPath $root)) { continue }
    if ($Key) {
      $path = $root + '\' + $Key
      if (Test-Path -LiteralPath $path) { return (Get-ItemProperty -LiteralPath $path) }
      continue
    }
    foreach ($item in @(Get-ChildItem -LiteralPath $root)) {
      $entry = Get-ItemProperty -LiteralPath $item.PSPath
      if ($entry -and "$($entry.DisplayName)" -like $Pattern) { return $entry }
    }
  }
  return $null
}

function Get-HsExeEntry($Package) {
  switch ($Package.Rule) {
    'uninstall-key' { return (Get-HsUninstallEntry -Key $Package.Target) }
    'display-name' { return (Get-HsUninstallEntry -Pattern $Package.Target) }
    default { return (Get-HsUninstallEntry -Pattern "$($Package.Name)*") }
  }
}

# A path on the system drive is looked up below the root (C:\ on a PC), as the bundle step does.
function Get-HsSystemPath([string]$Path) { if ($Path -match '^[Cc]:\\(.*)$') { Get-HsPath ($Matches[1] -replace '\\', '/') } else { $Path } }

function Test-HsPresent($Package) {
  switch ($Package.Via) {
    'winget' { $null = Invoke-HsWinget list --id $Package.Id --exact --accept-source-agreements --disable-interactivity; return ($LASTEXITCODE -eq 0) }
    'msi' { return ($null -ne (Get-HsUninstallEntry -Key $Package.Id)) }
    'exe' {
      if ($Package.Rule -eq 'file') { return (Test-Path -LiteralPath (Get-HsSystemPath $Package.Target) -PathType Leaf) }
      return ($null -ne (Get-HsExeEntry $Package))
    }
  }
  return $false
}

function Get-HsVpn([string]$Name) { Get-VpnConnection -Name $Name -AllUserConnection -ErrorAction SilentlyContinue }
function Get-HsPrf { Join-Path $HS_ROOT 'ProgramData\homeshift\outlook.prf' }
function Test-HsImportsPrf { (Get-ItemProperty -Path $HsOutlookSetup -Name ImportPRF -ErrorAction SilentlyContinue).ImportPRF -eq (Get-HsPrf) }

# What is still on the PC of what goes, one line each.
function Get-HsLeft {
  foreach ($package in @(Get-HsRemovals)) { if (Test-HsPresent $package) { "package $($package.Name) $($package.Version) ($($package.Via))" } }
  foreach ($file in (Get-HsLines $HS_REMOVE_FILES)) { if (Test-Path -LiteralPath (Get-HsPath $file)) { "file $file" } }
  if ($HS_REMOVE_VPN -and $null -ne (Get-HsVpn $HS_REMOVE_VPN)) { "VPN connection $HS_REMOVE_VPN" }
  if ($HS_REMOVE_MAILBOX -eq '1' -and (Test-HsImportsPrf)) { "Outlook's import of $(Get-HsPrf)" }
}

function Test-HsState {
  foreach ($line in (Get-HsLines $HS_LEFT_ALONE)) { Write-Output "left alone: $line" }
  $left = @(Get-HsLeft)
  if ($left.Count -eq 0) { return $true }
  Write-Output ('still on the PC: ' + ($left -join ', '))
  return $false
}

# Runs an uninstaller to its end; returns its exit code.
function Invoke-HsUninstaller([string]$FilePath, [string]$Arguments) {
  $start = @{ FilePath = $FilePath; Wait = $true; PassThru = $true; NoNewWindow = $true }
  if ($Arguments) { $start.ArgumentList = $Arguments }
  $process = Start-Process @start
  if ($null -eq $process -or $null -eq $process.ExitCode) { throw "$FilePath reported no exit code" }
  return [int]$process.ExitCode
}

# 0 removed (1605: it was gone already); 3010 and 1641 removed, the PC must restart; anything else fails the step.
function Complete-HsRemoval([string]$What, [int]$Code) {
  if ($Code -eq 3010 -or $Code -eq 1641) { Write-Output "$What`: removed, exit $Code - a reboot is required"; Request-HsReboot; return }
  if ($Code -ne 0 -and $Code -ne 1605) { $global:LASTEXITCODE = $Code; throw "$What exited $Code" }
  Write-Output "$What`: removed"
}

# An uninstall command line as the uninstall key holds it: "C:\Program Files\X\uninstall.exe" /S, or unquoted.
function Split-HsCommandLine([string]$Line) {
  $Line = $Line.Trim()
  if ($Line -match '^"([^"]+)"\s*(.*)$') { return @($Matches[1], $Matches[2]) }
  if ($Line -match '^(.+?\.exe)\s*(.*)$') { return @($Matches[1], $Matches[2]) }
  return @($Line, '')
}

function Remove-HsExe($Package) {
  $line = $Package.Uninstall
  if (-not $line) {
    $entry = Get-HsExeEntry $Package
    $line = if ($entry.QuietUninstallString) { "$($entry.QuietUninstallString)" } else { "$($entry.UninstallString)" }
  }
  if (-not $line) { throw "installer $($Package.Name): no uninstall command (the bundle gives none, its uninstall key has no UninstallString): give the package uninstall:" }
  $file, $arguments = Split-HsCommandLine $line
  # an EXE wrapped around an MSI leaves "MsiExec.exe /X{GUID}": run it quietly
  if ($file -match '(^|\\)msiexec(\.exe)?$' -and $arguments -match '(\{[0-9A-Fa-f-]+\})') { $file = 'msiexec.exe'; $arguments = "/x $($Matches[1]) /qn /norestart" }
  Complete-HsRemoval "uninstall $($Package.Name) $($Package.Version)" (Invoke-HsUninstaller $file $arguments)
}

function Invoke-HsApply {
  foreach ($package in @(Get-HsRemovals)) {
    if (-not (Test-HsPresent $package)) { Write-Output "$($package.Name): not on the PC any more"; continue }
    switch ($package.Via) {
      'winget' {
        $output = @(Invoke-HsWinget uninstall --id $package.Id --exact --silent --accept-source-agreements --disable-interactivity)
        $code = $LASTEXITCODE
        $output | ForEach-Object { Write-Output "$_" }
        $why = if ($output.Count -gt 0) { ': ' + "$($output[$output.Count - 1])".Trim() } else { '' }
        if ($code -ne 0) { throw "winget uninstall $($package.Id) exited $code$why" }
      }
      'msi' { Complete-HsRemoval "msiexec /x $($package.Id) ($($package.Name))" (Invoke-HsUninstaller 'msiexec.exe' "/x $($package.Id) /qn /norestart") }
      'exe' { Remove-HsExe $package }
    }
  }
  foreach ($file in (Get-HsLines $HS_REMOVE_FILES)) {
    $path = Get-HsPath $file
    if (Test-Path -LiteralPath $path) { Remove-Item -LiteralPath $path -Force; Write-Output "file $file`: removed" }
  }
  if ($HS_REMOVE_VPN -and $null -ne (Get-HsVpn $HS_REMOVE_VPN)) {
    Remove-VpnConnection -Name $HS_REMOVE_VPN -AllUserConnection -Force
    Write-Output "VPN connection $HS_REMOVE_VPN`: removed"
  }
  if ($HS_REMOVE_MAILBOX -eq '1' -and (Test-HsImportsPrf)) {
    Remove-ItemProperty -Path $HsOutlookSetup -Name ImportPRF
    Write-Output "Outlook no longer imports $(Get-HsPrf)"
  }
}
