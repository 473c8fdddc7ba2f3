import { execa, type Result } from 'execa';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/homeshift.js', import.meta.url));

/** Runs the built CLI as a real child process (npm test builds dist/ first). */
export async function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number; input?: string } = {}): Promise<Result> {
  return execa(process.execPath, [BIN, ...args], {
    cwd: opts.cwd,
    env: { NO_COLOR: '1', ...opts.env },
    reject: false,
    timeout: opts.timeoutMs ?? 120_000,
    input: opts.input,
    stdin: opts.input === undefined ? 'ignore' : undefined,
  });
}

/** The machine-finished events of a `--json` run. */
export function machineResults(stdout: string): { machine: string; status: string; errorClass: string | null; steps: { step: string; status: string }[] }[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l))
    .filter((e) => e.kind === 'machine-finished')
    .map((e) => e.result);
}
