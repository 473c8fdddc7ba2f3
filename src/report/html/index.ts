export { gatherReportData } from './gather.js';
export type { HtmlReportData, MachineRow, MachineState, ReportInput, ReportMachine, ReportSite } from './gather.js';
export { renderHtmlReport } from './page.js';
export { countOf, escapeHtml } from './escape.js';
