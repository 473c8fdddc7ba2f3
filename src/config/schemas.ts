import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type AjvModule from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { findPackageRoot } from './package-root.js';

export type SchemaKind = 'homeshift' | 'inventory' | 'directory' | 'profile' | 'bundles';
export const SCHEMA_KINDS: readonly SchemaKind[] = ['homeshift', 'inventory', 'directory', 'profile', 'bundles'];

type Ajv = InstanceType<typeof AjvModule.default>;

export const AJV_OPTIONS = { allErrors: true, verbose: true, strict: true, allowUnionTypes: true } as const;
const KEYWORDS = ['x-hint']; // message hint for people; editors ignore it

const requireHere = createRequire(import.meta.url);
const compiled = new Map<SchemaKind, ValidateFunction>();
let ajv: Ajv | null = null;

/** Where `npm run build` puts each schema's validator as code (see compile-schemas.ts), so no process compiles it. */
export const COMPILED_SCHEMAS_DIR = fileURLToPath(new URL('./compiled-schemas/', import.meta.url));

export function schemaFile(kind: SchemaKind): string {
  return path.join(findPackageRoot(), 'schema', `${kind}.schema.json`);
}

/** What a compiled validator depends on: the schema's text and how ajv compiles it. */
export function schemaKey(text: string): string {
  return createHash('sha256').update(JSON.stringify({ options: AJV_OPTIONS, keywords: KEYWORDS })).update('\n').update(text).digest('hex');
}

/** ajv with homeshift's options; loaded only when a schema must be compiled. */
export function createAjv(extra: { code?: { source: boolean } } = {}): Ajv {
  const Ajv = (requireHere('ajv') as typeof AjvModule).default; // CommonJS: the module object holds the class
  const instance = new Ajv({ ...AJV_OPTIONS, ...extra });
  for (const keyword of KEYWORDS) instance.addKeyword(keyword);
  return instance;
}

// The built validator, when it was built from this very schema text and these options.
function prebuilt(kind: SchemaKind, key: string): ValidateFunction | null {
  const file = path.join(COMPILED_SCHEMAS_DIR, `${kind}.cjs`);
  if (!fs.existsSync(file)) return null;
  const fn = requireHere(file) as ValidateFunction & { schemaKey?: string };
  return fn.schemaKey === key ? fn : null;
}

/** The validator for one file kind: the one built with the package, else compiled once per process. */
export function getValidator(kind: SchemaKind): ValidateFunction {
  let fn = compiled.get(kind);
  if (!fn) {
    const text = fs.readFileSync(schemaFile(kind), 'utf8');
    fn = prebuilt(kind, schemaKey(text)) ?? (ajv ??= createAjv()).compile(JSON.parse(text));
    compiled.set(kind, fn);
  }
  return fn;
}

/** Validates data; returns ajv's errors (empty when valid). */
export function validateAgainst(kind: SchemaKind, data: unknown): ErrorObject[] {
  const fn = getValidator(kind);
  return fn(data) ? [] : [...(fn.errors ?? [])];
}
