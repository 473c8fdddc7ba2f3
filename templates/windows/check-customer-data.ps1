# Data protection: no customer data stored locally under C:\Users (files matching the configured patterns).
# Check only: the files belong to someone; homeshift lists them and never deletes them.
function Test-HsState {
  $dir = Join-Path $HS_ROOT $HS_CUSTOMER_DATA_DIR
  if (-not (Test-Path -LiteralPath $dir)) { return $true }
  $patterns = @($HS_CUSTOMER_DATA_PATTERNS -split "`n" | Where-Object { $_ })
  $found = @(Get-ChildItem -LiteralPath $dir -Recurse -File -Force -ErrorAction SilentlyContinue |
      Where-Object { $name = $_.Name; @($patterns | Where-Object { $name -like $_ }).Count -gt 0 } |
      Sort-Object FullName)
  if ($found.Count -eq 0) { return $true }
  $found | Select-Object -First 50 | ForEach-Object { Write-Output $_.FullName }
  Write-HsError "customer data stored locally: $($found.Count) file(s), e.g. $($found[0].FullName)"
  return $false
}

function Invoke-HsApply {
  throw 'customer data must be removed by its owner: move the listed files to the share, then re-run'
}
