# VPN: a NetworkManager connection (strongSwan, IKEv2) to the site's gateway for the employee's identity.
# homeshift writes the keyfile (mode 0600); NetworkManager picks it up on reload.
hs_check() {
  if ! nmcli connection show "$HS_VPN_NAME" >/dev/null 2>&1; then
    echo "VPN connection $HS_VPN_NAME is not loaded by NetworkManager" >&2
    return 1
  fi
}

hs_apply() {
  nmcli connection reload
}
