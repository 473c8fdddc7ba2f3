import type { Diagnostic, TemplateSource } from '../model/index.js';
import { createDiagnostic, displayPath } from './diagnostics.js';
import { listFilesDeep } from './list-files.js';
import { readSourceText } from './read-source.js';

const MAX_TEMPLATE_BYTES = 1024 * 1024;

/** Every file under the template folders, keyed by relative name; earlier folders shadow later ones. */
export function loadTemplates(root: string, dirs: string[], diags: Diagnostic[]): Map<string, TemplateSource> {
  const templates = new Map<string, TemplateSource>();
  for (const dir of dirs) {
    for (const [name, abs] of listFilesDeep(dir)) {
      if (templates.has(name)) continue;
      const file = displayPath(root, abs);
      const text = readSourceText(abs, file, diags, { maxBytes: MAX_TEMPLATE_BYTES, allowEmpty: true });
      if (text === null) continue;
      const nul = text.indexOf('\0');
      if (nul >= 0) {
        // A script or file template is sent to the PC as shell text: a NUL byte cannot be carried there.
        const before = text.slice(0, nul).split('\n');
        diags.push(createDiagnostic('text-character', `template ${name} has U+0000 NULL at column ${before[before.length - 1].length + 1}`, { file, line: before.length, col: before[before.length - 1].length + 1 }));
        continue;
      }
      templates.set(name, { name, file, text });
    }
  }
  return templates;
}
