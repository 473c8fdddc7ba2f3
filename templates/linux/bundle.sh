# Software bundle: every package at its planned version (dpkg-query), installed with apt-get where not.
# HS_PACKAGES holds one "package=version" per line; none contains a space.

# Sets missing to the "package=version" words not installed at that version: one dpkg-query for the whole bundle.
hs_missing() {
  missing=
  set -f
  old_ifs=$IFS
  IFS='
'
  set --
  for spec in $HS_PACKAGES; do set -- "$@" "${spec%%=*}"; done
  installed=
  [ $# -eq 0 ] || installed=$(dpkg-query -W -f='${Package}=${Version}\n' "$@" 2>/dev/null)
  # IFS is a newline here: a package is at its version when its "package=version" is one of the lines
  for spec in $HS_PACKAGES; do
    case "$IFS$installed$IFS" in
      *"$IFS$spec$IFS"*) ;;
      *) missing=${missing:+$missing }$spec ;;
    esac
  done
  IFS=$old_ifs
  set +f
}

hs_check() {
  hs_missing
  checked=1
  [ -z "$missing" ] && return 0
  echo "bundle $HS_BUNDLE_NAME $HS_BUNDLE_VERSION: not at the planned version: $missing"
  return 1
}

# apply follows the check in the same step: its list of missing packages is current, no second dpkg-query
hs_apply() {
  [ "${checked:-}" = 1 ] || hs_missing
  [ -n "$missing" ] || return 0
  set -f
  # word splitting gives one argument per package=version
  set -- $missing
  set +f
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --allow-downgrades -o Dpkg::Options::=--force-confold "$@"
}
