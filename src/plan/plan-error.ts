import type { SourcePos } from '../model/source.js';

/** Why a machine could not be planned: a render error names the template and, when known, the variable. */
export class PlanError extends Error {
  readonly machine: string;
  readonly template: string;
  readonly variable?: string;
  readonly pos?: SourcePos;
  readonly rule?: string; // the validate rule this error belongs to, for template errors

  constructor(fields: { machine: string; template?: string; variable?: string; message: string; pos?: SourcePos; rule?: string }) {
    super(fields.message);
    this.name = 'PlanError';
    this.machine = fields.machine;
    this.template = fields.template ?? '';
    if (fields.variable !== undefined) this.variable = fields.variable;
    if (fields.pos !== undefined) this.pos = fields.pos;
    if (fields.rule !== undefined) this.rule = fields.rule;
  }
}
