/**
 * The PowerShell functions every windows machine program starts with; mirrors the sh runtime.
 * Step scripts report problems with Write-HsError and signal failure by throwing, never by exit.
 */
export const POWERSHELL_RUNTIME = `$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$HS__Tmp = Join-Path ([System.IO.Path]::GetTempPath()) ('homeshift-' + [guid]::NewGuid().ToString('N'))
$HS__Failed = $false
$global:HsStderr = [System.Collections.Generic.List[string]]::new()

function Write-HsError([string]$Message) { $global:HsStderr.Add($Message) }
# The console's code page is left as the PC has it: native tools write in it (the OEM code page, cp850 on a German
# Windows) and PowerShell reads their output back with it, so their words arrive as text. What this program writes
# itself is ASCII (markers, base64 of UTF-8), the same in every code page.
# PowerShell's complaint about a native error stream that is not all CLIXML: the messages come through on their own.
function Test-HsNoise($Record) { $Record -is [System.Management.Automation.ErrorRecord] -and "$($Record.FullyQualifiedErrorId)" -like 'ProcessStreamReader_CliXmlError*' }
# Invoke-HsNative TOOL ARGS...: the tool's output and error lines in order, as text; $LASTEXITCODE is the tool's.
# Continue, because Windows PowerShell 5.1 makes a redirected native error line terminating under Stop and the
# lines after it would be lost. No declared parameters: every argument (-f, -File) goes to the tool untouched.
function Invoke-HsNative {
  $ErrorActionPreference = 'Continue'
  $tool = $args[0]
  $rest = @($args | Select-Object -Skip 1)
  & $tool @rest 2>&1 | ForEach-Object { if (-not (Test-HsNoise $_)) { "$_".TrimEnd([char]13, [char]10) } }
}
# A file of the plan below the root, as a path .NET can use: resolved by PowerShell, not by string edits.
function Get-HsPath([string]$Relative) { $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath((Join-Path $HS_ROOT $Relative)) }
function Write-HsMarker([string]$Text) { [Console]::Out.WriteLine('@@HS:' + $HS__Nonce + ':' + $Text); [Console]::Out.Flush() }
# A step's apply calls this when what it did takes effect only after a restart (msiexec 3010/1641): the step
# stays changed and its result says the PC waits for a reboot. $Index is the step Invoke-HsStep runs.
function Request-HsReboot { $global:HsRebootRequested = $true; Write-HsMarker "reboot $Index" }
function Test-HsRebootRequested { $global:HsRebootRequested -eq $true }
# A bundle's apply calls this for each package it installed (not one it found at the version): only those are ever
# removed again. Via: winget, msi (the id is the product code), exe (the package name).
function Register-HsInstalled([string]$Via, [string]$Id) { Write-HsMarker "installed $Index $Via $([uri]::EscapeDataString($Id))" }
# Someone is logged on to the PC, at its console or over Remote Desktop: quser lists their sessions and exits 0, with
# nobody it exits 1 (homeshift's own SSH session is not among them). What cannot be told counts as logged on.
function Test-HsLoggedOn {
  try {
    $null = Invoke-HsNative quser.exe
    return ($LASTEXITCODE -eq 0)
  } catch {
    try { return [bool](Get-CimInstance -ClassName Win32_ComputerSystem).UserName } catch { return $true }
  }
}

function ConvertTo-HsTail($Lines) {
  if ($Lines.Count -eq 0) { return '-' }
  $bytes = [System.Text.Encoding]::UTF8.GetBytes(($Lines -join "\`n") + "\`n")
  if ($bytes.Length -gt 2048) { $bytes = [byte[]]$bytes[($bytes.Length - 2048)..($bytes.Length - 1)] }
  return [Convert]::ToBase64String($bytes)
}

# Runs one phase and returns its exit code, as sh reports a function's: Test phases pass when their last
# boolean output is $true; the others when nothing is thrown and the last native command exited 0.
# A throw after a failed native command reports that command's exit code.
function Invoke-HsPhase([scriptblock]$Body, [bool]$IsTest, $Out, $Err) {
  $global:HsStderr = [System.Collections.Generic.List[string]]::new()
  $values = [System.Collections.Generic.List[bool]]::new()
  $global:LASTEXITCODE = 0
  try {
    & $Body 2>&1 | ForEach-Object {
      if (Test-HsNoise $_) { }
      elseif ($_ -is [System.Management.Automation.ErrorRecord]) { $Err.Add("$_".TrimEnd([char]13, [char]10)) }
      elseif ($_ -is [bool]) { $values.Add($_) }
      elseif ($null -ne $_) { $Out.Add("$_") }
    }
  } catch {
    $Err.AddRange($global:HsStderr)
    $Err.Add($_.Exception.Message)
    if ($global:LASTEXITCODE -is [int] -and $global:LASTEXITCODE -ne 0) { return $global:LASTEXITCODE }
    return 1
  }
  $Err.AddRange($global:HsStderr)
  if ($IsTest) {
    if ($values.Count -gt 0 -and $values[$values.Count - 1]) { return 0 }
    return 1
  }
  if ($global:LASTEXITCODE -is [int] -and $global:LASTEXITCODE -ne 0) { return $global:LASTEXITCODE }
  return 0
}

function Test-HsFiles($Files, $Out) {
  foreach ($file in $Files) {
    $dest = Get-HsPath $file.Path
    $same = (Test-Path -LiteralPath $dest -PathType Leaf) -and ([Convert]::ToBase64String([System.IO.File]::ReadAllBytes($dest)) -eq $file.Data)
    if (-not $same) { $Out.Add("file $($file.Path) differs from the plan"); return $false }
  }
  return $true
}

function Write-HsFiles($Files) {
  foreach ($file in $Files) {
    $dest = Get-HsPath $file.Path
    New-Item -ItemType Directory -Force -Path (Split-Path -Parent $dest) | Out-Null
    $new = "$dest.hs-new"
    [System.IO.File]::WriteAllBytes($new, [Convert]::FromBase64String($file.Data))
    Move-Item -LiteralPath $new -Destination $dest -Force
  }
}

function Invoke-HsStep([int]$Index, [bool]$CheckOnly, [string]$Script, $Files) {
  $out = [System.Collections.Generic.List[string]]::new()
  $err = [System.Collections.Generic.List[string]]::new()
  $clock = [System.Diagnostics.Stopwatch]::StartNew()
  $end = {
    param($Status, $Code, $Phase)
    Write-HsMarker "end $Index $Status $Code $($clock.ElapsedMilliseconds) $(ConvertTo-HsTail $out) $(ConvertTo-HsTail $err) $Phase"
    return ($Status -ne 'failed')
  }
  $global:HsStderr = [System.Collections.Generic.List[string]]::new()
  try { . ([scriptblock]::Create($Script)) } catch { $err.AddRange($global:HsStderr); $err.Add($_.Exception.Message); return (& $end 'failed' 2 'script') }
  $check = { if (Test-HsFiles $Files $out) { Test-HsState } else { $false } }
  if ((Invoke-HsPhase $check $true $out $err) -eq 0) { return (& $end 'ok' 0 'check') }
  if ($CheckOnly) { return (& $end 'failed' 1 'check') }
  if ($HS__Mode -eq 'check') { return (& $end 'would-change' '-' 'check') }
  # a disturbing step outside its window, or with a user logged on, is left for later: nothing of it runs
  if ("$HS__DEFER") { return (& $end 'deferred' '-' 'window') }
  if ("$HS__UNLESS_LOGGED_ON" -eq '1' -and (Test-HsLoggedOn)) { return (& $end 'deferred' '-' 'logon') }
  $code = Invoke-HsPhase { Write-HsFiles $Files; Invoke-HsApply } $false $out $err
  if ($code -ne 0) { return (& $end 'failed' $code 'apply') }
  $verify = if (Get-Command Test-HsVerify -CommandType Function -ErrorAction SilentlyContinue) { { if (Test-HsFiles $Files $out) { Test-HsVerify } else { $false } } } else { $check }
  $code = Invoke-HsPhase $verify $true $out $err
  if ($code -ne 0) { return (& $end 'failed' $code 'verify') }
  if ("$HS__RESTART" -eq '1') { Request-HsReboot }
  return (& $end 'changed' 0 'apply')
}
`;
