/**
 * What a Windows lab PC offers the day-zero script (`homeshift bootstrap windows`): the OpenSSH Server capability,
 * the sshd service, Windows Firewall rules and icacls. State in <PC>/.sim/state: capabilities.tsv (name, state),
 * services.tsv (name, start type, status), firewall.tsv (name, direction, protocol, port, remote addresses, action),
 * acl.tsv (file, inheritance, grants). sshd's first start writes the host key the lab PC's SSH server presents
 * (.sim/state/sshd-host-key.pub, written by the lab) to %ProgramData%\ssh, as a real sshd generates its keys.
 */
export const OPENSSH_CAPABILITY = 'OpenSSH.Server~~~~0.0.1.0';

export const SIM_OPENSSH_PS1 = String.raw`
# ---- OpenSSH Server, services, firewall ----

function HsLab-Table([string]$Name) { HsLab-ReadRows (HsLab-StateFile $Name) }

function HsLab-Upsert([string]$Name, [string[]]$Row) {
  $rows = [System.Collections.Generic.List[object]]::new()
  foreach ($r in (HsLab-Table $Name)) { if ($r[0] -ne $Row[0]) { $rows.Add($r) } }
  $rows.Add($Row)
  HsLab-WriteRows (HsLab-StateFile $Name) $rows
}

function HsLab-Row([string]$Name, [string]$Key) {
  foreach ($r in (HsLab-Table $Name)) { if ($r[0] -eq $Key) { return ,$r } }
  return $null
}

function Get-WindowsCapability {
  [CmdletBinding()]
  param([switch]$Online, [string]$Name)
  $row = HsLab-Row 'capabilities.tsv' $Name
  $state = if ($row) { $row[1] } else { 'NotPresent' }
  [pscustomobject]@{ Name = $Name; State = $state }
}

function Add-WindowsCapability {
  [CmdletBinding()]
  param([switch]$Online, [string]$Name)
  $fault = HsLab-Fault 'Add-WindowsCapability'
  if ($fault) { Write-Error $fault; return }
  HsLab-Upsert 'capabilities.tsv' @($Name, 'Installed')
  if ($Name -like 'OpenSSH.Server*') {
    if (-not (HsLab-Row 'services.tsv' 'sshd')) { HsLab-Upsert 'services.tsv' @('sshd', 'Manual', 'Stopped') }
    HsLab-Upsert 'firewall.tsv' @('OpenSSH-Server-In-TCP', 'Inbound', 'TCP', '22', 'Any', 'Allow')
  }
  [pscustomobject]@{ Online = $true; RestartNeeded = $false }
}

function Get-Service {
  [CmdletBinding()]
  param([Parameter(Position = 0)][string]$Name)
  $row = HsLab-Row 'services.tsv' $Name
  if (-not $row) { Write-Error "Cannot find any service with service name '$Name'." -Category ObjectNotFound; return }
  [pscustomobject]@{ Name = $row[0]; StartType = $row[1]; Status = $row[2] }
}

function Set-Service {
  [CmdletBinding()]
  param([Parameter(Position = 0)][string]$Name, [string]$StartupType)
  $row = HsLab-Row 'services.tsv' $Name
  if (-not $row) { Write-Error "Service '$Name' was not found on computer '.'." -Category ObjectNotFound; return }
  HsLab-Upsert 'services.tsv' @($Name, $StartupType, $row[2])
}

function Start-Service {
  [CmdletBinding()]
  param([Parameter(Position = 0)][string]$Name)
  $row = HsLab-Row 'services.tsv' $Name
  if (-not $row) { Write-Error "Cannot find any service with service name '$Name'." -Category ObjectNotFound; return }
  $fault = HsLab-Fault 'Start-Service'
  if ($fault) { Write-Error $fault; return }
  HsLab-Upsert 'services.tsv' @($Name, $row[1], 'Running')
  if ($Name -ne 'sshd') { return }
  $sshDir = Join-Path $env:ProgramData 'ssh'
  $hostKey = Join-Path $sshDir 'ssh_host_ed25519_key.pub'
  $served = HsLab-StateFile 'sshd-host-key.pub'
  if (-not (Test-Path -LiteralPath $hostKey) -and (Test-Path -LiteralPath $served)) {
    New-Item -ItemType Directory -Force -Path $sshDir | Out-Null
    [System.IO.File]::Copy($served, $hostKey)
  }
}

function Get-NetFirewallRule {
  [CmdletBinding()]
  param([string]$Name)
  $row = HsLab-Row 'firewall.tsv' $Name
  if (-not $row) { Write-Error "No MSFT_NetFirewallRule objects found with property 'InstanceID' equal to '$Name'." -Category ObjectNotFound; return }
  [pscustomobject]@{ Name = $row[0]; Direction = $row[1]; Protocol = $row[2]; LocalPort = $row[3]; RemoteAddress = @($row[4].Split(',')); Action = $row[5] }
}

function Remove-NetFirewallRule {
  [CmdletBinding()]
  param([string]$Name)
  if (-not (HsLab-Row 'firewall.tsv' $Name)) { Write-Error "No MSFT_NetFirewallRule objects found with property 'InstanceID' equal to '$Name'." -Category ObjectNotFound; return }
  $rows = [System.Collections.Generic.List[object]]::new()
  foreach ($r in (HsLab-Table 'firewall.tsv')) { if ($r[0] -ne $Name) { $rows.Add($r) } }
  HsLab-WriteRows (HsLab-StateFile 'firewall.tsv') $rows
}

function New-NetFirewallRule {
  [CmdletBinding()]
  param([string]$Name, [string]$DisplayName, [string]$Direction, [string]$Protocol, [string[]]$LocalPort, [string[]]$RemoteAddress, [string]$Action, [string[]]$Profile)
  if (HsLab-Row 'firewall.tsv' $Name) { Write-Error "Cannot create a file when that file already exists." -Category ResourceExists; return }
  HsLab-Upsert 'firewall.tsv' @($Name, $Direction, $Protocol, ($LocalPort -join ','), ($RemoteAddress -join ','), $Action)
  [pscustomobject]@{ Name = $Name; DisplayName = $DisplayName }
}
`;

/** icacls.exe as far as setting a file's ACL goes; its complaints in cp850, as a German Windows' icacls writes them. */
export const ICACLS_TOOL = `#!/bin/sh
# homeshift lab: simulated icacls.exe
state="$HS_SIM_ROOT/.sim/state"
file=\${1:-}
[ $# -eq 0 ] || shift
if [ ! -e "$file" ]; then printf '%s: Das System kann die angegebene Datei nicht finden.\\r\\n' "$file" >&2; exit 2; fi
inherit=on grants=
while [ $# -gt 0 ]; do
  case $1 in
    /inheritance:r|/inheritance:d) inherit=off ;;
    /inheritance:e) inherit=on ;;
    /grant|/grant:r) grants="$grants\${grants:+,}\${2:-}"; shift ;;
    *) printf 'Ung\\201ltiger Parameter "%s"\\r\\n' "$1" >&2; exit 87 ;;
  esac
  shift
done
mkdir -p "$state"
awk -F '\\t' -v f="$file" '$1 != f' "$state/acl.tsv" 2>/dev/null >"$state/acl.tsv.new"
printf '%s\\t%s\\t%s\\n' "$file" "$inherit" "$grants" >>"$state/acl.tsv.new"
mv "$state/acl.tsv.new" "$state/acl.tsv"
printf 'Bearbeitete Datei: %s\\r\\n1 Dateien erfolgreich verarbeitet, bei 0 Dateien ist ein Verarbeitungsfehler aufgetreten.\\r\\n' "$file"
`;
