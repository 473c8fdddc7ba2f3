# Data protection: the system disk is encrypted (a LUKS entry in /etc/crypttab).
# Check only: encryption cannot be switched on remotely, so a PC without it stops here.
hs_check() {
  crypttab="${HS_ROOT%/}/etc/crypttab"
  if [ ! -r "$crypttab" ]; then
    echo "disk not encrypted: /etc/crypttab is missing" >&2
    return 1
  fi
  # read strips the leading blanks: a line starting with # is a comment
  while read -r line || [ -n "$line" ]; do
    case $line in
      '#'*) ;;
      *luks*) return 0 ;;
    esac
  done <"$crypttab"
  echo "disk not encrypted: no luks entry in /etc/crypttab" >&2
  return 1
}

hs_apply() {
  echo "disk encryption cannot be switched on remotely: encrypt the disk on site, then re-run" >&2
  return 1
}
