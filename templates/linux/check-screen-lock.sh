# Data protection: the screen locks after at most HS_SCREEN_LOCK_MINUTES (GNOME, system dconf database).
# The keyfile and its lock file are written by homeshift; the database is compiled with dconf update.
hs_stamp() {
  hs_path var/lib/homeshift/screen-lock
}

hs_check() {
  stamp=$(hs_stamp)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$HS_SCREEN_LOCK_SECONDS" ]; then
    echo "screen lock policy of $HS_SCREEN_LOCK_MINUTES minutes is not compiled into the dconf database" >&2
    return 1
  fi
  [ -s "$(hs_path etc/dconf/db/local)" ]
}

hs_apply() {
  dconf update || return $?
  mkdir -p "$(hs_path var/lib/homeshift)" && printf '%s\n' "$HS_SCREEN_LOCK_SECONDS" >"$(hs_stamp)"
}
