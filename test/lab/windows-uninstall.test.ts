/**
 * Removal on a Windows lab PC, through the simulated commands in real pwsh as a machine program calls them: winget
 * uninstall.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WINGET_NOT_FOUND } from '../../src/lab/windows/winget-tool.js';
import { installWindowsPc } from '../../src/lab/windows/windows-pc.js';
import { runScriptOnWindowsPc } from '../../src/lab/windows/run-script.js';
import { PWSH_MISSING, pwshAvailable } from '../support/pwsh.js';

const describeWindows = pwshAvailable() ? describe : describe.skip;
if (!pwshAvailable()) console.warn(PWSH_MISSING);

let base: string;
let pc: string;
let scripts = 0;

beforeAll(async () => {
  if (!pwshAvailable()) return;
  base = await mkdtemp(join(tmpdir(), 'hs-winrm-'));
  pc = join(base, 'WIN-1');
  await installWindowsPc(pc);
});

afterAll(async () => {
  if (base) await rm(base, { recursive: true, force: true });
});

const put = async (file: string, text: string) => {
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, text);
};

/** Runs a script on the PC; its output lines. */
async function ps(script: string): Promise<string[]> {
  const file = join(base, `script-${++scripts}.ps1`);
  await writeFile(file, `$ErrorActionPreference = 'Stop'\n${script}`);
  const ran = await runScriptOnWindowsPc(pc, 'WIN-1', file);
  expect(ran.stderr).toBe('');
  expect(ran.exitCode).toBe(0);
  return ran.stdout.trim().split('\n');
}

describeWindows('removal on a Windows lab PC', () => {
  test('winget uninstall removes what winget installed; what is not installed answers as winget list does', async () => {
    await put(join(pc, '.sim', 'fail', 'winget_uninstall_Contoso.Locked'), '1\nUninstall failed with exit code: 1603\n');
    const out = await ps(`winget install --id Contoso.App --version 1.2.3 --exact --silent | Out-Null
winget install --id Contoso.Locked --exact | Out-Null
$said = winget uninstall --id Contoso.App --version 1.0.0 --exact --silent --accept-source-agreements --disable-interactivity
"other version: $LASTEXITCODE $said"
$said = winget uninstall --id Contoso.App -e -h --accept-source-agreements --disable-interactivity
"uninstall: $LASTEXITCODE"
$said
winget list --id Contoso.App --exact | Out-Null
"list: $LASTEXITCODE"
$said = winget uninstall --id Contoso.App --exact --silent --accept-source-agreements --disable-interactivity
"again: $LASTEXITCODE $said"
$said = winget uninstall --id Contoso.Locked --exact --silent
"failed: $LASTEXITCODE $said"
winget list --id Contoso.Locked --exact | Out-Null
"still listed: $LASTEXITCODE"`);
    expect(out).toEqual([
      `other version: ${WINGET_NOT_FOUND} No installed package found matching input criteria.`,
      'uninstall: 0',
      'Found Contoso.App [Contoso.App]',
      'Starting package uninstall...',
      'Successfully uninstalled',
      `list: ${WINGET_NOT_FOUND}`,
      `again: ${WINGET_NOT_FOUND} No installed package found matching input criteria.`,
      'failed: 1 Uninstall failed with exit code: 1603',
      'still listed: 0',
    ]);
    expect(existsSync(join(pc, '.sim', 'state', 'winget', 'Contoso.App'))).toBe(false);
  }, 120_000);

});
