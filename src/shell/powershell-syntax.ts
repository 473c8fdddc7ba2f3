/**
 * Windows 10 PCs run Windows PowerShell 5.1, the control machine has PowerShell 7. A PowerShell text is checked
 * with PowerShell's own parser, and the syntax tree is walked for what only 7 understands (ternary, ??, ??=,
 * ?. and ?[], && and ||, ForEach-Object -Parallel, clean blocks). One pwsh process checks a whole batch.
 */
import { spawnSync } from 'node:child_process';
import { encodePowerShellCommand } from '../render/quote.js';
import { decodeClixml } from '../transport/clixml.js';

export interface PowerShellText {
  name: string; // for the caller: a file or a label
  text: string;
}

export interface PowerShellFinding {
  name: string;
  line: number; // 1-based
  col: number; // 1-based
  kind: 'parse-error' | 'not-in-5.1';
  message: string;
}

/** The checker pwsh runs: texts as JSON on stdin, findings as JSON on stdout. Itself 5.1 syntax. */
export const POWERSHELL_SYNTAX_CHECKER = String.raw`$ErrorActionPreference = 'Stop'
$items = @([Console]::In.ReadToEnd() | ConvertFrom-Json)

# The first token of one of these kinds at or after an offset: the operator a node is written with.
function Find-HsToken($Tokens, [string[]]$Kinds, [int]$From) {
  foreach ($token in $Tokens) {
    if ($token.Extent.StartOffset -ge $From -and $Kinds -contains "$($token.Kind)") { return $token.Extent }
  }
  return $null
}

function Get-HsGap($Node, $Tokens) {
  $type = $Node.GetType().Name
  if ($type -eq 'TernaryExpressionAst') {
    return @{ What = "the ternary operator '? :'"; At = (Find-HsToken $Tokens @('QuestionMark') $Node.Condition.Extent.EndOffset) }
  }
  if ($type -eq 'PipelineChainAst') {
    $operator = if ("$($Node.Operator)" -eq 'AndAnd') { '&&' } else { '||' }
    return @{ What = "the pipeline chain operator '$operator'"; At = (Find-HsToken $Tokens @('AndAnd', 'OrOr') $Node.LhsPipelineChain.Extent.EndOffset) }
  }
  if ($type -eq 'BinaryExpressionAst' -and "$($Node.Operator)" -eq 'QuestionQuestion') {
    return @{ What = "the null-coalescing operator '??'"; At = $Node.ErrorPosition }
  }
  if ($type -eq 'AssignmentStatementAst' -and "$($Node.Operator)" -eq 'QuestionQuestionEquals') {
    return @{ What = "the null-coalescing assignment '??='"; At = $Node.ErrorPosition }
  }
  if (($type -eq 'MemberExpressionAst' -or $type -eq 'InvokeMemberExpressionAst') -and $Node.NullConditional) {
    return @{ What = "the null-conditional member access '?.'"; At = (Find-HsToken $Tokens @('QuestionDot') $Node.Expression.Extent.EndOffset) }
  }
  if ($type -eq 'IndexExpressionAst' -and $Node.NullConditional) {
    return @{ What = "the null-conditional index '?[]'"; At = (Find-HsToken $Tokens @('QuestionLBracket') $Node.Target.Extent.EndOffset) }
  }
  if ($type -eq 'CommandAst' -and @('ForEach-Object', 'foreach', '%') -contains $Node.GetCommandName()) {
    foreach ($element in $Node.CommandElements) {
      if ($element.GetType().Name -eq 'CommandParameterAst' -and $element.ParameterName -like 'pa*') {
        return @{ What = 'ForEach-Object -Parallel'; At = $element.Extent }
      }
    }
  }
  if ($type -eq 'ScriptBlockAst' -and $null -ne $Node.CleanBlock) {
    return @{ What = "a 'clean' block"; At = $Node.CleanBlock.Extent }
  }
  return $null
}

$results = foreach ($item in $items) {
  $tokens = $null
  $errors = $null
  $ast = [System.Management.Automation.Language.Parser]::ParseInput([string]$item.text, [ref]$tokens, [ref]$errors)
  $findings = @()
  foreach ($parseError in $errors) {
    $findings += @{ line = $parseError.Extent.StartLineNumber; col = $parseError.Extent.StartColumnNumber; kind = 'parse-error'; message = $parseError.Message }
  }
  foreach ($node in $ast.FindAll({ param($n) $true }, $true)) {
    $gap = Get-HsGap $node $tokens
    if ($null -eq $gap) { continue }
    $at = if ($null -ne $gap.At) { $gap.At } else { $node.Extent }
    $findings += @{ line = $at.StartLineNumber; col = $at.StartColumnNumber; kind = 'not-in-5.1'; message = $gap.What }
  }
  @{ name = [string]$item.name; findings = $findings }
}
[Console]::Out.Write((ConvertTo-Json -InputObject @($results) -Depth 6 -Compress))
`;

interface CheckerResult {
  name: string;
  findings: { line: number; col: number; kind: PowerShellFinding['kind']; message: string }[];
}

/** Findings of every text, in order; throws when pwsh cannot be run or answers nonsense. */
export function checkPowerShellSyntax(texts: PowerShellText[], pwsh: string): PowerShellFinding[] {
  if (texts.length === 0) return [];
  const run = spawnSync(pwsh, ['-NoProfile', '-NonInteractive', '-EncodedCommand', encodePowerShellCommand(POWERSHELL_SYNTAX_CHECKER)], {
    input: JSON.stringify(texts.map((t, i) => ({ name: String(i), text: t.text }))),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  if (run.error) throw new Error(`cannot run ${pwsh}: ${run.error.message}`);
  if (run.status !== 0) {
    const why = decodeClixml(run.stderr).trim().split('\n').filter(Boolean).pop() ?? '';
    throw new Error(`${pwsh} ended with exit code ${run.status ?? run.signal}: ${why}`);
  }
  let results: CheckerResult[];
  try {
    results = JSON.parse(run.stdout) as CheckerResult[];
  } catch {
    throw new Error(`${pwsh} gave no readable answer to the syntax check: ${run.stdout.slice(0, 200)}`);
  }
  const out: PowerShellFinding[] = [];
  for (const result of results) {
    const text = texts[Number(result.name)];
    if (!text) continue;
    for (const f of result.findings ?? []) out.push({ name: text.name, line: f.line, col: f.col, kind: f.kind, message: describe(f.kind, f.message) });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.line - b.line || a.col - b.col));
}

function describe(kind: PowerShellFinding['kind'], message: string): string {
  if (kind === 'parse-error') return `PowerShell parse error: ${message}`;
  return `${message} is PowerShell 7 syntax; Windows 10 PCs run Windows PowerShell 5.1, which cannot parse it`;
}
