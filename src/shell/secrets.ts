import { SECRET_PLACEHOLDER, type PlannedFile, type PlannedStep } from '../model/plan.js';

export class MissingSecretError extends Error {
  constructor(readonly secret: string, readonly step: string) {
    super(`secret ${secret} needed by step ${step} has no value`);
    this.name = 'MissingSecretError';
  }
}

/**
 * Puts secret values into a planned file: the only place they appear, right before the program is sent. Only the
 * positions the planner recorded are filled; placeholder text that came in through a value stays text.
 */
export function fillSecrets(file: Pick<PlannedFile, 'content' | 'secrets'>, secrets: Record<string, string>, step: string): string {
  const refs = file.secrets;
  if (!refs || refs.length === 0) return file.content;
  let out = '';
  let last = 0;
  for (const ref of refs) {
    const placeholder = SECRET_PLACEHOLDER(ref.name);
    if (ref.at < last || !file.content.startsWith(placeholder, ref.at)) throw new Error(`step ${step}: secret ${ref.name} is not where the plan says`);
    const value = secrets[ref.name];
    if (value === undefined) throw new MissingSecretError(ref.name, step);
    out += file.content.slice(last, ref.at) + value;
    last = ref.at + placeholder.length;
  }
  return out + file.content.slice(last);
}

export function stepSecrets(step: PlannedStep, secrets: Record<string, string>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const name of step.secrets) {
    const value = secrets[name];
    if (value === undefined) throw new MissingSecretError(name, step.id);
    values[name] = value;
  }
  return values;
}

