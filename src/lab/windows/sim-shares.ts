/**
 * The file shares of the Windows lab PCs, as a PC reached by an SSH key sees them: its session carries no network
 * credentials (the second hop), so a share refuses it. Only a drive mapped with an explicit credential that the file
 * server accepts reads the share. The servers are folders under HS_SIM_SHARES (\\server\share\... is
 * <shares>/server/share/...); the accounts a server accepts are lines "user:password" in <shares>/.accounts/<server>.
 * Every mapping and unmapping is logged to .sim/state/shares.log (name, root, user; never a password).
 * The simulated msiexec.exe (installer-tools.ts) refuses a bare share path with 1619 the same way.
 */
export const SHARE_ACCOUNTS_DIR = '.accounts';

export const SIM_SHARES_PS1 = String.raw`# ---- File shares: no network credentials in a key-login session ----

$global:HsLabMapped = @{}

# \\server\share as the lab folder that stands for it, or $null for any other root.
function HsLab-ShareFolder([string]$Root) {
  if ($Root -notmatch '^\\\\([^\\]+)\\([^\\]+)\\?$') { return $null }
  [pscustomobject]@{ Server = $Matches[1]; Folder = [System.IO.Path]::Combine($env:HS_SIM_SHARES, $Matches[1], $Matches[2]) }
}

function HsLab-ShareAccepts([string]$Server, $Credential) {
  if ($null -eq $Credential) { return $false }
  $accounts = [System.IO.Path]::Combine($env:HS_SIM_SHARES, '.accounts', $Server)
  if (-not [System.IO.File]::Exists($accounts)) { return $false }
  $net = $Credential.GetNetworkCredential()
  $user = if ($net.Domain) { $net.Domain + '\' + $net.UserName } else { $net.UserName }
  foreach ($line in [System.IO.File]::ReadAllLines($accounts)) { if ($line -ceq ($user + ':' + $net.Password)) { return $true } }
  return $false
}

function HsLab-ShareLog([string[]]$Fields) {
  [System.IO.Directory]::CreateDirectory($global:HsLabState) | Out-Null
  $row = [string]::Join($global:HsLabTab, @($Fields | ForEach-Object { HsLab-Enc $_ }))
  [System.IO.File]::AppendAllText((HsLab-StateFile 'shares.log'), $row + [char]10)
}

function New-PSDrive {
  [CmdletBinding()]
  param([Parameter(Mandatory = $true, Position = 0)][string]$Name, [Parameter(Mandatory = $true, Position = 1)][string]$PSProvider,
    [Parameter(Mandatory = $true, Position = 2)][string]$Root, [pscredential]$Credential, [string]$Scope, [switch]$Persist, [string]$Description)
  $share = HsLab-ShareFolder $Root
  if ($null -eq $share) { $PSBoundParameters['Scope'] = 'Global'; Microsoft.PowerShell.Management\New-PSDrive @PSBoundParameters; return }
  if (-not (HsLab-ShareAccepts $share.Server $Credential)) {
    $why = if ($null -eq $Credential) { 'Access is denied' } else { 'The specified network password is not correct' }
    $PSCmdlet.WriteError([System.Management.Automation.ErrorRecord]::new([System.ComponentModel.Win32Exception]::new($why), 'CouldNotMapNetworkDrive', 'PermissionDenied', $Root))
    return
  }
  HsLab-ShareLog @('map', $Name, $Root, $Credential.UserName)
  $global:HsLabMapped[$Name] = $Root
  Microsoft.PowerShell.Management\New-PSDrive -Name $Name -PSProvider FileSystem -Root $share.Folder -Scope Global
}

function Remove-PSDrive {
  [CmdletBinding()]
  param([Parameter(Mandatory = $true, Position = 0)][string[]]$Name, [string]$Scope, [switch]$Force, [string]$PSProvider)
  foreach ($n in $Name) {
    if ($global:HsLabMapped.ContainsKey($n)) { HsLab-ShareLog @('unmap', $n, $global:HsLabMapped[$n]); $global:HsLabMapped.Remove($n) }
    Microsoft.PowerShell.Management\Remove-PSDrive -Name $n -Scope Global -Force
  }
}

`;
