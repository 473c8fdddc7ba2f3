/**
 * The schema validators `npm run build` writes as code are current and find exactly what ajv finds when it compiles
 * the schema itself (same errors, same order, same verbose fields), on valid and broken documents of every kind.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse } from 'yaml';
import type { ValidateFunction } from 'ajv';
import { compiledSchemaCode } from '../../src/config/compile-schemas.js';
import { createAjv, SCHEMA_KINDS, schemaFile, schemaKey, type SchemaKind } from '../../src/config/schemas.js';
import { REPO } from '../plan/fixture.js';

const BUILT = path.join(REPO, 'dist', 'config', 'compiled-schemas');
const read = (file: string): unknown => parse(fs.readFileSync(path.join(REPO, file), 'utf8'));
const EXAMPLES: Record<SchemaKind, () => unknown> = {
  homeshift: () => read('examples/service-center/homeshift.yaml'),
  inventory: () => read('examples/service-center/inventory/bruehl.yaml'),
  directory: () => ({ employees: [{ id: 'e100001', firstName: 'Jana', lastName: 'Keller', mailbox: 'jana.keller@example-telco.de', site: 'bruehl' }] }),
  profile: () => read('profiles/hotline-agent.yaml'),
  bundles: () => read('profiles/bundles/crm-client.yaml'),
};

/** The example, and variants broken in the ways people break files: wrong types, unknown keys, missing keys. */
function documents(kind: SchemaKind): unknown[] {
  const example = EXAMPLES[kind]();
  const docs: unknown[] = [example, null, [], 'text', { unknownKey: true }];
  if (example && typeof example === 'object' && !Array.isArray(example)) {
    for (const key of Object.keys(example)) {
      docs.push({ ...example, [key]: 42 }, { ...example, [key]: [{ bogus: null }] });
      const { [key]: _left, ...rest } = example as Record<string, unknown>;
      docs.push(rest);
    }
    docs.push({ ...example, extra: 'x' });
  }
  return docs;
}

function outcome(fn: ValidateFunction, data: unknown): string {
  const ok = fn(structuredClone(data));
  return JSON.stringify({ ok, errors: fn.errors ?? null });
}

describe.each(SCHEMA_KINDS)('the %s schema as code', (kind) => {
  const text = fs.readFileSync(schemaFile(kind), 'utf8');
  const compiledByAjv = createAjv().compile(JSON.parse(text));

  it('was built from the current schema (npm run build)', () => {
    const built = createRequire(import.meta.url)(path.join(BUILT, `${kind}.cjs`)) as { schemaKey?: string };
    expect(built.schemaKey).toBe(schemaKey(text));
  });

  it('gives the same verdict and errors as ajv compiling the schema', () => {
    const built = createRequire(import.meta.url)(path.join(BUILT, `${kind}.cjs`)) as ValidateFunction;
    const docs = documents(kind);
    for (const doc of docs) expect(outcome(built, doc)).toBe(outcome(compiledByAjv, doc));
    expect(docs.filter((doc) => !built(doc)).length).toBeGreaterThan(docs.length / 2);
  });

  it('is generated the same way every time', () => {
    expect(compiledSchemaCode(kind)).toBe(fs.readFileSync(path.join(BUILT, `${kind}.cjs`), 'utf8'));
  });
});
