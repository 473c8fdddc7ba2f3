# Data protection: the screen locks after at most HS_SCREEN_LOCK_MINUTES (GNOME, system dconf database).
# The keyfile and its lock file are written by homeshift; the database is compiled with dconf update.
hs_check() {
  stamp=
  { read -r stamp <"${HS_ROOT%/}/var/lib/homeshift/screen-lock"; } 2>/dev/null
  if [ "$stamp" != "$HS_SCREEN_LOCK_SECONDS" ]; then
    echo "screen lock policy of $HS_SCREEN_LOCK_MINUTES minutes is not compiled into the dconf database" >&2
    return 1
  fi
  [ -s "${HS_ROOT%/}/etc/dconf/db/local" ]
}

hs_apply() {
  dconf update || return $?
  state="${HS_ROOT%/}/var/lib/homeshift"
  { [ -d "$state" ] || mkdir -p "$state"; } && printf '%s\n' "$HS_SCREEN_LOCK_SECONDS" >"$state/screen-lock"
}
