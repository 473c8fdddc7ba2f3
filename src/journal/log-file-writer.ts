import { mkdirSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunEvent, RunListener, StepResult } from '../model/result.js';
import type { Redact } from './writer.js';

export interface LogFileWriter extends RunListener {
  readonly folder: string; // <journal dir>/logs/<RUN>
  close(): Promise<void>;
}

const SAFE_NAME = /[^A-Za-z0-9._-]/g;

function indent(label: string, text: string): string[] {
  const trimmed = text.replace(/\s+$/, '');
  return trimmed ? trimmed.split(/\r?\n/).map((line) => `    ${label}| ${line}`) : [];
}

function stepLines(at: string, s: StepResult, redact: Redact): string[] {
  const exit = s.exitCode === null ? '' : ` exit=${s.exitCode}`;
  const cls = s.errorClass ? ` [${s.errorClass}]` : '';
  const message = s.message ? ` ${redact(s.message)}` : '';
  return [
    `${at} step ${s.step} ${s.status}${exit} ${Math.round(s.durationMs)}ms${cls}${message}`,
    ...indent('stdout', redact(s.stdoutTail)),
    ...indent('stderr', redact(s.stderrTail)),
  ];
}

/** Plain per-machine transcripts: <dir>/logs/<RUN>/<MACHINE>.log, one timestamped line per step, tails indented. */
export function createLogFileWriter(dir: string, runId: string, redact: Redact = (t) => t): LogFileWriter {
  const folder = join(dir, 'logs', runId.replace(SAFE_NAME, '_'));
  mkdirSync(folder, { recursive: true });
  // A machine's lines are gathered while it runs and appended in one write when it finishes: one file operation
  // per machine, and memory bounded by the machines in flight.
  const pending = new Map<string, string[]>();
  const add = (machine: string, lines: string[]): void => {
    const list = pending.get(machine);
    if (list) list.push(...lines);
    else pending.set(machine, [...lines]);
  };
  // Appends run one after another off the event loop; close() waits for the last one.
  let chain: Promise<void> = Promise.resolve();
  let failure: Error | null = null;
  const write = (machine: string): void => {
    const lines = pending.get(machine);
    pending.delete(machine);
    if (!lines?.length) return;
    const file = join(folder, `${machine.replace(SAFE_NAME, '_')}.log`);
    const text = lines.map((l) => `${l}\n`).join('');
    chain = chain.then(() => appendFile(file, text)).catch((err: Error) => {
      failure ??= new Error(`cannot write the machine log ${file}: ${err.message}`);
    });
  };
  const stepsLogged = new Set<string>();

  const listener = (event: RunEvent): void => {
    switch (event.kind) {
      case 'machine-started':
        add(event.machine, [`${event.at} machine ${event.machine} site ${event.site} wave ${event.wave} run ${runId} started`]);
        break;
      case 'step-finished':
        stepsLogged.add(event.machine);
        add(event.machine, stepLines(event.at, event.result, redact));
        break;
      case 'machine-finished': {
        const r = event.result;
        const cls = r.errorClass ? ` [${r.errorClass}]` : '';
        const message = r.message ? ` ${redact(r.message)}` : '';
        // A scheduler that reports steps only with the machine still gets them into the transcript.
        if (!stepsLogged.delete(r.machine)) add(r.machine, r.steps.flatMap((s) => stepLines(event.at, s, redact)));
        add(r.machine, [`${event.at} machine ${r.machine} ${r.status} ${Math.round(r.durationMs)}ms attempts=${r.attempts}${cls}${message}`]);
        write(r.machine);
        break;
      }
      default:
        break;
    }
  };
  return Object.assign(listener, {
    folder,
    close: async (): Promise<void> => {
      for (const machine of [...pending.keys()]) write(machine);
      await chain;
      if (failure) throw failure;
    },
  });
}
