/**
 * VpnClient of a Windows lab PC: Get-, Add-, Set- and Remove-VpnConnection over the table <PC>/.sim/state/vpn.tsv
 * (SCOPE NAME PROPERTY VALUE, state-files.ts), one scope per -AllUserConnection. A name not there gives the error the
 * real cmdlets give (ObjectNotFound, "The VPN connection NAME cannot be found."). Part of the PowerShell text of
 * sim-windows.ts, which defines the state and fault helpers it uses.
 */
export const SIM_VPN_PS1 = String.raw`# ---- VpnClient ----

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

# What the VpnClient cmdlets write for a name they do not find (Windows' error 623, the phone-book entry is missing);
# WriteError adds the command's name, so the id reads "VPN 623,Remove-VpnConnection" as the real one does.
function HsLab-VpnMissing($Cmdlet, [string]$Name) {
  $err = [System.Management.Automation.ErrorRecord]::new([System.Management.Automation.ItemNotFoundException]::new("The VPN connection $Name cannot be found."), 'VPN 623', 'ObjectNotFound', $Name)
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

function Remove-VpnConnection {
  [CmdletBinding()]
  param([Parameter(Mandatory = $true, Position = 0)][string[]]$Name, [switch]$AllUserConnection, [switch]$Force, [switch]$PassThru)
  $fault = HsLab-Fault 'Remove-VpnConnection'
  if ($fault) { Write-Error $fault; return }
  $state = HsLab-VpnLoad
  $scope = HsLab-VpnScope $AllUserConnection
  if ($null -eq $state[$scope]) { $state[$scope] = @{} }
  $removed = $false
  foreach ($n in $Name) {
    $k = HsLab-Find $state[$scope] $n
    if ($null -eq $k) { HsLab-VpnMissing $PSCmdlet $n; continue }
    if ($PassThru) { HsLab-VpnObject $state[$scope][$k] $AllUserConnection.IsPresent }
    $state[$scope].Remove($k)
    $removed = $true
  }
  if ($removed) { HsLab-VpnSave $state }
}

`;
