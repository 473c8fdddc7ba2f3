import type { MachinePlan } from '../model/plan.js';
import type { StepResult, StepStatus } from '../model/result.js';
import { decodeClixml } from '../transport/clixml.js';
import { decodeTailBytes } from '../transport/output-decoder.js';

export type ParsedEvent = { type: 'start'; index: number } | { type: 'end'; result: StepResult };

export interface ResultParser {
  push(chunk: string): ParsedEvent[];
  end(): { complete: boolean; current: number | null };
}

const STATUSES: readonly StepStatus[] = ['ok', 'changed', 'would-change', 'failed', 'skipped', 'deferred'];

const TAIL = 2048;

// '-': no output; '@': sent before the end marker as a raw block; else base64 of the tail's last bytes
function decodeTail(field: string | undefined, block: string | undefined): string {
  if (field === '@') return block ?? '';
  if (!field || field === '-') return '';
  return decodeTailBytes(Buffer.from(field, 'base64'));
}

function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return lines.length ? lines[lines.length - 1] : '';
}

function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const value of secrets) if (value.length >= 4) out = out.split(value).join('***');
  return out;
}

/**
 * Reads the result markers of one machine program. Lines without this run's nonce are ignored,
 * so a step's output can never pass for a result.
 */
export function createResultParser(plan: MachinePlan, nonce: string, opts: { secrets?: string[]; now?: () => number } = {}): ResultParser {
  const secrets = opts.secrets ?? [];
  const now = opts.now ?? (() => performance.now());
  const startedAt = new Map<number, number>();
  const prefix = `@@HS:${nonce}:`;
  let buffer = '';
  let current: number | null = null;
  let complete = false;
  let lastFailed: string | null = null;
  // a step's output block in flight, and the finished blocks of the step whose end marker is next
  let block: { kind: 'out' | 'err'; index: number; text: string } | null = null;
  const blocks = new Map<string, string>();
  const reboots = new Set<number>(); // steps that asked for a restart (Request-HsReboot)
  const installs = new Map<number, { via: string; id: string }[]>(); // what steps said they installed (Register-HsInstalled)

  // The program's own clock where it keeps one ('-': none); the time between the step's two markers arriving
  // where that says more (a PC clock in 10 ms steps reads 0 for a 6 ms step the client saw take 6 ms).
  function durationOf(index: number, field: string | undefined): number {
    const started = startedAt.get(index);
    const arrival = started === undefined ? 0 : Math.max(0, Math.round(now() - started));
    const own = field === '-' || field === undefined ? 0 : Number(field);
    return Math.max(Number.isFinite(own) && own > 0 ? Math.round(own) : 0, arrival);
  }

  function parseEnd(fields: string[]): StepResult | null {
    const [indexText, status, exitText, durationText, outField, errField, phase] = fields;
    const index = Number(indexText);
    const step = plan.steps[index];
    if (!step || !STATUSES.includes(status as StepStatus)) return null;
    const stdoutTail = redact(decodeTail(outField, blocks.get(`out ${index}`)), secrets);
    // a nested powershell.exe or a native tool may have written CLIXML into the step's error stream
    const stderrTail = redact(decodeClixml(decodeTail(errField, blocks.get(`err ${index}`))), secrets);
    blocks.clear();
    const exitCode = exitText === '-' || exitText === undefined ? null : Number(exitText);
    let message: string | null = null;
    if (status === 'failed') {
      const detail = lastLine(stderrTail) || lastLine(stdoutTail);
      const what = phase && phase !== '-' ? phase : 'step';
      message = `${what} exited ${exitCode ?? '?'}${detail ? `: ${detail}` : ''}`;
      lastFailed = step.id;
    } else if (status === 'skipped') {
      message = lastFailed ? `skipped: ${lastFailed} failed` : 'skipped';
    } else if (status === 'deferred') {
      message = phase === 'logon' ? 'deferred: user logged on' : `deferred: ${step.vars.HS__DEFER || 'outside the window of time'}`;
    }
    if (current === index) current = null;
    const reboot = status === 'changed' && reboots.has(index) ? { rebootRequired: true as const } : {};
    // a failed step may have installed some of its packages before it failed: they are homeshift's all the same
    const installed = (status === 'changed' || status === 'failed') && installs.has(index) ? { installed: installs.get(index)! } : {};
    return {
      step: step.id,
      status: status as StepStatus,
      errorClass: status === 'failed' ? 'step-failed' : null,
      exitCode: Number.isFinite(exitCode) ? exitCode : null,
      durationMs: durationOf(index, durationText),
      stdoutTail,
      stderrTail,
      message,
      ...reboot,
      ...installed,
    };
  }

  function parseLine(line: string): ParsedEvent | null {
    if (block) {
      if (line === `${prefix}${block.kind}-end ${block.index}`) {
        blocks.set(`${block.kind} ${block.index}`, block.text.slice(-TAIL));
        block = null;
      } else if (line === `${prefix}${block.kind}-cut ${block.index}`) {
        block.text = ''; // what follows is the output's last 2 KiB
      } else {
        block.text += `${line}\n`;
        if (block.text.length > 2 * TAIL) block.text = block.text.slice(-TAIL - 1);
      }
      return null;
    }
    if (!line.startsWith(prefix)) return null;
    const [kind, ...fields] = line.slice(prefix.length).trim().split(' ');
    if ((kind === 'out' || kind === 'err') && fields.length === 1) {
      const index = Number(fields[0]);
      if (Number.isInteger(index) && plan.steps[index]) block = { kind, index, text: '' };
      return null;
    }
    if (kind === 'start') {
      const index = Number(fields[0]);
      if (!Number.isInteger(index) || !plan.steps[index]) return null;
      current = index;
      startedAt.set(index, now());
      return { type: 'start', index };
    }
    if (kind === 'end') {
      const result = parseEnd(fields);
      return result ? { type: 'end', result } : null;
    }
    if (kind === 'reboot') {
      const index = Number(fields[0]);
      if (Number.isInteger(index) && plan.steps[index]) reboots.add(index);
      return null;
    }
    if (kind === 'installed' && fields.length === 3) {
      const index = Number(fields[0]);
      if (!Number.isInteger(index) || !plan.steps[index]) return null;
      let id: string;
      try { id = decodeURIComponent(fields[2]); } catch { return null; }
      installs.set(index, [...(installs.get(index) ?? []), { via: fields[1], id }]);
      return null;
    }
    if (kind === 'done') complete = true;
    return null;
  }

  return {
    push(chunk: string): ParsedEvent[] {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      const events: ParsedEvent[] = [];
      for (const line of lines) {
        const event = parseLine(line.replace(/\r$/, ''));
        if (event) events.push(event);
      }
      return events;
    },
    end() {
      // a last line without its newline can only count as "done": the program ends every marker line
      if (buffer.trim() === `${prefix}done`) complete = true;
      buffer = '';
      return { complete, current };
    },
  };
}
