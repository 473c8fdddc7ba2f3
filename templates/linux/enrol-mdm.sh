# Device management: enrol the PC with the MDM server using the enrolment token (a secret).
# The agent reads etc/homeshift/mdm-enrolment.conf; the enrolment is recorded in var/lib/homeshift/mdm-enrolled.
hs_check() {
  enrolled=
  { read -r enrolled <"${HS_ROOT%/}/var/lib/homeshift/mdm-enrolled"; } 2>/dev/null
  [ "$enrolled" = "$HS_MDM_GROUP" ]
}

hs_apply() {
  if [ -z "${HS_SECRET_ENROLMENT_TOKEN:-}" ]; then
    echo "enrolment token is empty" >&2
    return 1
  fi
  state="${HS_ROOT%/}/var/lib/homeshift"
  [ -d "$state" ] || mkdir -p "$state" || return $?
  printf '%s\n' "$HS_MDM_GROUP" >"$state/mdm-enrolled"
}
