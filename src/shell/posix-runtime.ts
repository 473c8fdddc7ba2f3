/**
 * The sh functions every linux machine program starts with. Static code: values reach it only through the
 * quoted prelude. One step runs in a subshell: its vars, functions and files stay there.
 * Cheap by design: builtins wherever they are as clear, an external command only for real work (cmp, mv);
 * a step's output goes back as raw lines between markers. A step's duration is read from the kernel's uptime
 * (/proc/uptime, 10 ms steps, read by a builtin: no fork); where there is none the field stays '-' and the client
 * times the markers' arrival instead.
 */
export const POSIX_RUNTIME = `hs_path() { printf '%s/%s' "\${HS_ROOT%/}" "$1"; }
hs__marker() { printf '@@HS:%s:%s\\n' "$HS__NONCE" "$1"; }
# hs__clock: hs__now is the uptime in ms, or empty without /proc/uptime; the fraction has two digits (10 ms)
hs__clock() {
  hs__now=
  { IFS=' ' read -r hs__up hs__idle </proc/uptime; } 2>/dev/null || return 0
  case $hs__up in *.[0-9][0-9]) ;; *) return 0 ;; esac
  hs__frac=\${hs__up#*.}
  hs__now=$(( (\${hs__up%.*} * 100 + \${hs__frac#0}) * 10 ))
}
# hs__elapsed: the ms since the step's start marker, or '-' when the PC keeps no clock
hs__elapsed() {
  hs__clock
  if [ -n "$hs__now" ] && [ -n "\${HS__T0-}" ]; then hs__ms=$((hs__now - HS__T0)); else hs__ms=-; fi
}
# hs__block KIND FILE: appends a step's output to hs__msg as raw lines between two markers, with builtins; nothing
# when empty. Past 200 lines only the last 2 KiB follow, after a cut marker (the client keeps no more than 2 KiB).
hs__block() {
  [ -s "$2" ] || return 0
  hs__msg="$hs__msg@@HS:$HS__NONCE:$1 $HS__INDEX
"
  hs__lines=0
  while IFS= read -r hs__line || [ -n "$hs__line" ]; do
    hs__lines=$((hs__lines + 1))
    if [ "$hs__lines" -gt 200 ]; then
      hs__msg="$hs__msg@@HS:$HS__NONCE:$1-cut $HS__INDEX
$(tail -c 2048 "$2")
"
      break
    fi
    hs__msg="$hs__msg$hs__line
"
  done <"$2"
  hs__msg="$hs__msg@@HS:$HS__NONCE:$1-end $HS__INDEX
"
}
# hs__want PATH MODE UMASK TEXT: the desired content of one file of the current step (UMASK empty: chmod MODE)
hs__want() {
  HS__NFILES=$((HS__NFILES + 1))
  eval "HS__PATH_$HS__NFILES=\\$1 HS__MODE_$HS__NFILES=\\$2 HS__MASK_$HS__NFILES=\\$3 HS__DATA_$HS__NFILES=\\$4"
  printf '%s' "$4" >"$HS__TMP/want.$HS__NFILES"
}
# hs__want_b64 PATH MODE UMASK BASE64: the same for content a shell word cannot hold (NUL bytes)
hs__want_b64() {
  HS__NFILES=$((HS__NFILES + 1))
  eval "HS__PATH_$HS__NFILES=\\$1 HS__MODE_$HS__NFILES=\\$2 HS__MASK_$HS__NFILES=\\$3; unset HS__DATA_$HS__NFILES"
  printf '%s' "$4" | base64 -d >"$HS__TMP/want.$HS__NFILES"
}
hs__files_equal() {
  hs__n=1
  while [ "$hs__n" -le "$HS__NFILES" ]; do
    eval "hs__rel=\\$HS__PATH_$hs__n"
    hs__dest="\${HS_ROOT%/}/$hs__rel"
    if [ ! -f "$hs__dest" ] || ! cmp -s "$HS__TMP/want.$hs__n" "$hs__dest"; then
      echo "file /$hs__rel differs from the plan"
      return 1
    fi
    hs__n=$((hs__n + 1))
  done
}
# hs__write_file N: writes file N next to its destination with its mode, then renames it into place
hs__write_file() {
  eval "hs__rel=\\$HS__PATH_$1 hs__mode=\\$HS__MODE_$1 hs__mask=\\$HS__MASK_$1 hs__data=\\\${HS__DATA_$1-}; hs__text=\\\${HS__DATA_$1+1}"
  hs__dest="\${HS_ROOT%/}/$hs__rel"
  hs__new="$hs__dest.hs-new.$$"
  if [ -e "$hs__new" ] || [ -h "$hs__new" ]; then rm -f "$hs__new" || return 1; fi
  umask "\${hs__mask:-077}"
  if [ -n "$hs__text" ]; then printf '%s' "$hs__data" >"$hs__new"; else cat "$HS__TMP/want.$1" >"$hs__new"; fi
  hs__rc=$?
  umask "$hs__umask"
  [ "$hs__rc" -eq 0 ] || return 1
  [ -n "$hs__mask" ] || chmod "$hs__mode" "$hs__new" || return 1
  mv -f "$hs__new" "$hs__dest"
}
# hs__make_folders: one mkdir for all the missing folders of the step's files; when it fails, hs__rel is the first
# file whose folder is still missing
hs__make_folders() {
  set --
  hs__n=1
  while [ "$hs__n" -le "$HS__NFILES" ]; do
    eval "hs__dest=\\\${HS_ROOT%/}/\\$HS__PATH_$hs__n"
    [ -d "\${hs__dest%/*}" ] || set -- "$@" "\${hs__dest%/*}"
    hs__n=$((hs__n + 1))
  done
  [ "$#" -eq 0 ] || mkdir -p "$@" && return 0
  hs__n=1
  while [ "$hs__n" -lt "$HS__NFILES" ]; do
    eval "hs__dest=\\\${HS_ROOT%/}/\\$HS__PATH_$hs__n"
    [ -d "\${hs__dest%/*}" ] || break
    hs__n=$((hs__n + 1))
  done
  eval "hs__rel=\\$HS__PATH_$hs__n"
  return 1
}
# A file that cannot be written fails the apply with the status and complaint of the command that failed
# (mkdir, mv: they say why); the path goes to the output, and is the message only when that command said nothing.
# The umask goes through a file, not $(umask): a builtin's output in a variable would cost a fork.
hs__write_files() {
  [ "$HS__NFILES" -gt 0 ] || return 0
  hs__make_folders || { echo "cannot write /$hs__rel"; return 1; }
  umask >"$HS__TMP/umask" && IFS= read -r hs__umask <"$HS__TMP/umask" || return 1
  hs__n=1
  while [ "$hs__n" -le "$HS__NFILES" ]; do
    hs__write_file "$hs__n" || { hs__rc=$?; rm -f "$hs__new"; echo "cannot write /$hs__rel"; return "$hs__rc"; }
    hs__n=$((hs__n + 1))
  done
}
# hs__end STATUS EXIT PHASE: the step's output blocks, then the end marker with the step's elapsed ms (tails '@':
# sent as blocks above)
# One write for the blocks and the marker: every write becomes an SSH packet the control machine must decrypt.
hs__end() {
  : >"$HS__TMP/end.$HS__INDEX"
  hs__msg=
  hs__block out "$HS__TMP/out"
  hs__block err "$HS__TMP/err"
  if [ -f "$HS__TMP/installed.$HS__INDEX" ]; then
    while IFS= read -r hs__line; do hs__msg="$hs__msg@@HS:$HS__NONCE:installed $HS__INDEX $hs__line
"; done <"$HS__TMP/installed.$HS__INDEX"
  fi
  hs__elapsed
  printf '%s@@HS:%s:end %s %s %s %s @ @ %s\n' "$hs__msg" "$HS__NONCE" "$HS__INDEX" "$1" "$2" "$hs__ms" "$3"
}
# The phases run as brace groups, not subshells (a fork each): a phase that calls exit ends the step's own
# subshell instead, and hs__finish reports it under the phase written down here.
hs__phase() { printf '%s' "$1" >"$HS__TMP/phase"; }
hs__phase_check() { hs__phase check; { hs__files_equal && hs_check; } </dev/null >>"$HS__TMP/out" 2>>"$HS__TMP/err"; }
# Verify after apply: the files were just renamed into place, so only the step's own verify (or check) runs.
hs__phase_verify() {
  hs__phase verify
  if type hs_verify >/dev/null 2>&1; then
    { hs_verify; } </dev/null >>"$HS__TMP/out" 2>>"$HS__TMP/err"
  else
    { hs_check; } </dev/null >>"$HS__TMP/out" 2>>"$HS__TMP/err"
  fi
}
hs__phase_apply() { hs__phase apply; { hs__write_files && hs_apply; } </dev/null >>"$HS__TMP/out" 2>>"$HS__TMP/err"; }
# hs__step INDEX CHECK_ONLY SCRIPT: check, then (mode apply) apply and verify; one end marker.
# A syntax error in SCRIPT ends this step's subshell with status 2; hs__finish reports it.
hs__step() {
  HS__INDEX=$1 HS__CHECK_ONLY=$2
  eval "$3" </dev/null >>"$HS__TMP/out" 2>>"$HS__TMP/err" || { hs__end failed $? script; return 1; }
  hs__phase_check
  hs__rc=$?
  if [ "$hs__rc" -eq 0 ]; then hs__end ok 0 check; return 0; fi
  if [ "$HS__CHECK_ONLY" = 1 ]; then hs__end failed "$hs__rc" check; return 1; fi
  if [ "$HS__MODE" = check ]; then hs__end would-change - check; return 0; fi
  if [ -n "\${HS__DEFER-}" ]; then hs__end deferred - window; return 0; fi
  if [ "\${HS__UNLESS_LOGGED_ON-}" = 1 ] && hs__logged_on; then hs__end deferred - logon; return 0; fi
  hs__phase_apply
  hs__rc=$?
  if [ "$hs__rc" -ne 0 ]; then hs__end failed "$hs__rc" apply; return 1; fi
  hs__phase_verify
  hs__rc=$?
  if [ "$hs__rc" -ne 0 ]; then hs__end failed "$hs__rc" verify; return 1; fi
  if [ "\${HS__RESTART-}" = 1 ]; then hs_request_reboot; fi
  hs__end changed 0 apply
}
# A step whose change takes effect after a restart: its result says the PC waits for a reboot.
hs_request_reboot() { hs__marker "reboot $HS__INDEX"; : >"$HS__TMP/reboot-requested"; }
hs_reboot_requested() { [ -f "$HS__TMP/reboot-requested" ]; }
# hs_installed VIA PACKAGE: a bundle's apply installed it (apt, deb); only what homeshift installed is ever removed.
# The apply's output goes to a file: hs__end sends these as markers before the end marker.
hs_installed() { printf '%s %s\\n' "$1" "$2" >>"$HS__TMP/installed.$HS__INDEX"; }
# A user is logged on at a seat of the PC (console or desktop); homeshift's own SSH session has none.
hs__logged_on() {
  if command -v loginctl >/dev/null 2>&1 && hs__sessions=$(loginctl list-sessions --no-legend 2>/dev/null); then
    printf '%s\\n' "$hs__sessions" | awk '$4 ~ /^seat/ { found = 1 } END { exit !found }'
  else
    who 2>/dev/null | grep -Eq '[[:space:]](tty[0-9]+|:[0-9]+)([[:space:]]|$)'
  fi
}
# hs__begin INDEX: the start marker and empty output files for the step
hs__begin() {
  : >"$HS__TMP/out" && : >"$HS__TMP/err" && : >"$HS__TMP/phase"
  HS__NFILES=0
  hs__clock
  HS__T0=$hs__now
  hs__marker "start $1"
}
# hs__finish INDEX STATUS: after the step's subshell; reports a step that died without its end marker
hs__finish() {
  HS__INDEX=$1
  if [ "$2" -ne 0 ]; then HS__FAILED=1; fi
  if [ ! -f "$HS__TMP/end.$1" ]; then
    HS__FAILED=1
    hs__ph=script
    [ ! -s "$HS__TMP/phase" ] || IFS= read -r hs__ph <"$HS__TMP/phase" || :
    hs__end failed "$2" "$hs__ph"
  fi
}
hs__skip() { HS__INDEX=$1; hs__marker "end $1 skipped - 0 - - -"; }
`;
