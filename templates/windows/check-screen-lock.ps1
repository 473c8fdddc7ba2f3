# Data protection: the screen locks after at most HS_SCREEN_LOCK_MINUTES (machine inactivity limit policy).
$HsPolicyKey = 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System'

function Test-HsState {
  $value = (Get-ItemProperty -Path $HsPolicyKey -Name InactivityTimeoutSecs -ErrorAction SilentlyContinue).InactivityTimeoutSecs
  if ($null -ne $value -and [int]$value -gt 0 -and [int]$value -le [int]$HS_SCREEN_LOCK_SECONDS) { return $true }
  Write-HsError "screen lock after '$value' seconds, at most $HS_SCREEN_LOCK_SECONDS allowed"
  return $false
}

function Invoke-HsApply {
  if (-not (Test-Path -Path $HsPolicyKey)) { New-Item -Path $HsPolicyKey -Force | Out-Null }
  Set-ItemProperty -Path $HsPolicyKey -Name InactivityTimeoutSecs -Type DWord -Value ([int]$HS_SCREEN_LOCK_SECONDS)
}
