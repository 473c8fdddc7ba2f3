/**
 * The sh functions every linux machine program starts with. Static code: values reach it only through the
 * quoted prelude. One step runs in a subshell: its vars, functions and files stay there.
 */
export const POSIX_RUNTIME = `hs_path() { printf '%s/%s' "\${HS_ROOT%/}" "$1"; }
hs__now() {
  hs__t=$(date +%s%N 2>/dev/null)
  case $hs__t in ''|*N*) echo $(( $(date +%s) * 1000 )) ;; *) echo $(( hs__t / 1000000 )) ;; esac
}
hs__b64() { if [ -s "$1" ]; then tail -c 2048 "$1" | base64 | tr -d '\\n'; else printf '%s' -; fi; }
hs__marker() { printf '@@HS:%s:%s\\n' "$HS__NONCE" "$1"; }
# hs__want PATH MODE BASE64: the desired content of one file of the current step
hs__want() {
  HS__NFILES=$((HS__NFILES + 1))
  printf '%s' "$1" >"$HS__T/want.$HS__NFILES.path"
  printf '%s' "$2" >"$HS__T/want.$HS__NFILES.mode"
  printf '%s' "$3" | base64 -d >"$HS__T/want.$HS__NFILES.data"
}
hs__files_equal() {
  hs__n=1
  while [ "$hs__n" -le "$HS__NFILES" ]; do
    hs__rel=$(cat "$HS__T/want.$hs__n.path")
    if ! cmp -s "$HS__T/want.$hs__n.data" "$(hs_path "$hs__rel")"; then
      echo "file /$hs__rel differs from the plan"
      return 1
    fi
    hs__n=$((hs__n + 1))
  done
}
hs__write_files() {
  hs__n=1
  while [ "$hs__n" -le "$HS__NFILES" ]; do
    hs__rel=$(cat "$HS__T/want.$hs__n.path")
    hs__dest=$(hs_path "$hs__rel")
    hs__new="$hs__dest.hs-new.$$"
    mkdir -p "$(dirname "$hs__dest")" &&
      cp "$HS__T/want.$hs__n.data" "$hs__new" &&
      chmod "$(cat "$HS__T/want.$hs__n.mode")" "$hs__new" &&
      mv -f "$hs__new" "$hs__dest" || { rm -f "$hs__new"; echo "cannot write /$hs__rel" >&2; return 1; }
    hs__n=$((hs__n + 1))
  done
}
# Lab fault hook: with the simulated tools active, .sim/fail/<step> makes the apply phase fail (line 1: exit code or hang).
hs__fault() {
  [ "$HS__SIM" = 1 ] || return 0
  hs__f="\${HS_ROOT%/}/.sim/fail/$1"
  [ -f "$hs__f" ] || return 0
  hs__code=$(head -n 1 "$hs__f")
  [ "$hs__code" != hang ] || sleep 86400
  tail -n +2 "$hs__f" >&2
  case $hs__code in ''|*[!0-9]*) hs__code=1 ;; esac
  exit "$hs__code"
}
hs__end() {
  : >"$HS__T/ended"
  hs__marker "end $HS__INDEX $1 $2 $(( $(hs__now) - HS__STARTED )) $(hs__b64 "$HS__T/out") $(hs__b64 "$HS__T/err") $3"
}
hs__phase_check() { ( hs__files_equal && hs_check ) </dev/null >>"$HS__T/out" 2>>"$HS__T/err"; }
hs__phase_verify() {
  if type hs_verify >/dev/null 2>&1; then
    ( hs__files_equal && hs_verify ) </dev/null >>"$HS__T/out" 2>>"$HS__T/err"
  else
    hs__phase_check
  fi
}
hs__phase_apply() { ( hs__fault "$HS__FAULT"; hs__write_files && hs_apply ) </dev/null >>"$HS__T/out" 2>>"$HS__T/err"; }
# hs__step INDEX CHECK_ONLY FAULT_NAME SCRIPT: check, then (mode apply) apply and verify; one end marker
hs__step() {
  HS__INDEX=$1 HS__CHECK_ONLY=$2 HS__FAULT=$3
  if ! printf '%s\\n' "$4" | /bin/sh -n 2>>"$HS__T/err"; then hs__end failed 2 script; return 1; fi
  eval "$4" </dev/null >>"$HS__T/out" 2>>"$HS__T/err" || { hs__end failed $? script; return 1; }
  hs__phase_check
  hs__rc=$?
  if [ "$hs__rc" -eq 0 ]; then hs__end ok 0 check; return 0; fi
  if [ "$HS__CHECK_ONLY" = 1 ]; then hs__end failed "$hs__rc" check; return 1; fi
  if [ "$HS__MODE" = check ]; then hs__end would-change - check; return 0; fi
  hs__phase_apply
  hs__rc=$?
  if [ "$hs__rc" -ne 0 ]; then hs__end failed "$hs__rc" apply; return 1; fi
  hs__phase_verify
  hs__rc=$?
  if [ "$hs__rc" -ne 0 ]; then hs__end failed "$hs__rc" verify; return 1; fi
  hs__end changed 0 apply
}
# hs__begin INDEX: the start marker and the step's own temp folder
hs__begin() {
  HS__T="$HS__TMP/s$1"
  mkdir -p "$HS__T" && : >"$HS__T/out" && : >"$HS__T/err"
  HS__NFILES=0
  HS__STARTED=$(hs__now)
  hs__marker "start $1"
}
# hs__finish INDEX STATUS: after the step's subshell; reports a step that died without its end marker
hs__finish() {
  HS__INDEX=$1
  if [ "$2" -ne 0 ]; then HS__FAILED=1; fi
  if [ ! -f "$HS__T/ended" ]; then HS__FAILED=1; hs__end failed "$2" script; fi
}
hs__skip() { HS__INDEX=$1; hs__marker "end $1 skipped - 0 - - -"; }
`;
