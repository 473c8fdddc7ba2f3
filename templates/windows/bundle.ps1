# Software bundle: every package at its planned version (winget list), installed with winget where not.
# HS_PACKAGES holds one "wingetId=version" per line.

# winget with its stderr merged into its output. Windows PowerShell 5.1 turns redirected native stderr into
# errors that $ErrorActionPreference = 'Stop' makes terminating, so the call runs with Continue; $LASTEXITCODE decides.
function Invoke-HsWinget {
  $ErrorActionPreference = 'Continue'
  & winget @args 2>&1 | ForEach-Object { "$_" }
}

function Get-HsMissing {
  foreach ($line in ($HS_PACKAGES -split "`n")) {
    if (-not $line) { continue }
    $id, $version = $line -split '=', 2
    $listed = (Invoke-HsWinget list --id $id --exact --accept-source-agreements --disable-interactivity) -join "`n"
    if ($LASTEXITCODE -eq 0 -and $listed -match "(^|\s)$([regex]::Escape($version))(\s|$)") { continue }
    [pscustomobject]@{ Id = $id; Version = $version }
  }
}

function Test-HsState {
  $missing = @(Get-HsMissing)
  if ($missing.Count -eq 0) { return $true }
  Write-Output ("bundle $HS_BUNDLE_NAME $HS_BUNDLE_VERSION`: not at the planned version: " + (($missing | ForEach-Object { "$($_.Id)=$($_.Version)" }) -join ' '))
  return $false
}

function Invoke-HsApply {
  foreach ($package in @(Get-HsMissing)) {
    $output = @(Invoke-HsWinget install --id $package.Id --version $package.Version --exact --silent --accept-package-agreements --accept-source-agreements --disable-interactivity)
    $code = $LASTEXITCODE
    $output | ForEach-Object { Write-Output "$_" }
    # winget reports why on its output: the last line goes into the error, so the cause names it
    $why = if ($output.Count -gt 0) { ': ' + "$($output[$output.Count - 1])".Trim() } else { '' }
    if ($code -ne 0) { throw "winget install $($package.Id) $($package.Version) exited $code$why" }
  }
}
