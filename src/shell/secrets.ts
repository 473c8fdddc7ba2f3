import { SECRET_PLACEHOLDER_RE, type PlannedStep } from '../model/plan.js';

export class MissingSecretError extends Error {
  constructor(readonly secret: string, readonly step: string) {
    super(`secret ${secret} needed by step ${step} has no value`);
    this.name = 'MissingSecretError';
  }
}

/** Puts secret values into planned content: the only place they appear, right before the program is sent. */
export function fillSecrets(content: string, secrets: Record<string, string>, step: string): string {
  if (!content.includes('@@HS_SECRET:')) return content;
  return content.replace(SECRET_PLACEHOLDER_RE, (_, name: string) => {
    const value = secrets[name];
    if (value === undefined) throw new MissingSecretError(name, step);
    return value;
  });
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

