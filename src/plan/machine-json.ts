import type { MachinePlan, PlannedStep } from '../model/plan.js';

/**
 * The JSON of a machine plan in parts, with the parts many machines share encoded once. A recipe's bundles, profile,
 * checks and its steps that are the same everywhere (no files, fixed vars), a site's SSH settings: each is one object
 * for all their machines (see plan-machine.ts), marked with sharedJson, encoded to UTF-8 the first time and its bytes
 * reused: 16,000 plans then make much less JSON. Plans are data that nothing changes, so a shared part stays true.
 */
const fragments = new WeakMap<object, Buffer>();

/** Marks a part that machine plans share: its JSON is made now, once, and reused wherever the object appears. */
export function sharedJson<T extends object>(value: T): T {
  if (!fragments.has(value)) fragments.set(value, Buffer.from(JSON.stringify(value), 'utf8'));
  return value;
}

/** A machine plan's JSON: text to encode and bytes already encoded, in order. */
export type JsonParts = (string | Buffer)[];

// The keys of a machine plan in the order planning writes them (JSON.stringify keeps that order).
const KEYS = ['machine', 'ssh', 'employee', 'profile', 'mailbox', 'vpn', 'bundles', 'checks', 'root', 'steps', 'hash'] as const;
const PREFIXES = KEYS.map((key, i) => `${i === 0 ? '{' : ','}${JSON.stringify(key)}:`);
// the parts planning shares (the others are each machine's own: not looked up)
const SHAREABLE = KEYS.map((key) => key === 'ssh' || key === 'profile' || key === 'bundles' || key === 'checks');

function partJson(value: unknown): string | Buffer | undefined {
  if (typeof value === 'object' && value !== null) {
    const known = fragments.get(value);
    if (known !== undefined) return known;
  }
  return JSON.stringify(value);
}

// A step of a machine's own (its vars or files are) still shares everything else with the same step of the other
// machines of its recipe: its id, title, script, secrets, checkOnly and time limit, before and after vars and files.
const STEP_KEYS = ['id', 'title', 'script', 'vars', 'files', 'secrets', 'checkOnly', 'timeout'] as const;
interface StepFrame {
  step: PlannedStep; // the step the frame was made from: the others must match it
  head: Buffer; // {"id":..,"title":..,"script":..,"vars":
  tail: Buffer; // ,"secrets":[..],"checkOnly":..,"timeout":..}
}
// by the step's secrets list, one shared array per step of a recipe (see plan-context.ts)
const frames = new WeakMap<object, StepFrame[]>();

function frameOf(step: PlannedStep): StepFrame | null {
  const keys = Object.keys(step);
  if (keys.length !== STEP_KEYS.length) return null;
  for (let i = 0; i < STEP_KEYS.length; i++) if (keys[i] !== STEP_KEYS[i]) return null;
  if (!Array.isArray(step.secrets) || typeof step.id !== 'string' || typeof step.title !== 'string' || typeof step.script !== 'string' || typeof step.checkOnly !== 'boolean' || typeof step.timeout !== 'number') return null;
  let known = frames.get(step.secrets);
  if (!known) frames.set(step.secrets, (known = []));
  for (const frame of known) {
    const f = frame.step;
    if (f.id === step.id && f.title === step.title && f.script === step.script && f.checkOnly === step.checkOnly && f.timeout === step.timeout) return frame;
  }
  if (known.length >= 4) return null; // not a recipe's step after all: encoded whole
  const head = `{"id":${JSON.stringify(step.id)},"title":${JSON.stringify(step.title)},"script":${JSON.stringify(step.script)},"vars":`;
  const tail = `,"secrets":${JSON.stringify(step.secrets)},"checkOnly":${JSON.stringify(step.checkOnly)},"timeout":${JSON.stringify(step.timeout)}}`;
  const frame = { step, head: Buffer.from(head, 'utf8'), tail: Buffer.from(tail, 'utf8') };
  known.push(frame);
  return frame;
}

// The steps, with runs of text between shared bytes as one part: few parts, and nothing encoded twice.
function addSteps(parts: JsonParts, prefix: string, steps: unknown): boolean {
  if (!Array.isArray(steps)) return false;
  let text = `${prefix}[`;
  for (let i = 0; i < steps.length; i++) {
    const step: unknown = steps[i];
    if (typeof step !== 'object' || step === null) return false;
    if (i > 0) text += ',';
    const known = fragments.get(step);
    if (known !== undefined) {
      parts.push(text, known);
      text = '';
      continue;
    }
    const frame = frameOf(step as PlannedStep);
    const own = step as PlannedStep;
    const vars = frame && JSON.stringify(own.vars);
    const files = frame && JSON.stringify(own.files);
    if (!frame || vars === undefined || files === undefined) {
      text += JSON.stringify(step);
      continue;
    }
    parts.push(text, frame.head);
    parts.push(`${vars},"files":${files}`, frame.tail);
    text = '';
  }
  parts.push(`${text}]`);
  return true;
}

/**
 * The JSON of a machine plan as parts whose concatenation is JSON.stringify(plan); a plan of another shape than
 * planning makes is one part of JSON.stringify.
 */
export function machinePlanParts(plan: MachinePlan): JsonParts {
  const keys = Object.keys(plan);
  if (keys.length !== KEYS.length) return [JSON.stringify(plan)];
  const parts: JsonParts = [];
  for (let i = 0; i < KEYS.length; i++) {
    if (keys[i] !== KEYS[i]) return [JSON.stringify(plan)];
    const value = (plan as unknown as Record<string, unknown>)[KEYS[i]];
    if (KEYS[i] === 'steps') {
      if (!addSteps(parts, PREFIXES[i], value)) return [JSON.stringify(plan)];
      continue;
    }
    const json = SHAREABLE[i] ? partJson(value) : JSON.stringify(value);
    if (json === undefined) return [JSON.stringify(plan)]; // a value JSON leaves out
    if (typeof json === 'string') parts.push(PREFIXES[i] + json);
    else parts.push(PREFIXES[i], json);
  }
  parts.push('}');
  return parts;
}

/** The same text as JSON.stringify(plan). */
export function machinePlanJson(plan: MachinePlan): string {
  let text = '';
  for (const part of machinePlanParts(plan)) text += typeof part === 'string' ? part : part.toString('utf8');
  return text;
}
