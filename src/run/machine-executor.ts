import { randomBytes } from 'node:crypto';
import { REBOOT_STEP_ID, type MachinePlan, type Plan } from '../model/plan.js';
import type { ErrorClass, MachineResult, MachineStatus, RunMode, StepResult } from '../model/result.js';
import { fingerprintMessage } from '../model/fingerprint.js';
import { buildMachineProgram, createResultParser } from '../shell/index.js';
import { TransportError, type Connection, type ExecResult, type Transport } from '../transport/transport.js';
import { PushError, type Pusher } from './push.js';
import type { Redactor } from './redact.js';
import { targetFor } from './target.js';

export interface MachineContext {
  transport: Transport;
  scripts: Plan['scripts'];
  mode: RunMode;
  secrets: Record<string, string>;
  redact: Redactor;
  projectRoot: string;
  pusher?: Pusher; // sends push sources' files before the program runs (not in check mode)
  retries: number; // connect retries for retryable failures
  retryBackoffMs: number;
  hardStop: AbortSignal; // second interrupt: end in-flight commands
  onStep?: (result: StepResult) => void;
  onAttempt?: (attempt: number, error: TransportError) => void;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((done) => {
    if (signal.aborted) return done();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); done(); }, { once: true });
  });

function step(id: string, status: StepResult['status'], errorClass: ErrorClass | null, message: string | null): StepResult {
  return { step: id, status, errorClass, exitCode: null, durationMs: 0, stdoutTail: '', stderrTail: '', message };
}

async function connectWithRetry(plan: MachinePlan, ctx: MachineContext): Promise<{ conn: Connection; attempts: number }> {
  const target = targetFor(plan, ctx.projectRoot);
  for (let attempt = 1; ; attempt++) {
    try {
      return { conn: await ctx.transport.connect(target), attempts: attempt };
    } catch (err) {
      const error = err instanceof TransportError ? err : new TransportError(String((err as Error)?.message ?? err), 'internal', false, { cause: err });
      (error as TransportError & { attempts?: number }).attempts = attempt;
      if (!error.retryable || attempt > ctx.retries || ctx.hardStop.aborted) throw error;
      ctx.onAttempt?.(attempt, error);
      await sleep(ctx.retryBackoffMs * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5), ctx.hardStop);
    }
  }
}

/** Runs one machine's plan over one connection and one exec; every failure becomes this machine's result. */
export async function runMachine(plan: MachinePlan, ctx: MachineContext): Promise<MachineResult> {
  const started = Date.now();
  const base = { machine: plan.machine.id, site: plan.machine.site, planHash: plan.hash, startedAt: new Date(started).toISOString() };
  const finish = (status: MachineStatus, errorClass: ErrorClass | null, message: string | null, attempts: number, steps: StepResult[]): MachineResult => {
    const msg = message === null ? null : ctx.redact(message);
    const failedStep = steps.find((s) => s.status === 'failed');
    return {
      ...base,
      status,
      errorClass,
      message: msg,
      fingerprint: errorClass && msg ? fingerprintMessage(errorClass, msg, failedStep?.step) : null,
      attempts,
      finishedAt: new Date().toISOString(),
      durationMs: Date.now() - started,
      steps,
      ...(waitsForReboot(plan, steps) ? { rebootRequired: true as const } : {}),
    };
  };

  let conn: Connection;
  let attempts = 1;
  try {
    ({ conn, attempts } = await connectWithRetry(plan, ctx));
  } catch (err) {
    const e = err as TransportError & { attempts?: number };
    const cls = e.errorClass ?? 'internal';
    const status: MachineStatus = cls === 'interrupted' ? 'interrupted' : cls === 'auth' || cls === 'internal' ? 'failed' : 'unreachable';
    return finish(status, cls, e.message, e.attempts ?? 1, []);
  }

  try {
    if (ctx.pusher && ctx.mode !== 'check') await ctx.pusher.push(plan, conn, plan.ssh.machineTimeout * 1000);
    return await execProgram(plan, ctx, conn, attempts, finish);
  } catch (err) {
    if (err instanceof PushError) return finish('failed', 'step-failed', err.message, attempts, []);
    // the push's file session: the connection lost, or its time up
    if (err instanceof TransportError) return finish(err.errorClass === 'unreachable' ? 'unreachable' : err.errorClass === 'interrupted' ? 'interrupted' : 'failed', err.errorClass, err.message, attempts, []);
    return finish('failed', 'internal', `internal error: ${(err as Error)?.message ?? String(err)}`, attempts, []);
  } finally {
    await conn.close().catch(() => undefined);
  }
}

type Finish = (status: MachineStatus, errorClass: ErrorClass | null, message: string | null, attempts: number, steps: StepResult[]) => MachineResult;

async function execProgram(plan: MachinePlan, ctx: MachineContext, conn: Connection, attempts: number, finish: Finish): Promise<MachineResult> {
  const nonce = randomBytes(12).toString('hex');
  const program = buildMachineProgram(plan, ctx.scripts, { mode: ctx.mode, secrets: ctx.secrets, nonce });
  const parser = createResultParser(plan, nonce);
  const results: StepResult[] = [];
  const abort = new AbortController();
  let why: 'start-timeout' | 'step-timeout' | 'machine-timeout' | 'interrupted' | null = null;
  let stepTimer: NodeJS.Timeout | undefined;
  let stepStarted = performance.now(); // of the step in flight: a step cut short is journaled with the time it had
  const stop = (reason: typeof why) => { if (!why) { why = reason; abort.abort(); } };
  const armStep = (index: number) => {
    clearTimeout(stepTimer);
    stepStarted = performance.now();
    const limit = plan.steps[index]?.timeout ?? 300;
    stepTimer = setTimeout(() => stop('step-timeout'), limit * 1000);
  };
  // Until its first step begins the PC's shell is starting up: held to the start-up limit (by default the first
  // step's), so a PC whose shell starts slowly for reasons of its own is told apart from a slow step.
  const armStart = () => {
    const limit = plan.ssh.startTimeout ?? plan.steps[0]?.timeout ?? 300;
    stepTimer = setTimeout(() => stop(plan.ssh.startTimeout === undefined ? 'step-timeout' : 'start-timeout'), limit * 1000);
  };
  const onHardStop = () => stop('interrupted');
  ctx.hardStop.addEventListener('abort', onHardStop, { once: true });
  if (ctx.hardStop.aborted) stop('interrupted');
  if (plan.steps.length > 0) armStart();

  const onChunk = (chunk: string) => {
    for (const ev of parser.push(chunk)) {
      if (ev.type === 'start') armStep(ev.index);
      else {
        stepStarted = performance.now(); // the next step counts from here until its own start marker
        const r = { ...ev.result, stdoutTail: ctx.redact(ev.result.stdoutTail), stderrTail: ctx.redact(ev.result.stderrTail), message: ev.result.message === null ? null : ctx.redact(ev.result.message) };
        results.push(r);
        ctx.onStep?.(r);
      }
    }
  };

  let exec: ExecResult;
  try {
    exec = await conn.exec(program.command, {
      stdin: program.stdin,
      timeoutMs: plan.ssh.machineTimeout * 1000,
      onStdout: onChunk,
      signal: abort.signal,
    });
  } catch (err) {
    if (!(err instanceof TransportError)) throw err;
    // the connection went away mid-program: what streamed before still counts
    exec = { exitCode: null, signal: null, stdout: '', stderr: err.message, timedOut: false, aborted: false, durationMs: 0 };
  }
  clearTimeout(stepTimer);
  const inFlightMs = Math.round(performance.now() - stepStarted);
  ctx.hardStop.removeEventListener('abort', onHardStop);

  const end = parser.end();
  if (!end.complete) {
    const current = end.current ?? results.length;
    const { cls, message } = explainIncomplete(why, exec, plan.steps[current]?.id ?? 'program', end.current !== null, ctx.redact);
    for (let i = results.length; i < plan.steps.length; i++) {
      const r = i === current
        ? { ...step(plan.steps[i].id, cls === 'interrupted' ? 'skipped' : 'failed', cls, message), durationMs: inFlightMs, stderrTail: ctx.redact(tail(exec.stderr)) }
        : step(plan.steps[i].id, 'skipped', null, null);
      results.push(r);
      ctx.onStep?.(r);
    }
    const status: MachineStatus = cls === 'interrupted' ? 'interrupted' : cls === 'unreachable' ? 'unreachable' : 'failed';
    return finish(status, cls, message, attempts, results);
  }
  const failed = results.find((r) => r.status === 'failed');
  if (failed) return finish('failed', failed.errorClass ?? 'step-failed', `${failed.step}: ${failed.message ?? 'failed'}`, attempts, results);
  if (exec.exitCode === null && exec.signal === null && !exec.timedOut && !exec.aborted && !why) {
    // Every step had reported, then the line went before the program's exit status: the same cause as any drop.
    const last = plan.steps.at(-1)?.id ?? 'program';
    return finish('unreachable', 'unreachable', `${last}: ${CONNECTION_LOST}`, attempts, results);
  }
  if (exec.exitCode !== 0) {
    return finish('failed', 'internal', `the machine program ended with exit code ${exec.exitCode}: ${lastLine(exec.stderr)}`, attempts, results);
  }
  const status: MachineStatus = results.some((r) => r.status === 'changed') ? 'changed' : results.some((r) => r.status === 'would-change') ? 'would-change' : 'ok';
  return finish(status, null, null, attempts, results);
}

/**
 * The PC waits for a reboot when a step of this run asked for one, or the journal said so and the restart step did not
 * run (deferred, or never reached); a restart step that ran ends the wait.
 */
function waitsForReboot(plan: MachinePlan, steps: StepResult[]): boolean {
  if (steps.some((s) => s.step === REBOOT_STEP_ID && s.status === 'changed')) return false;
  return steps.some((s) => s.rebootRequired) || plan.steps.some((s) => s.id === REBOOT_STEP_ID && s.vars.HS_REBOOT_PENDING === '1');
}

function tail(text: string, max = 2048): string {
  return text.length > max ? text.slice(-max) : text;
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}

// One wording whether the line went mid-step or after the last step's report, so a dropped connection is one cause.
const CONNECTION_LOST = 'connection lost before the machine program ended';

function explainIncomplete(
  why: 'start-timeout' | 'step-timeout' | 'machine-timeout' | 'interrupted' | null,
  exec: { timedOut: boolean; exitCode: number | null; signal: string | null; stderr: string },
  stepId: string,
  inStep: boolean, // a step had started and not reported: its own code ended the program (exit N, a fatal error)
  redact: Redactor,
): { cls: ErrorClass; message: string } {
  if (why === 'interrupted') return { cls: 'interrupted', message: `${stepId}: interrupted by the operator` };
  if (why === 'step-timeout') return { cls: 'timeout', message: `${stepId}: step exceeded its time limit` };
  if (why === 'start-timeout') return { cls: 'timeout', message: `${stepId}: the machine's shell did not start within its start-up limit` };
  if (exec.timedOut) return { cls: 'timeout', message: `${stepId}: machine exceeded its deadline` };
  if (exec.exitCode === null) return { cls: 'unreachable', message: `${stepId}: ${CONNECTION_LOST}${exec.signal ? ` (${exec.signal})` : ''}` };
  const detail = redact(lastLine(exec.stderr));
  if (inStep) return { cls: 'step-failed', message: `${stepId}: exited ${exec.exitCode}${detail ? `: ${detail}` : ''}` };
  return { cls: 'internal', message: `${stepId}: the machine program stopped early (exit ${exec.exitCode})${detail ? `: ${detail}` : ''}` };
}
