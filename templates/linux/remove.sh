# Removal: what homeshift put on the PC and its plan no longer has (docs/lifecycle.md). Only what homeshift itself
# installed is listed; what was on the PC before is left alone and said so.
# HS_REMOVE_PACKAGES one "via<TAB>package<TAB>version<TAB>name<TAB>" per line (apt, deb: removed with apt-get remove);
# HS_REMOVE_FILES one path below the root per line; HS_REMOVE_VPN the name of a NetworkManager connection that goes;
# HS_LEFT_ALONE one line per package left alone.
rm_tab=$(printf '\t')
rm_nl='
'

# rm_packages: the Debian package names to remove, one a line
rm_packages() {
  printf '%s\n' "${HS_REMOVE_PACKAGES-}" | while IFS=$rm_tab read -r via package rest; do
    [ -n "$package" ] && printf '%s\n' "$package"
  done
}

rm_installed() {
  case $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) in
    *' installed') return 0 ;;
    *) return 1 ;;
  esac
}

# rm_left: what is still on the PC of what goes, one line each
rm_left() {
  for package in $(rm_packages); do
    rm_installed "$package" && echo "package $package"
  done
  old_ifs=$IFS
  IFS=$rm_nl
  set -f
  for file in ${HS_REMOVE_FILES-}; do
    [ -e "$(hs_path "$file")" ] || [ -h "$(hs_path "$file")" ] && echo "file $file"
  done
  set +f
  IFS=$old_ifs
  if [ -n "${HS_REMOVE_VPN-}" ] && nmcli connection show "$HS_REMOVE_VPN" >/dev/null 2>&1; then echo "VPN connection $HS_REMOVE_VPN"; fi
  return 0
}

hs_check() {
  [ -z "${HS_LEFT_ALONE-}" ] || printf '%s\n' "$HS_LEFT_ALONE" | sed 's/^/left alone: /'
  left=$(rm_left)
  [ -z "$left" ] && return 0
  echo "still on the PC: $(printf '%s' "$left" | tr '\n' ',' | sed 's/,/, /g')"
  return 1
}

hs_apply() {
  set -f
  gone=
  for package in $(rm_packages); do
    if rm_installed "$package"; then gone="$gone $package"; else echo "$package: not on the PC any more"; fi
  done
  set +f
  if [ -n "$gone" ]; then
    # shellcheck disable=SC2086 # one argument per package name
    DEBIAN_FRONTEND=noninteractive apt-get remove -y -q $gone || return
  fi
  old_ifs=$IFS
  IFS=$rm_nl
  set -f
  for file in ${HS_REMOVE_FILES-}; do
    path=$(hs_path "$file")
    if [ -e "$path" ] || [ -h "$path" ]; then rm -f "$path" && echo "file $file: removed" || { IFS=$old_ifs; set +f; return 1; }; fi
  done
  set +f
  IFS=$old_ifs
  if [ -n "${HS_REMOVE_VPN-}" ]; then
    nmcli connection reload || return
    if nmcli connection show "$HS_REMOVE_VPN" >/dev/null 2>&1; then nmcli connection delete "$HS_REMOVE_VPN" || return; fi
    echo "VPN connection $HS_REMOVE_VPN: removed"
  fi
  return 0
}
