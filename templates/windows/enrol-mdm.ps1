# Device management: enrol the PC with the MDM server using the enrolment token (a secret).
# The agent reads ProgramData\homeshift\mdm-enrolment.conf; the enrolment is recorded next to it.
function Get-HsStamp {
  Join-Path $HS_ROOT 'ProgramData\homeshift\mdm-enrolled'
}

function Test-HsState {
  $stamp = Get-HsStamp
  if (-not (Test-Path -LiteralPath $stamp)) { return $false }
  return ((Get-Content -LiteralPath $stamp -Raw).Trim() -eq $HS_MDM_GROUP)
}

function Invoke-HsApply {
  if (-not $HS_SECRET_ENROLMENT_TOKEN) { throw 'enrolment token is empty' }
  Set-Content -LiteralPath (Get-HsStamp) -Value $HS_MDM_GROUP -Encoding UTF8
}
