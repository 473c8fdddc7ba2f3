# Data protection: no customer data stored locally under home/ (files matching the configured patterns).
# Check only: the files belong to someone; homeshift lists them and never deletes them.
hs_check() {
  dir="${HS_ROOT%/}/$HS_CUSTOMER_DATA_DIR"
  [ -d "$dir" ] || return 0
  # the positional parameters become find's test: -iname P1 -o -iname P2 ...
  set -f
  old_ifs=$IFS
  IFS='
'
  set --
  for pattern in $HS_CUSTOMER_DATA_PATTERNS; do
    if [ $# -eq 0 ]; then set -- -iname "$pattern"; else set -- "$@" -o -iname "$pattern"; fi
  done
  IFS=$old_ifs
  set +f
  [ $# -gt 0 ] || return 0
  # find straight in the command substitution: its shell execs find instead of forking once more for a function
  found=$(find "$dir" -type f \( "$@" \) -print 2>/dev/null)
  [ -n "$found" ] || return 0
  found=$(printf '%s\n' "$found" | sort)
  prefix="${HS_ROOT%/}"
  count=0
  first=
  while IFS= read -r file; do
    count=$((count + 1))
    relative="/${file#"$prefix"/}"
    [ -n "$first" ] || first=$relative
    [ "$count" -gt 50 ] || printf '%s\n' "$relative"
  done <<EOF_FILES
$found
EOF_FILES
  echo "customer data stored locally: $count file(s), e.g. $first" >&2
  return 1
}

hs_apply() {
  echo "customer data must be removed by its owner: move the listed files to the share, then re-run" >&2
  return 1
}
