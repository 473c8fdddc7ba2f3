# Data protection: BitLocker protects the system drive.
# Check only: encryption cannot be switched on remotely, so a PC without it stops here.
function Test-HsState {
  $volume = Get-BitLockerVolume -MountPoint $env:SystemDrive -ErrorAction SilentlyContinue
  if ($null -ne $volume -and "$($volume.ProtectionStatus)" -eq 'On') { return $true }
  $status = if ($null -eq $volume) { 'unknown' } else { "$($volume.ProtectionStatus)" }
  Write-HsError "disk not encrypted: BitLocker protection on $env:SystemDrive is $status"
  return $false
}

function Invoke-HsApply {
  throw 'disk encryption cannot be switched on remotely: encrypt the disk on site, then re-run'
}
