import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MachineResult, MachineStatus, RunEvent, StepResult } from '../../src/model/result.js';

export function makeTempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'homeshift-journal-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export const STEP_IDS = ['check:disk-encryption', 'check:screen-lock', 'vpn', 'bundle:base', 'bundle:softphone', 'mailbox', 'check:no-local-data', 'step:enrol-mdm'];

export function makeSteps(status: MachineStatus, count = 8, failAt = 5): StepResult[] {
  return STEP_IDS.slice(0, count).map((step, i) => {
    const failing = (status === 'failed' && i === failAt) || (status === 'unreachable' && i === 0);
    const after = (status === 'failed' && i > failAt) || (status === 'unreachable' && i > 0);
    return {
      step,
      status: failing ? (status === 'unreachable' ? 'unreachable' : 'failed') : after ? 'skipped' : status === 'would-change' ? 'would-change' : i % 2 ? 'ok' : 'changed',
      errorClass: failing ? (status === 'unreachable' ? 'unreachable' : 'step-failed') : null,
      exitCode: failing ? 3 : after ? null : 0,
      durationMs: 40 + i,
      stdoutTail: `checked ${step}\nall fine`,
      stderrTail: failing ? `mailbox not found for anna@example.com\nsecret=hunter2` : '',
      message: failing ? 'apply exited 3: mailbox not found for anna@example.com' : null,
    };
  });
}

export function makeResult(machine: string, status: MachineStatus, options: Partial<MachineResult> & { at?: string; steps?: number } = {}): MachineResult {
  const at = options.at ?? '2026-11-21T17:15:02.000Z';
  const failed = status === 'failed' || status === 'unreachable';
  return {
    machine,
    site: options.site ?? machine.slice(0, 3).toLowerCase(),
    status,
    errorClass: options.errorClass !== undefined ? options.errorClass : failed ? (status === 'unreachable' ? 'unreachable' : 'step-failed') : null,
    message: options.message !== undefined ? options.message : failed ? `apply exited 3: mailbox not found for ${machine.toLowerCase()}@example.com` : null,
    fingerprint: null,
    attempts: 1,
    startedAt: at,
    finishedAt: at,
    durationMs: 1234,
    planHash: options.planHash ?? 'plan-a',
    steps: makeSteps(status, options.steps ?? 8),
  };
}

export function finished(result: MachineResult, wave = 0): RunEvent {
  return { kind: 'machine-finished', result, wave, at: result.finishedAt };
}

export const machineId = (site: string, n: number): string => `${site}-D${String(n).padStart(4, '0')}`;
