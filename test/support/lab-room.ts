import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Room for tests that are about something else than limits (leases, concurrency): a lab repository's connect limit
 * of 10 s, step limit of 15 s and PC limit of 120 s become 60 s, 120 s and 600 s, since 90 sessions of three
 * controllers share two cores with the rest of the suite.
 */
export async function roomyLimits(projectDir: string): Promise<void> {
  const config = join(projectDir, 'homeshift.yaml');
  const text = await readFile(config, 'utf8');
  const roomy = text.replace(/^ {2}connectTimeout: \d+$/m, '  connectTimeout: 60').replace(/^ {2}stepTimeout: \d+$/m, '  stepTimeout: 120').replace(/^ {2}machineTimeout: \d+$/m, '  machineTimeout: 600');
  if (roomy === text) throw new Error(`${config}: no limits to give room to`);
  await writeFile(config, roomy);
}

/** The PCs of a `rollout --json` that did not end ok, changed or busy, with their class and message: what to show on a failure. */
export function failedPcs(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { kind: string; result?: { machine: string; status: string; errorClass: string | null; message: string | null } })
    .filter((e) => e.kind === 'machine-finished' && !['ok', 'changed', 'busy'].includes(e.result!.status))
    .map((e) => `${e.result!.machine} ${e.result!.status} ${e.result!.errorClass}: ${e.result!.message}`);
}
