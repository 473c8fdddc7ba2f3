import type { RunMode } from '../model/result.js';

export interface ProgramOptions {
  mode: RunMode;
  secrets: Record<string, string>; // values by secret name; only the ones the steps name are used
  nonce: string; // marks the result lines; a step's own output cannot forge them
}
