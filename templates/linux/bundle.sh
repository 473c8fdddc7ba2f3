# Software bundle: every package at its planned version (dpkg-query), installed with apt-get where not.
# HS_PACKAGES holds one "package=version" per line, from the PC's apt repositories; none contains a space.
# HS_DEB_PACKAGES one "package=version<TAB>cache path" per line: a .deb file from a source, detected the same way and
# installed by apt-get from the package cache (its dependencies come from the PC's repositories).
# HS_SOURCES one "sha256<TAB>url|push<TAB>location<TAB><TAB>cache path<TAB>package" per line: the files the PC gets into
# its package cache (docs/package-sources.md), each verified by its SHA-256 before anything of the bundle runs; a file
# already in the cache with that hash is used as it is, a download broken off is resumed from its .partial file.

hs_tab=$(printf '\t')
hs_nl='
'

# The "package=version" of each .deb line, one a line.
hs_deb_specs() {
  while IFS=$hs_tab read -r spec cache; do
    [ -z "$spec" ] || printf '%s\n' "$spec"
  done <<EOF
${HS_DEB_PACKAGES:-}
EOF
}

# Sets missing to the "package=version" words not installed at that version, and missing_debs to those of them that
# are .deb files (one a line): one dpkg-query for the whole bundle.
hs_missing() {
  missing=
  missing_apt=
  missing_debs=
  debs=$(hs_deb_specs)
  specs=$HS_PACKAGES
  [ -z "$debs" ] || specs=${specs:+$specs$hs_nl}$debs
  set -f
  old_ifs=$IFS
  IFS=$hs_nl
  set --
  for spec in $specs; do set -- "$@" "${spec%%=*}"; done
  installed=
  # a removed package keeps its line (config-files) until purged: only an installed one counts
  [ $# -eq 0 ] || installed=$(dpkg-query -W -f='${db:Status-Abbrev}${Package}=${Version}\n' "$@" 2>/dev/null | sed -n 's/^ii *//p')
  # IFS is a newline here: a package is at its version when its "package=version" is one of the lines
  for spec in $specs; do
    case "$IFS$installed$IFS" in *"$IFS$spec$IFS"*) continue ;; esac
    missing=${missing:+$missing }$spec
    case "$IFS$debs$IFS" in
      *"$IFS$spec$IFS"*) missing_debs=${missing_debs:+$missing_debs$IFS}$spec ;;
      *) missing_apt=${missing_apt:+$missing_apt }$spec ;;
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

hs_sha256() {
  sum=$(sha256sum <"$1") || return 1
  printf '%s' "${sum%% *}"
}

# Fetches a url into FILE.partial with curl, resuming what an earlier attempt left there (a Range request); a server
# that does not resume (200 instead of 206: curl's exit 33) gets the whole file again.
hs_download() {
  url=$1 partial=$2
  curl -fsS -L --connect-timeout 30 -C - -o "$partial" "$url" && return 0
  rc=$?
  if [ "$rc" -eq 33 ]; then
    rm -f "$partial"
    curl -fsS -L --connect-timeout 30 -o "$partial" "$url" && return 0
    rc=$?
  fi
  kept=0
  [ ! -f "$partial" ] || kept=$(wc -c <"$partial")
  echo "$url: download broken off (curl exit $rc); $((kept)) bytes kept in the package cache, resumed on the next attempt" >&2
  return "$rc"
}

# hs_cached_file SHA256 KIND LOCATION CACHE NAME: the file in the package cache, fetched unless it is there with its
# hash; verified before it is kept.
hs_cached_file() {
  file=$(hs_path "$4")
  if [ -f "$file" ]; then
    found=$(hs_sha256 "$file")
    if [ "$found" = "$1" ]; then
      echo "$5: ${file##*/} from the package cache"
      return 0
    fi
    # a pushed file is checked by its size only when sent: a wrong one goes, so the next run pushes it again
    if [ "$2" = push ]; then
      rm -f "$file"
      echo "installer hash mismatch: $5: $3: expected $1, found $found" >&2
      return 1
    fi
  fi
  if [ "$2" != url ]; then
    echo "$5: $3 was not pushed into the package cache" >&2
    return 1
  fi
  mkdir -p "${file%/*}" || return 1
  # a .partial that is whole already (an attempt ended before it was moved): curl -f takes the server's 416 for an error
  if [ ! -f "$file.partial" ] || [ "$(hs_sha256 "$file.partial")" != "$1" ]; then
    hs_download "$3" "$file.partial" || return 1
  fi
  found=$(hs_sha256 "$file.partial")
  if [ "$found" != "$1" ]; then
    rm -f "$file.partial"
    echo "installer hash mismatch: $5: $3: expected $1, found $found" >&2
    return 1
  fi
  mv -f "$file.partial" "$file" || return 1
  echo "$5: ${file##*/} fetched ($2), SHA-256 verified"
}

# The cache path of a .deb line's file.
hs_deb_cache() {
  while IFS=$hs_tab read -r spec cache; do
    [ "$spec" != "$1" ] || { printf '%s' "$cache"; return 0; }
  done <<EOF
${HS_DEB_PACKAGES:-}
EOF
  return 1
}

# Every file the missing .deb packages need, in the cache and verified, before apt-get runs.
hs_fetch_debs() {
  [ -n "$missing_debs" ] || return 0
  wanted=
  for spec in $missing_debs; do wanted=$wanted$hs_nl$(hs_deb_cache "$spec"); done
  # split by hand: a tab is white space to read, which would take the empty credential field for no field
  while IFS= read -r line; do
    sha256=${line%%"$hs_tab"*} line=${line#*"$hs_tab"}
    kind=${line%%"$hs_tab"*} line=${line#*"$hs_tab"}
    location=${line%%"$hs_tab"*} line=${line#*"$hs_tab"*"$hs_tab"}
    cache=${line%%"$hs_tab"*} name=${line#*"$hs_tab"}
    case "$wanted$hs_nl" in *"$hs_nl$cache$hs_nl"*) ;; *) continue ;; esac
    hs_cached_file "$sha256" "$kind" "$location" "$cache" "$name" || return 1
  done <<EOF
${HS_SOURCES:-}
EOF
}

# apply follows the check in the same step: its list of missing packages is current, no second dpkg-query
hs_apply() {
  [ "${checked:-}" = 1 ] || hs_missing
  [ -n "$missing" ] || return 0
  old_ifs=$IFS
  IFS=$hs_nl
  set -f
  hs_fetch_debs || return 1
  # word splitting gives one argument per package=version, then one per .deb file
  IFS=' '
  set -- $missing_apt
  IFS=$hs_nl
  for spec in $missing_debs; do set -- "$@" "$(hs_path "$(hs_deb_cache "$spec")")"; done
  IFS=$old_ifs
  set +f
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --allow-downgrades -o Dpkg::Options::=--force-confold "$@" || return
  # what was missing is installed now, by homeshift: only that is ever removed again
  for spec in $missing_apt; do hs_installed apt "${spec%%=*}"; done
  IFS=$hs_nl
  for spec in $missing_debs; do hs_installed deb "${spec%%=*}"; done
  IFS=$old_ifs
}
