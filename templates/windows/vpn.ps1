# VPN: an all-user IKEv2 connection to the site's gateway; the user signs in with the identity in vpn.json.
function Get-HsVpn {
  Get-VpnConnection -Name $HS_VPN_NAME -AllUserConnection -ErrorAction SilentlyContinue
}

function Test-HsState {
  $vpn = Get-HsVpn
  if ($null -eq $vpn) {
    Write-HsError "VPN connection $HS_VPN_NAME is missing"
    return $false
  }
  $split = $HS_VPN_SPLIT_TUNNEL -eq 'true'
  if ($vpn.ServerAddress -ne $HS_VPN_GATEWAY) { Write-HsError "VPN gateway is $($vpn.ServerAddress), planned $HS_VPN_GATEWAY"; return $false }
  if ([bool]$vpn.SplitTunneling -ne $split) { Write-HsError "VPN split tunnelling is $($vpn.SplitTunneling), planned $split"; return $false }
  if ("$($vpn.DnsSuffix)" -ne $HS_VPN_DNS_SUFFIX) { Write-HsError "VPN DNS suffix is '$($vpn.DnsSuffix)', planned '$HS_VPN_DNS_SUFFIX'"; return $false }
  return $true
}

function Invoke-HsApply {
  $settings = @{
    Name = $HS_VPN_NAME
    ServerAddress = $HS_VPN_GATEWAY
    SplitTunneling = ($HS_VPN_SPLIT_TUNNEL -eq 'true')
    AllUserConnection = $true
    Force = $true
  }
  if ($HS_VPN_DNS_SUFFIX) { $settings.DnsSuffix = $HS_VPN_DNS_SUFFIX }
  if ($null -eq (Get-HsVpn)) {
    $tunnel = if ($HS_VPN_TYPE -eq 'ikev2') { 'Ikev2' } else { 'Automatic' }
    Add-VpnConnection @settings -TunnelType $tunnel -AuthenticationMethod Eap -EncryptionLevel Required -RememberCredential
  } else {
    Set-VpnConnection @settings
  }
}
