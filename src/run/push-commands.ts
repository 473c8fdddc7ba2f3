import type { Os } from '../model/project.js';
import { encodePowerShellCommand, quotePosix } from '../render/quote.js';

/**
 * The two commands of a push on each OS. Both read what they need from stdin (paths and hashes travel as data):
 * `needs` takes lines "root<TAB>cache path<TAB>sha256" and prints "need I" for each file the PC does not have with
 * that hash; `receive` takes one such line, then the file's bytes, and keeps the file only when its hash is right.
 */
export interface PushCommands { needs: string; receive: string }

// stdin: lines "root<TAB>cache path<TAB>sha256"; prints the index of each file the PC still needs.
const WINDOWS_NEEDS = [
  "$ErrorActionPreference = 'Stop'",
  '$i = 0',
  'foreach ($line in ([Console]::In.ReadToEnd() -split "`n")) {',
  '  if (-not $line.Trim()) { continue }',
  '  $root, $rel, $sha256 = $line.Trim() -split "`t"',
  '  $file = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath((Join-Path $root $rel))',
  '  $have = (Test-Path -LiteralPath $file -PathType Leaf) -and ((Get-FileHash -LiteralPath $file -Algorithm SHA256).Hash.ToLowerInvariant() -eq $sha256)',
  '  if (-not $have) { "need $i" }',
  '  $i++',
  '}',
].join('\n');

// stdin: one line "root<TAB>cache path<TAB>sha256", then the file's bytes; kept only when its hash is right.
const WINDOWS_RECEIVE = [
  "$ErrorActionPreference = 'Stop'",
  '$in = [Console]::OpenStandardInput()',
  '$head = New-Object System.Collections.Generic.List[byte]',
  'while (($b = $in.ReadByte()) -ge 0 -and $b -ne 10) { $head.Add([byte]$b) }',
  '$root, $rel, $sha256 = [System.Text.Encoding]::UTF8.GetString($head.ToArray()) -split "`t"',
  '$file = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath((Join-Path $root $rel))',
  'New-Item -ItemType Directory -Force -Path (Split-Path -Parent $file) | Out-Null',
  '$part = "$file.partial"',
  '$out = [System.IO.File]::Create($part)',
  'try { $in.CopyTo($out, 1048576) } finally { $out.Close() }',
  '$found = (Get-FileHash -LiteralPath $part -Algorithm SHA256).Hash.ToLowerInvariant()',
  'if ($found -ne $sha256) { Remove-Item -LiteralPath $part -Force; [Console]::Error.WriteLine("installer hash mismatch: $rel`: expected $sha256, found $found"); exit 1 }',
  'Move-Item -LiteralPath $part -Destination $file -Force',
].join('\n');

const POSIX_NEEDS = [
  'tab=$(printf \'\\t\')',
  'i=0',
  'while IFS=$tab read -r root rel sha256 || [ -n "$root" ]; do',
  '  [ -n "$rel" ] || continue',
  '  file=${root%/}/$rel',
  '  sum=',
  '  [ ! -f "$file" ] || sum=$(sha256sum <"$file")',
  '  [ "${sum%% *}" = "$sha256" ] || echo "need $i"',
  '  i=$((i + 1))',
  'done',
].join('\n');

// read takes the head line byte by byte from the pipe, so cat gets exactly the file's bytes after it
const POSIX_RECEIVE = [
  'tab=$(printf \'\\t\')',
  'IFS=$tab read -r root rel sha256 || exit 1',
  'file=${root%/}/$rel',
  'mkdir -p "${file%/*}" || exit 1',
  'cat >"$file.partial" || exit 1',
  'sum=$(sha256sum <"$file.partial") || exit 1',
  'found=${sum%% *}',
  'if [ "$found" != "$sha256" ]; then rm -f "$file.partial"; echo "installer hash mismatch: $rel: expected $sha256, found $found" >&2; exit 1; fi',
  'mv -f "$file.partial" "$file"',
].join('\n');

const powershell = (script: string) => `powershell.exe -NoProfile -NonInteractive -EncodedCommand ${encodePowerShellCommand(script)}`;
const posix = (script: string) => `/bin/sh -c ${quotePosix(script)}`;

const COMMANDS: Record<Os, PushCommands> = {
  windows: { needs: powershell(WINDOWS_NEEDS), receive: powershell(WINDOWS_RECEIVE) },
  linux: { needs: posix(POSIX_NEEDS), receive: posix(POSIX_RECEIVE) },
};

export function pushCommands(os: Os): PushCommands {
  return COMMANDS[os];
}
