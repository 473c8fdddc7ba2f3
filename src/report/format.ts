import { Chalk, type ChalkInstance } from 'chalk';

export type ReportFormat = 'text' | 'json' | 'csv';
export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'json', 'csv'];

export interface FormatOptions {
  color?: boolean; // default false; the command line decides (TTY, NO_COLOR, --no-color)
}

export function createStyle(options: FormatOptions = {}): ChalkInstance {
  return new Chalk({ level: options.color ? 1 : 0 });
}

/** Stable, indented JSON with a trailing newline. */
export function formatJson(data: unknown): string {
  return `${JSON.stringify(data, null, 2)}\n`;
}
