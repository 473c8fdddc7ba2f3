# Software bundle: every package at its planned version (dpkg-query), installed with apt-get where not.
# HS_PACKAGES holds one "package=version" per line.
hs_missing() {
  printf '%s\n' "$HS_PACKAGES" | while IFS='=' read -r pkg version; do
    [ -n "$pkg" ] || continue
    have=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null) || have=
    [ "$have" = "$version" ] || printf '%s=%s\n' "$pkg" "$version"
  done
}

hs_check() {
  missing=$(hs_missing)
  [ -z "$missing" ] && return 0
  echo "bundle $HS_BUNDLE_NAME $HS_BUNDLE_VERSION: not at the planned version: $(printf '%s' "$missing" | tr '\n' ' ')"
  return 1
}

hs_apply() {
  missing=$(hs_missing)
  [ -n "$missing" ] || return 0
  set -f
  # one package=version per line, none contains a space: word splitting gives one argument each
  set -- $missing
  set +f
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --allow-downgrades -o Dpkg::Options::=--force-confold "$@"
}
