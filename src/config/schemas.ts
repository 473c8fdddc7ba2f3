import fs from 'node:fs';
import path from 'node:path';
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import { findPackageRoot } from './package-root.js';

export type SchemaKind = 'homeshift' | 'inventory' | 'directory' | 'profile' | 'bundles';

// ajv is CommonJS: under NodeNext the default import is the module object.
const Ajv = AjvModule.default;
const compiled = new Map<SchemaKind, ValidateFunction>();
let ajv: InstanceType<typeof Ajv> | null = null;

export function schemaFile(kind: SchemaKind): string {
  return path.join(findPackageRoot(), 'schema', `${kind}.schema.json`);
}

/** The compiled validator for one file kind (compiled once per process). */
export function getValidator(kind: SchemaKind): ValidateFunction {
  let fn = compiled.get(kind);
  if (!fn) {
    ajv ??= createAjv();
    const schema = JSON.parse(fs.readFileSync(schemaFile(kind), 'utf8'));
    fn = ajv.compile(schema);
    compiled.set(kind, fn);
  }
  return fn;
}

/** Validates data; returns ajv's errors (empty when valid). */
export function validateAgainst(kind: SchemaKind, data: unknown): ErrorObject[] {
  const fn = getValidator(kind);
  return fn(data) ? [] : [...(fn.errors ?? [])];
}

function createAjv(): InstanceType<typeof Ajv> {
  const instance = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
  instance.addKeyword('x-hint'); // message hint for people; editors ignore it
  return instance;
}
