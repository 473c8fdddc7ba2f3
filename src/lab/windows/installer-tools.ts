/**
 * Software installers of a Windows lab PC: a simulated msiexec.exe, the way the lab runs an EXE installer and the
 * uninstaller such an install leaves, all real executables (POSIX sh) under <PC>/.sim/bin that the PC's Start-Process
 * (sim-windows.ts) starts.
 *
 * A "package" in the lab is a small text file at the path the bundle names (a share path \\server\share\... lies
 * below the lab's share folder, HS_SIM_SHARES; C:\... below the PC's C), one KEY=value a line:
 *   MSI:  ProductCode, ProductVersion, ProductName, ExitCode (0 by default; 3010 for one that needs a reboot)
 *   EXE:  DisplayName, DisplayVersion, UninstallKey (key name to write), ExitCode
 *   both: File (C:\... to write) and FileVersion; UninstallExitCode (what its uninstall answers, 0 by default)
 * An install that succeeds (0, 3010, 1641) writes the uninstall key (HKLM ...\Uninstall\<key>) and the file, and
 * records both in .sim/state/installed.tsv (KIND KEY FILE UNINSTALL_EXIT_CODE; KIND msi or exe) for the uninstall.
 * An MSI's key has WindowsInstaller=1 and UninstallString `MsiExec.exe /X{CODE}`; `msiexec /x {CODE}` (or /uninstall,
 * or the package's path) removes the key and the file, and answers 1605 for a product it did not install. An EXE's
 * key has UninstallString `"C:\Program Files\<UninstallKey>\uninstall.exe"` and QuietUninstallString the same with
 * ` /S`; that file is the uninstaller (LAB_UNINSTALLER on its first line), which Start-Process runs as the uninstaller
 * tool: it removes the key, the file and itself. An uninstall answering 0, 3010 or 1641 removes; 3010 and 1641 leave a
 * reboot pending, as installs do.
 * A share path is refused as a PC reached by an SSH key refuses it (no network credentials, sim-shares.ts): msiexec
 * answers 1619 and Start-Process throws "Access is denied". msiexec answers 1619 for a package it cannot open;
 * .sim/fail/msiexec (line 1: a code) makes every call return that code, e.g. 1618 "another installation is in
 * progress". Every call is logged, one row of its argv, to .sim/state/msiexec.log and installers.log. Linux keeps the
 * low byte of an exit code only, so the tools write the whole code to .sim/state/exit-code, which the PC's
 * Start-Process reports as ExitCode.
 */
export const LAB_PACKAGE_FILE_VERSION = 'homeshift-lab-file-version=';
/** The first line of an uninstaller an EXE install of the lab left; the rest of the line is its uninstall key. */
export const LAB_UNINSTALLER = 'homeshift-lab-uninstaller=';

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
  regkey="$uninstall\\$1"
  { row "$regkey"; row "$regkey" DisplayName String "$2"; row "$regkey" DisplayVersion String "$3"; row "$regkey" InstallSource String "$4"; } >>"$state/registry-HKLM.tsv"
}

# the file a package writes (its File=, if any), carrying the package's FileVersion: PACKAGE
write_package_file() {
  package_file=$(pkg_value File "$1")
  [ -n "$package_file" ] || return 0
  target=$(lab_path "$package_file") || finish 3
  mkdir -p "$(dirname "$target")" || finish 3
  printf '${LAB_PACKAGE_FILE_VERSION}%s\n' "$(pkg_value FileVersion "$1")" >"$target" || finish 112
}

# installed.tsv: what an install wrote, for its uninstall - KIND (msi, exe) KEY FILE UNINSTALL_EXIT_CODE
rows_without() {
  [ -f "$state/installed.tsv" ] || return 0
  kind=$(enc "$1") name=$(enc "$2") awk -F "$tab" 'BEGIN { k = ENVIRON["kind"]; n = toupper(ENVIRON["name"]) } !($1 == k && toupper($2) == n)' "$state/installed.tsv"
}
remember_install() {
  { rows_without "$1" "$2"; row "$@"; } >"$state/installed.tsv.new" && mv -f "$state/installed.tsv.new" "$state/installed.tsv"
}
forget_install() {
  rows_without "$1" "$2" >"$state/installed.tsv.new" && mv -f "$state/installed.tsv.new" "$state/installed.tsv"
}
# the row of KIND KEY (product codes and key names case-insensitive, as on Windows), fields decoded, one a line
installed_row() {
  [ -f "$state/installed.tsv" ] || return 1
  found=$(kind=$(enc "$1") name=$(enc "$2") awk -F "$tab" 'BEGIN { k = ENVIRON["kind"]; n = toupper(ENVIRON["name"]) }
    $1 == k && toupper($2) == n { for (i = 1; i <= NF; i++) print $i; found = 1; exit } END { exit !found }' "$state/installed.tsv") || return 1
  printf '%s\n' "$found" | sed -e 's/%09/\t/g' -e 's/%25/%/g'
}

# removes an uninstall key (and its subkeys) from the registry: KEY
remove_uninstall_key() {
  name=$(enc "$uninstall\\$1") awk -F "$tab" 'BEGIN { k = toupper(ENVIRON["name"]) } { f = toupper($1) } f != k && index(f, k "\\") != 1' \
    "$state/registry-HKLM.tsv" >"$state/registry-HKLM.tsv.new" && mv -f "$state/registry-HKLM.tsv.new" "$state/registry-HKLM.tsv"
}

# uninstalls KIND KEY as its install was recorded and ends the tool: with the package's UninstallExitCode (0 by
# default; 0, 3010 and 1641 remove the uninstall key and the file, 3010 and 1641 leave a reboot pending)
uninstall_recorded() {
  fields=$(installed_row "$1" "$2") || return 1
  field() { printf '%s\n' "$fields" | sed -n "$1p"; }
  file=$(field 3)
  exit_code=$(field 4)
  [ -n "$exit_code" ] || exit_code=0
  case $exit_code in
    0|3010|1641) ;;
    *) finish "$exit_code" ;;
  esac
  remove_uninstall_key "$(field 2)"
  if [ -n "$file" ] && target=$(lab_path "$file"); then rm -f "$target"; fi
  forget_install "$1" "$2"
  case $exit_code in 3010|1641) : >"$HS_SIM_ROOT/.sim/reboot-pending" ;; esac
  finish "$exit_code"
}
`;

export const MSIEXEC_TOOL = String.raw`#!/bin/sh
# homeshift lab: simulated msiexec.exe - /i PACKAGE [/qn] [/norestart] [NAME=value ...]
#   or /x PRODUCT-CODE|PACKAGE [/qn] [/norestart] (also /uninstall, and /X{CODE} as an MSI's UninstallString has it)
. "$HS_SIM_ROOT/.sim/lab/installer.sh"
mkdir -p "$state"
row msiexec "$@" >>"$state/msiexec.log"
if [ -f "$fail/msiexec" ]; then
  read -r busy <"$fail/msiexec"
  finish "$busy"
fi
case $1 in
  /i) ;;
  [/-][xX]|[/-][uU][nN][iI][nN][sS][tT][aA][lL][lL])
    case $2 in
      '') finish 1639 ;;
      '{'*) code=$2 ;;
      *) package=$(lab_path "$2") && [ -f "$package" ] || finish 1619; code=$(pkg_value ProductCode "$package") ;;
    esac
    uninstall_recorded msi "$code" || finish 1605 ;;
  [/-][xX]'{'*) uninstall_recorded msi "$(printf '%s' "$1" | cut -c 3-)" || finish 1605 ;;
  *) finish 1639 ;;
esac
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
write_package_file "$package"
write_uninstall_key "$code" "$(pkg_value ProductName "$package")" "$(pkg_value ProductVersion "$package")" "$2"
{ row "$uninstall\\$code" WindowsInstaller DWord 1; row "$uninstall\\$code" UninstallString String "MsiExec.exe /X$code"; } >>"$state/registry-HKLM.tsv"
remember_install msi "$code" "$(pkg_value File "$package")" "$(pkg_value UninstallExitCode "$package")"
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
write_package_file "$package"
key=$(pkg_value UninstallKey "$package")
if [ -n "$key" ]; then
  write_uninstall_key "$key" "$(pkg_value DisplayName "$package")" "$(pkg_value DisplayVersion "$package")" "$1"
  # as a real installer does, it leaves its uninstaller and names it in the key
  uninstaller="C:\\Program Files\\$key\\uninstall.exe"
  target=$(lab_path "$uninstaller") && mkdir -p "$(dirname "$target")" || finish 3
  printf '${LAB_UNINSTALLER}%s\n' "$key" >"$target" || finish 112
  { row "$uninstall\\$key" UninstallString String "\"$uninstaller\""; row "$uninstall\\$key" QuietUninstallString String "\"$uninstaller\" /S"; } >>"$state/registry-HKLM.tsv"
  remember_install exe "$key" "$(pkg_value File "$package")" "$(pkg_value UninstallExitCode "$package")"
fi
finish "$exit_code"
`;

export const UNINSTALLER_TOOL = String.raw`#!/bin/sh
# homeshift lab: the uninstaller an EXE install left, as a lab PC runs it - uninstaller UNINSTALLER [ARGUMENTS ...]
. "$HS_SIM_ROOT/.sim/lab/installer.sh"
mkdir -p "$state"
row uninstaller "$@" >>"$state/installers.log"
self=$(lab_path "$1") || finish 2
[ -f "$self" ] || finish 2
key=$(pkg_value '${LAB_UNINSTALLER.slice(0, -1)}' "$self")
[ -n "$key" ] || finish 2
# the uninstaller goes with what it uninstalls: itself, and its folder when nothing else is left there
remove_self() { rm -f "$self"; rmdir "$(dirname "$self")" 2>/dev/null || :; }
if fields=$(installed_row exe "$key"); then
  case $(printf '%s\n' "$fields" | sed -n 4p) in ''|0|3010|1641) remove_self ;; esac
  uninstall_recorded exe "$key"
fi
remove_uninstall_key "$key"
remove_self
finish 0
`;

/**
 * The PowerShell side (part of sim-windows.ts): Start-Process starts msiexec.exe, installers and the lab's
 * uninstallers at Windows paths through the tools above and reports their whole exit code; Get-Item gives a file an installer wrote its version.
 */
export const SIM_INSTALLERS_PS1 = String.raw`# ---- Installers: msiexec.exe and EXE installers through Start-Process ----

# As in Windows PowerShell 5.1, what the PCs run: an empty -ArgumentList is refused (pwsh 7 lets it pass).
function Start-Process {
  [CmdletBinding()]
  param([Parameter(Mandatory = $true, Position = 0)][Alias('PSPath', 'Path')][string]$FilePath, [Parameter(Position = 1)][Alias('Args')][ValidateNotNullOrEmpty()][string[]]$ArgumentList,
    [switch]$Wait, [switch]$PassThru, [switch]$NoNewWindow, [string]$WorkingDirectory, [string]$WindowStyle, [string]$Verb,
    [string]$RedirectStandardOutput, [string]$RedirectStandardError, [string]$RedirectStandardInput)
  $line = if ($ArgumentList) { $ArgumentList -join ' ' } else { '' }
  $bin = Join-Path $env:HS_SIM_ROOT '.sim/bin'
  $tool = $null
  if ($FilePath -match '(^|[\\/])msiexec(\.exe)?$') { $tool = Join-Path $bin 'msiexec.exe' }
  elseif ($FilePath.StartsWith('\\')) { throw [System.InvalidOperationException]::new('This command cannot be run due to the error: Access is denied.') }
  elseif ($FilePath -match '^[A-Za-z]:\\') {
    $kind = if (HsLab-IsUninstaller $FilePath) { 'uninstaller' } else { 'exe-installer' }
    $tool = Join-Path $bin $kind
    $line = ('"' + $FilePath + '" ' + $line).TrimEnd()
  }
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

# Is this C:\ path an uninstaller an EXE install of the lab left (LAB_UNINSTALLER on its first line)?
function HsLab-IsUninstaller([string]$FilePath) {
  if ($FilePath -notmatch '^[Cc]:\\(.*)$') { return $false }
  $file = [System.IO.FileInfo]::new((Join-Path (Join-Path $env:HS_SIM_ROOT 'C') ($Matches[1] -replace '\\', '/')))
  if (-not $file.Exists -or $file.Length -ge 1024) { return $false }
  return [System.IO.File]::ReadAllText($file.FullName).StartsWith('${LAB_UNINSTALLER}')
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
