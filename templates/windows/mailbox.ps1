# Mailbox mapping: Outlook imports homeshift's profile file (personal + shared mailboxes) on its next start.
$HsOutlookSetup = 'HKLM:\SOFTWARE\Microsoft\Office\16.0\Outlook\Setup'

function Get-HsPrf {
  Join-Path $HS_ROOT 'ProgramData\homeshift\outlook.prf'
}

function Test-HsState {
  $current = (Get-ItemProperty -Path $HsOutlookSetup -Name ImportPRF -ErrorAction SilentlyContinue).ImportPRF
  if ($current -eq (Get-HsPrf)) { return $true }
  Write-HsError "Outlook does not import $(Get-HsPrf)"
  return $false
}

function Invoke-HsApply {
  if (-not (Test-Path -Path $HsOutlookSetup)) { New-Item -Path $HsOutlookSetup -Force | Out-Null }
  Set-ItemProperty -Path $HsOutlookSetup -Name ImportPRF -Type String -Value (Get-HsPrf)
  Remove-ItemProperty -Path $HsOutlookSetup -Name FirstRun -ErrorAction SilentlyContinue
}
