/**
 * Software installers of a Windows lab PC: a simulated msiexec.exe and the way the lab runs an EXE installer,
 * both real executables (POSIX sh) under <PC>/.sim/bin that the PC's Start-Process (sim-windows.ts) starts.
 *
 * A "package" in the lab is a small text file at the path the bundle names (a share path \\server\share\... lies
 * below the lab's share folder, HS_SIM_SHARES; C:\... below the PC's C), one KEY=value a line:
 *   MSI:  ProductCode, ProductVersion, ProductName, ExitCode (0 by default; 3010 for one that needs a reboot)
 *   EXE:  DisplayName, DisplayVersion, UninstallKey (key name to write), File (C:\... to write) and FileVersion, ExitCode
 * An install that succeeds (0, 3010, 1641) writes the uninstall key (HKLM ...\Uninstall\<key>) and the file.
 * A share path is refused as a PC reached by an SSH key refuses it (no network credentials, sim-shares.ts): msiexec
 * answers 1619 and Start-Process throws "Access is denied". msiexec answers 1619 for a package it cannot open;
 * .sim/fail/msiexec (line 1: a code) makes every call return that code, e.g. 1618 "another installation is in progress". Every call is logged, one row of its argv, to
 * .sim/state/msiexec.log and installers.log. Linux keeps the low byte of an exit code only, so the tools write
 * the whole code to .sim/state/exit-code, which the PC's Start-Process reports as ExitCode.
 */
export const LAB_PACKAGE_FILE_VERSION = 'homeshift-lab-file-version=';

export const INSTALLER_LIB = String.raw`# homeshift lab: what the simulated installers share
state="$HS_SIM_ROOT/.sim/state"
fail="$HS_SIM_ROOT/.sim/fail"
uninstall='SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall'
tab=$(printf '\t')
rm -f "$state/exit-code"

enc() { printf '%s' "$1" | sed -e 's/%/%25/g' -e "s/$tab/%09/g"; }

# one row of the state tables (state-files.ts): tab-separated, %-encoded fields
row() {
  line='' sep=''
  for f in "$@"; do line="$line$sep$(enc "$f")"; sep=$tab; done
  printf '%s\n' "$line"
}

# the lab file a Windows path stands for
lab_path() {
  case $1 in
    '\\'*) printf '%s/%s' "$HS_SIM_SHARES" "$(printf '%s' "$1" | sed -e 's/^\\\\//' -e 's/\\/\//g')" ;;
    [Cc]:'\'*) printf '%s/C/%s' "$HS_SIM_ROOT" "$(printf '%s' "$1" | sed -e 's/^..\\//' -e 's/\\/\//g')" ;;
    *) return 1 ;;
  esac
}

pkg_value() { sed -n "s/^$1=//p" "$2" | tr -d '\r' | head -n 1; }

finish() {
  printf '%s\n' "$1" >"$state/exit-code"
  exit "$1"
}

# the uninstall key an install leaves: KEY NAME VERSION SOURCE
write_uninstall_key() {
  key="$uninstall\\$1"
  { row "$key"; row "$key" DisplayName String "$2"; row "$key" DisplayVersion String "$3"; row "$key" InstallSource String "$4"; } >>"$state/registry-HKLM.tsv"
}
`;

export const MSIEXEC_TOOL = String.raw`#!/bin/sh
# homeshift lab: simulated msiexec.exe - /i PACKAGE [/qn] [/norestart] [NAME=value ...]
. "$HS_SIM_ROOT/.sim/lab/installer.sh"
mkdir -p "$state"
row msiexec "$@" >>"$state/msiexec.log"
if [ -f "$fail/msiexec" ]; then
  read -r busy <"$fail/msiexec"
  finish "$busy"
fi
[ "$1" = /i ] || finish 1639
case $2 in '\\'*) finish 1619 ;; esac
package=$(lab_path "$2") || finish 1619
[ -f "$package" ] || finish 1619
code=$(pkg_value ProductCode "$package")
exit_code=$(pkg_value ExitCode "$package")
[ -n "$exit_code" ] || exit_code=0
case $exit_code in
  0|3010|1641) ;;
  *) finish "$exit_code" ;;
esac
write_uninstall_key "$code" "$(pkg_value ProductName "$package")" "$(pkg_value ProductVersion "$package")" "$2"
row "$uninstall\\$code" WindowsInstaller DWord 1 >>"$state/registry-HKLM.tsv"
case $exit_code in 3010|1641) : >"$HS_SIM_ROOT/.sim/reboot-pending" ;; esac
finish "$exit_code"
`;

export const EXE_INSTALLER_TOOL = String.raw`#!/bin/sh
# homeshift lab: an EXE installer as a lab PC runs it - exe-installer PACKAGE [ARGUMENTS ...]
. "$HS_SIM_ROOT/.sim/lab/installer.sh"
mkdir -p "$state"
row installer "$@" >>"$state/installers.log"
package=$(lab_path "$1") || finish 2
[ -f "$package" ] || finish 2
exit_code=$(pkg_value ExitCode "$package")
[ -n "$exit_code" ] || exit_code=0
case $exit_code in
  0|3010|1641) ;;
  *) finish "$exit_code" ;;
esac
file=$(pkg_value File "$package")
if [ -n "$file" ]; then
  target=$(lab_path "$file") || finish 3
  mkdir -p "$(dirname "$target")" || finish 3
  printf '${LAB_PACKAGE_FILE_VERSION}%s\n' "$(pkg_value FileVersion "$package")" >"$target" || finish 112
fi
key=$(pkg_value UninstallKey "$package")
[ -z "$key" ] || write_uninstall_key "$key" "$(pkg_value DisplayName "$package")" "$(pkg_value DisplayVersion "$package")" "$1"
finish "$exit_code"
`;

/**
 * The PowerShell side (part of sim-windows.ts): Start-Process starts msiexec.exe and installers at Windows paths
 * through the tools above and reports their whole exit code; Get-Item gives a file an installer wrote its version.
 */
export const SIM_INSTALLERS_PS1 = String.raw`# ---- Installers: msiexec.exe and EXE installers through Start-Process ----

function Start-Process {
  [CmdletBinding()]
  param([Parameter(Mandatory = $true, Position = 0)][Alias('PSPath', 'Path')][string]$FilePath, [Parameter(Position = 1)][Alias('Args')][string[]]$ArgumentList,
    [switch]$Wait, [switch]$PassThru, [switch]$NoNewWindow, [string]$WorkingDirectory, [string]$WindowStyle, [string]$Verb,
    [string]$RedirectStandardOutput, [string]$RedirectStandardError, [string]$RedirectStandardInput)
  $line = if ($ArgumentList) { $ArgumentList -join ' ' } else { '' }
  $bin = Join-Path $env:HS_SIM_ROOT '.sim/bin'
  $tool = $null
  if ($FilePath -match '(^|[\\/])msiexec(\.exe)?$') { $tool = Join-Path $bin 'msiexec.exe' }
  elseif ($FilePath.StartsWith('\\')) { throw [System.InvalidOperationException]::new('This command cannot be run due to the error: Access is denied.') }
  elseif ($FilePath -match '^[A-Za-z]:\\') { $tool = Join-Path $bin 'exe-installer'; $line = ('"' + $FilePath + '" ' + $line).TrimEnd() }
  if ($null -eq $tool) { Microsoft.PowerShell.Management\Start-Process @PSBoundParameters; return }
  $start = @{ FilePath = $tool; Wait = $true; PassThru = $true; NoNewWindow = $true }
  if ($line) { $start.ArgumentList = $line }
  if ($RedirectStandardOutput) { $start.RedirectStandardOutput = $RedirectStandardOutput }
  if ($RedirectStandardError) { $start.RedirectStandardError = $RedirectStandardError }
  $process = Microsoft.PowerShell.Management\Start-Process @start
  $codeFile = Join-Path $env:HS_SIM_ROOT '.sim/state/exit-code'
  $code = if ([System.IO.File]::Exists($codeFile)) { [int]([System.IO.File]::ReadAllText($codeFile).Trim()) } else { $process.ExitCode }
  if ($PassThru) { [pscustomobject]@{ Id = $process.Id; ProcessName = [System.IO.Path]::GetFileName($FilePath); HasExited = $true; ExitCode = $code } }
}

# A file an installer of the lab wrote carries its version in its first line; Get-Item shows it as VersionInfo.
function HsLab-WithVersion {
  process {
    $item = $_
    if ($item -is [System.IO.FileInfo] -and $item.Length -lt 256) {
      $first = @([System.IO.File]::ReadAllLines($item.FullName))
      if ($first.Count -gt 0 -and $first[0].StartsWith('${LAB_PACKAGE_FILE_VERSION}')) {
        $text = $first[0].Substring(${LAB_PACKAGE_FILE_VERSION.length})
        $parts = @(($text -split '\.') + @('0', '0', '0', '0'))
        $info = [pscustomobject]@{ FileName = $item.FullName; FileVersion = $text; ProductVersion = $text
          FileMajorPart = [int]$parts[0]; FileMinorPart = [int]$parts[1]; FileBuildPart = [int]$parts[2]; FilePrivatePart = [int]$parts[3] }
        $item = [pscustomobject]@{ Name = $item.Name; FullName = $item.FullName; Length = $item.Length; Exists = $true; VersionInfo = $info }
      }
    }
    $item
  }
}

`;
