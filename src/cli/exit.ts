/** Exit codes (README lists them): 0 all good, 1 usage, 2 invalid input, 3 some machines failed, 4 halted by the failure threshold, 130 interrupted, 70 internal error. */
export const EXIT = { ok: 0, usage: 1, invalid: 2, failed: 3, halted: 4, internal: 70, interrupted: 130 } as const;

/** A problem the user can fix; main prints the message (no stack) and exits with the code. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(message, EXIT.usage);
export const inputError = (message: string) => new CliError(message, EXIT.invalid);

/** The code the current command ends with; actions set it, main returns it. */
export const outcome = { code: EXIT.ok as number };
export function setExit(code: number): void {
  outcome.code = code;
}
