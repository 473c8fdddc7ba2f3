# Data protection: the system disk is encrypted (a LUKS entry in /etc/crypttab).
# Check only: encryption cannot be switched on remotely, so a PC without it stops here.
hs_check() {
  crypttab=$(hs_path etc/crypttab)
  if [ ! -r "$crypttab" ]; then
    echo "disk not encrypted: /etc/crypttab is missing" >&2
    return 1
  fi
  if grep -Ev '^[[:space:]]*(#|$)' "$crypttab" | grep -q 'luks'; then
    return 0
  fi
  echo "disk not encrypted: no luks entry in /etc/crypttab" >&2
  return 1
}

hs_apply() {
  echo "disk encryption cannot be switched on remotely: encrypt the disk on site, then re-run" >&2
  return 1
}
