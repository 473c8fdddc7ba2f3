export { buildMachineProgram } from './machine-program.js';
export { createResultParser, type ParsedEvent, type ResultParser } from './result-parser.js';
export { buildPosixProgram, POSIX_COMMAND, posixCommand } from './posix-program.js';
export { buildPowerShellProgram, encodePowerShellProgram, POWERSHELL_BOOTSTRAP, POWERSHELL_COMMAND } from './powershell-program.js';
export { MissingSecretError } from './secrets.js';
export { findPwsh, PWSH_HINT } from './pwsh-path.js';
export { machineVars } from './machine-prelude.js';
export type { ProgramOptions } from './program-options.js';
export { pingCommand, PING_ANSWER } from './ping-program.js';
