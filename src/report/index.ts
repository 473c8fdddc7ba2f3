export { REPORT_FORMATS, createStyle, formatJson } from './format.js';
export type { FormatOptions, ReportFormat } from './format.js';
export { quoteCsvField, toCsv } from './csv.js';
export type { Cell } from './csv.js';
export { formatTable } from './text-table.js';
export { formatStatus } from './status-format.js';
export { formatErrors } from './errors-format.js';
export { formatMachineLog } from './log-format.js';
export { formatPreflight } from './preflight-format.js';
