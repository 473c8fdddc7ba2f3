import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { COMPILED_SCHEMAS_DIR, createAjv, SCHEMA_KINDS, schemaFile, schemaKey, type SchemaKind } from './schemas.js';

type Standalone = (ajv: ReturnType<typeof createAjv>, fn: unknown) => string;

/** One schema's validator as a CommonJS module, marked with the schemaKey it was built from. */
export function compiledSchemaCode(kind: SchemaKind): string {
  const text = fs.readFileSync(schemaFile(kind), 'utf8');
  const ajv = createAjv({ code: { source: true } });
  const standalone = (createRequire(import.meta.url)('ajv/dist/standalone') as { default: Standalone }).default;
  const code = standalone(ajv, ajv.compile(JSON.parse(text)));
  return `${code}\nmodule.exports.schemaKey = ${JSON.stringify(schemaKey(text))};\n`;
}

/** Writes every schema's validator next to the built schemas.js (run by `npm run build`). */
export function writeCompiledSchemas(dir = COMPILED_SCHEMAS_DIR): string[] {
  fs.mkdirSync(dir, { recursive: true });
  return SCHEMA_KINDS.map((kind) => {
    const file = path.join(dir, `${kind}.cjs`);
    fs.writeFileSync(file, compiledSchemaCode(kind));
    return file;
  });
}
