# Mailbox mapping: Thunderbird defaults for the personal and shared mailboxes plus homeshift's mailbox.json.
# Both are files written by homeshift; they are the whole state, so the check is the file comparison.
hs_check() {
  return 0
}

hs_apply() {
  # Thunderbird reads system defaults from its pref folder; make sure the distribution's link to it exists
  thunderbird="${HS_ROOT%/}/usr/lib/thunderbird"
  defaults="$thunderbird/defaults/pref"
  if [ -d "$thunderbird" ] && [ ! -e "$defaults" ] && [ ! -h "$defaults" ]; then
    mkdir -p "${defaults%/*}" && ln -s /etc/thunderbird/pref "$defaults"
  fi
  return 0
}
