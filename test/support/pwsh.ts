import { findPwsh, PWSH_HINT } from '../../src/shell/pwsh-path.js';

/** Is PowerShell 7 here (PATH or ~/.dotnet/tools)? Tests of Windows PCs need it. */
export function pwshAvailable(): boolean {
  return findPwsh() !== null;
}

export const PWSH_MISSING = `PowerShell 7 (pwsh) is not installed; ${PWSH_HINT}: Windows PowerShell tests skipped`;
