export { quotePosix, quotePowerShell, encodePowerShellCommand, decodePowerShellCommand, QuoteError } from './quote.js';
export { formatPosixPrelude, formatPowerShellPrelude, toShellName, secretVarName } from './prelude.js';
export { compileTemplate, TemplateError, type RenderFn } from './engine.js';
