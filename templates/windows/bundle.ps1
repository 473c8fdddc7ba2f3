# Software bundle: every package at its planned version, installed where not.
# HS_PACKAGES holds one "wingetId=version" per line (winget list / winget install).
# HS_MSI_PACKAGES one "productCode<TAB>version<TAB>name<TAB>path<TAB>msiexec arguments" per line: detected as Intune's
# MSI rule does (the product code's uninstall key, DisplayVersion at least the version), installed with msiexec.
# HS_EXE_PACKAGES one "name<TAB>version<TAB>path<TAB>arguments<TAB>rule<TAB>target<TAB>least version[<TAB>uninstall]" per line;
# rule file (target: the file, its VersionInfo), uninstall-key (target: the key name) or display-name (a DisplayName pattern).
# msiexec's 3010 and 1641 mean installed, reboot required: the step is changed and the PC waits for a reboot.
# HS_SOURCES one "sha256<TAB>url|push|unc<TAB>location<TAB>credential variable<TAB>cache path<TAB>package" per line: the
# installer files the PC gets into its package cache (docs/package-sources.md); each is verified by its SHA-256 before
# anything of the bundle runs, and a file already in the cache with that hash is used as it is. A download that broke
# off stays in the cache as <name>.partial and the next attempt fetches only the rest.

# winget with its stderr merged into its output, through the runtime's Invoke-HsNative; $LASTEXITCODE decides.
function Invoke-HsWinget { Invoke-HsNative winget @args }

function Get-HsMissing {
  foreach ($line in ($HS_PACKAGES -split "`n")) {
    if (-not $line) { continue }
    $id, $version = $line -split '=', 2
    $listed = (Invoke-HsWinget list --id $id --exact --accept-source-agreements --disable-interactivity) -join "`n"
    if ($LASTEXITCODE -eq 0 -and $listed -match "(^|\s)$([regex]::Escape($version))(\s|$)") { continue }
    [pscustomobject]@{ Id = $id; Version = $version }
  }
}

$HS__Uninstall = @('HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall', 'HKLM:\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall')

# The leading dotted numbers of a version text as [version] ("24.08 (x64)" is 24.8), $null when it has none.
function ConvertTo-HsVersion([string]$Text) {
  if ("$Text".Trim() -notmatch '^\d+(\.\d+){0,3}') { return $null }
  $v = $Matches[0]
  if ($v -notmatch '\.') { $v += '.0' }
  return [version]$v
}

function Test-HsAtLeast([string]$Found, [string]$Wanted) {
  $f = ConvertTo-HsVersion $Found
  return ($null -ne $f -and $f -ge (ConvertTo-HsVersion $Wanted))
}

function Get-HsLines([string]$Text) { @(("$Text" -split "`n") | Where-Object { $_ }) }

# The DisplayVersion of an uninstall key (64-bit view, then the 32-bit one), $null when neither has the key.
function Get-HsUninstallVersion([string]$Key) {
  foreach ($root in $HS__Uninstall) {
    $path = $root + '\' + $Key
    if (-not (Test-Path -LiteralPath $path)) { continue }
    $entry = Get-ItemProperty -LiteralPath $path
    if ($entry -and $entry.DisplayVersion) { return [string]$entry.DisplayVersion }
  }
  return $null
}

function Get-HsDisplayNameVersion([string]$Pattern) {
  foreach ($root in $HS__Uninstall) {
    if (-not (Test-Path -LiteralPath $root)) { continue }
    foreach ($key in @(Get-ChildItem -LiteralPath $root)) {
      $entry = Get-ItemProperty -LiteralPath $key.PSPath
      if ($entry -and "$($entry.DisplayName)" -like $Pattern -and $entry.DisplayVersion) { return [string]$entry.DisplayVersion }
    }
  }
  return $null
}

# A path on the system drive is looked up below the root (C:\ on a PC).
function Get-HsFileVersion([string]$Path) {
  $local = if ($Path -match '^[Cc]:\\(.*)$') { Get-HsPath ($Matches[1] -replace '\\', '/') } else { $Path }
  if (-not (Test-Path -LiteralPath $local -PathType Leaf)) { return $null }
  $info = (Get-Item -LiteralPath $local).VersionInfo
  if ($null -eq $info) { return $null }
  return "$($info.FileMajorPart).$($info.FileMinorPart).$($info.FileBuildPart).$($info.FilePrivatePart)"
}

function Get-HsMissingMsi {
  foreach ($line in (Get-HsLines $HS_MSI_PACKAGES)) {
    $code, $version, $name, $path, $arguments = $line -split "`t"
    if (Test-HsAtLeast (Get-HsUninstallVersion $code) $version) { continue }
    [pscustomobject]@{ Id = $name; Version = $version; ProductCode = $code; Path = $path; Arguments = $arguments }
  }
}

function Get-HsMissingExe {
  foreach ($line in (Get-HsLines $HS_EXE_PACKAGES)) {
    $name, $version, $path, $arguments, $rule, $target, $least, $uninstall = $line -split "`t"
    $found = switch ($rule) {
      'file' { Get-HsFileVersion $target }
      'uninstall-key' { Get-HsUninstallVersion $target }
      default { Get-HsDisplayNameVersion $target }
    }
    if (Test-HsAtLeast $found $least) { continue }
    [pscustomobject]@{ Id = $name; Version = $version; Path = $path; Arguments = $arguments }
  }
}

# What msiexec's exit codes mean (https://learn.microsoft.com/windows/win32/msi/error-codes), for the error line.
$HS__MsiExit = @{
  1602 = 'the installation was cancelled'
  1603 = 'fatal error during installation'
  1618 = 'another installation is already in progress'
  1619 = 'the installation package could not be opened (missing or no access on the share)'
  1620 = 'the installation package could not be opened (not a valid package)'
  1625 = 'the installation is forbidden by system policy'
  1633 = 'the package is not supported on this platform'
  1638 = 'another version of this product is already installed'
  1639 = 'invalid command line argument'
}

# Runs an installer to its end; returns its exit code.
function Invoke-HsInstaller([string]$FilePath, [string]$Arguments) {
  $start = @{ FilePath = $FilePath; Wait = $true; PassThru = $true; NoNewWindow = $true }
  if ($Arguments) { $start.ArgumentList = $Arguments }
  $process = Start-Process @start
  # a process handle that was never read can report no exit code: never take that for success
  if ($null -eq $process -or $null -eq $process.ExitCode) { throw "$FilePath reported no exit code" }
  return [int]$process.ExitCode
}

# 0 done; 3010 and 1641 done, the PC must restart; anything else fails the step with what the code means.
function Complete-HsInstall([string]$What, [int]$Code) {
  if ($Code -eq 3010 -or $Code -eq 1641) {
    Write-Output "$What`: installed, exit $Code - a reboot is required"
    Request-HsReboot
    return
  }
  if ($Code -ne 0) {
    $meaning = $HS__MsiExit[$Code]
    $why = if ($meaning) { " ($meaning)" } else { '' }
    $global:LASTEXITCODE = $Code
    throw "$What exited $Code$why"
  }
  Write-Output "$What`: installed"
}

$HS__SecondHop = 'is on a share, and a PC reached by an SSH key has no network credentials in its session (the second hop); ' +
  'give the package a source instead: url (a distribution point), push (sent over SSH) or unc with a credential'

function Get-HsSources {
  foreach ($line in (Get-HsLines $HS_SOURCES)) {
    $sha256, $kind, $location, $credential, $cache, $name = $line -split "`t"
    [pscustomobject]@{ Sha256 = $sha256; Kind = $kind; Location = $location; Credential = $credential; Cache = $cache; Name = $name }
  }
}

function Get-HsSha256([string]$Path) { (Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash.ToLowerInvariant() }

# Copies a file from a share mapped for this copy only, with the credential ("user:password") of the source.
function Copy-HsFromShare($Source, [string]$Destination) {
  if ($Source.Location -notmatch '^(\\\\[^\\]+\\[^\\]+)\\(.+)$') { throw "$($Source.Location) is not a share path \\server\share\..." }
  $root = $Matches[1]
  $rest = $Matches[2]
  $user, $password = (Get-Variable -Name $Source.Credential -ValueOnly) -split ':', 2
  $credential = New-Object System.Management.Automation.PSCredential($user, (ConvertTo-SecureString -String "$password" -AsPlainText -Force))
  $drive = 'HsPackages' + [guid]::NewGuid().ToString('N').Substring(0, 8)
  New-PSDrive -Name $drive -PSProvider FileSystem -Root $root -Credential $credential | Out-Null
  try { Copy-Item -LiteralPath ($drive + ':\' + $rest) -Destination $Destination -Force }
  finally { Remove-PSDrive -Name $drive -Force -ErrorAction SilentlyContinue }
}

# Downloads a url into the .partial file, resuming what an earlier attempt left there (Range: bytes=N-): a 206 from
# that byte on is appended, any other answer (a server that does not resume sends 200 and the whole file) starts over,
# 416 means the file is whole already. HttpWebRequest, because it works alike on Windows PowerShell 5.1 and pwsh 7.
function Receive-HsUrl($Source, [string]$Partial) {
  [Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12
  $offset = [long]0
  if (Test-Path -LiteralPath $Partial -PathType Leaf) { $offset = [long](Get-Item -LiteralPath $Partial).Length }
  $request = [System.Net.HttpWebRequest]::Create($Source.Location)
  $request.AllowAutoRedirect = $true
  if ($offset -gt 0) { $request.AddRange($offset) }
  try { $response = $request.GetResponse() }
  catch {
    $failed = $_.Exception
    while ($null -ne $failed.InnerException -and -not ($failed -is [System.Net.WebException])) { $failed = $failed.InnerException }
    $answer = if ($failed -is [System.Net.WebException]) { $failed.Response } else { $null }
    if ($offset -gt 0 -and $null -ne $answer -and [int]$answer.StatusCode -eq 416) { $answer.Close(); return }
    throw
  }
  $append = $offset -gt 0 -and [int]$response.StatusCode -eq 206 -and "$($response.Headers['Content-Range'])" -match "^bytes $offset-"
  $mode = if ($append) { [System.IO.FileMode]::Append } else { [System.IO.FileMode]::Create }
  $expected = $response.ContentLength
  $out = $null
  $got = [long]0
  $why = $null
  try {
    $out = New-Object System.IO.FileStream($Partial, $mode, ([System.IO.FileAccess]::Write))
    $start = $out.Length
    try { $response.GetResponseStream().CopyTo($out, 1048576) } catch { $why = $_.Exception.Message }
    $got = $out.Length - $start
  } finally {
    if ($null -ne $out) { $out.Close() }
    $response.Close()
  }
  if ($null -eq $why -and $expected -ge 0 -and $got -ne $expected) { $why = "$got of $expected bytes" }
  if ($null -ne $why) {
    $kept = (Get-Item -LiteralPath $Partial).Length
    throw "$($Source.Location): download broken off ($why); $kept bytes kept in the package cache, resumed on the next attempt"
  }
}

# The installer file in the package cache, fetched unless it is there with its hash; verified before it is kept.
function Save-HsCachedFile($Source) {
  $file = Get-HsPath $Source.Cache
  if (Test-Path -LiteralPath $file -PathType Leaf) {
    $found = Get-HsSha256 $file
    if ($found -eq $Source.Sha256) {
      Write-Output "$($Source.Name): $(Split-Path -Leaf $file) from the package cache"
      return
    }
    # a pushed file is checked by its size only when sent: a wrong one goes, so the next run pushes it again
    if ($Source.Kind -eq 'push') {
      Remove-Item -LiteralPath $file -Force
      $global:LASTEXITCODE = 1
      throw "installer hash mismatch: $($Source.Name): $($Source.Location): expected $($Source.Sha256), found $found"
    }
  }
  if ($Source.Kind -eq 'push') { throw "$($Source.Name): $($Source.Location) was not pushed into the package cache" }
  New-Item -ItemType Directory -Force -Path (Split-Path -Parent $file) | Out-Null
  $part = "$file.partial"
  if ($Source.Kind -eq 'url') { Receive-HsUrl $Source $part }
  else { Copy-HsFromShare $Source $part }
  $found = Get-HsSha256 $part
  if ($found -ne $Source.Sha256) {
    Remove-Item -LiteralPath $part -Force
    $global:LASTEXITCODE = 1
    throw "installer hash mismatch: $($Source.Name): $($Source.Location): expected $($Source.Sha256), found $found"
  }
  Move-Item -LiteralPath $part -Destination $file -Force
  Write-Output "$($Source.Name): $(Split-Path -Leaf $file) fetched ($($Source.Kind)), SHA-256 verified"
}

# Every file the missing packages need, in the cache and verified, before the first installer runs.
function Save-HsInstallers($Packages) {
  $paths = @($Packages | ForEach-Object { $_.Path })
  foreach ($source in @(Get-HsSources)) {
    $onPc = 'C:\' + ($source.Cache -replace '/', '\')
    if ($paths -contains $onPc) { Save-HsCachedFile $source }
  }
}

function Test-HsState {
  $missing = @(Get-HsMissing) + @(Get-HsMissingMsi) + @(Get-HsMissingExe)
  if ($missing.Count -eq 0) { return $true }
  Write-Output ("bundle $HS_BUNDLE_NAME $HS_BUNDLE_VERSION`: not at the planned version: " + (($missing | ForEach-Object { "$($_.Id)=$($_.Version)" }) -join ' '))
  return $false
}

function Invoke-HsApply {
  $msi = @(Get-HsMissingMsi)
  $exe = @(Get-HsMissingExe)
  Save-HsInstallers ($msi + $exe)
  foreach ($package in @(Get-HsMissing)) {
    $output = @(Invoke-HsWinget install --id $package.Id --version $package.Version --exact --silent --accept-package-agreements --accept-source-agreements --disable-interactivity)
    $code = $LASTEXITCODE
    $output | ForEach-Object { Write-Output "$_" }
    # winget reports why on its output: the last line goes into the error, so the cause names it
    $why = if ($output.Count -gt 0) { ': ' + "$($output[$output.Count - 1])".Trim() } else { '' }
    if ($code -ne 0) { throw "winget install $($package.Id) $($package.Version) exited $code$why" }
    Register-HsInstalled 'winget' $package.Id
  }
  foreach ($package in $msi) {
    $code = Invoke-HsInstaller 'msiexec.exe' $package.Arguments
    if ($code -eq 1619 -and $package.Path.StartsWith('\\')) { $global:LASTEXITCODE = $code; throw "msiexec $($package.Id) $($package.Version) exited 1619: $($package.Path) $HS__SecondHop" }
    Complete-HsInstall "msiexec $($package.Id) $($package.Version)" $code
    Register-HsInstalled 'msi' $package.ProductCode
  }
  foreach ($package in $exe) {
    try { $code = Invoke-HsInstaller $package.Path $package.Arguments }
    catch { if ($package.Path.StartsWith('\\')) { throw "installer $($package.Id) $($package.Version): $($_.Exception.Message): $($package.Path) $HS__SecondHop" } else { throw } }
    Complete-HsInstall "installer $($package.Id) $($package.Version)" $code
    Register-HsInstalled 'exe' $package.Id
  }
}
