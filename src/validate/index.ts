export { validateProject, sortDiagnostics } from './validate-project.js';
export { resolveProfileChain, chainOrNull, type ProfileChain } from './profile-chain.js';
export { IN_PROCESS_RULES, RULES } from './rules/index.js';
export { effectivePort } from './rules/machine-rules.js';
export { isMailbox } from './rules/mailbox-rules.js';
export type { Rule } from './rule.js';
export { formatDiagnosticsJson, formatDiagnosticsJunit, formatDiagnosticsText } from './format.js';
