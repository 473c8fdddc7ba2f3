# Restart: the PC waits for a reboot (HS_REBOOT_PENDING: the journal says so; or a step of this run asked for one,
# msiexec 3010/1641 or a package marked restart: true). The restart is scheduled a minute ahead, so this run still
# reports; homeshift sends it only inside the site's window of time and, unless allowed, with nobody logged on.
function Test-HsState {
  return (-not ($HS_REBOOT_PENDING -eq '1' -or (Test-HsRebootRequested)))
}

function Invoke-HsApply {
  Invoke-HsNative shutdown.exe /r /t 60 /d p:4:1 /c 'homeshift: restart after software installation'
  # 1190: a restart is already scheduled, which is what this step wants
  if ($LASTEXITCODE -eq 1190) { $global:LASTEXITCODE = 0 }
  if ($LASTEXITCODE -ne 0) { throw "shutdown.exe exited $LASTEXITCODE" }
}

function Test-HsVerify { return $true }
