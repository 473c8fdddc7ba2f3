import type { InitAnswers } from './answers.js';
import { shadowProfiles, type ProfileText } from './profile-shadows.js';
import { renderDirectoryFile, renderGitignore, renderProjectFile, renderSiteFile, schemaLine, SCHEMA_FOLDER } from './render-config.js';
import { renderReadme } from './render-readme.js';

export * from './answers.js';
export { GITIGNORE_LINES, DIRECTORY_HEADER } from './render-config.js';
export type { ProfileText } from './profile-shadows.js';

/** One file of the scaffold; `merge` files are combined with an existing file instead of replacing it. */
export interface ScaffoldFile {
  path: string; // relative, with '/'
  text: string;
  kind: 'project' | 'create' | 'merge' | 'schema'; // schema: the tool's copy, brought up to date
}

export interface ScaffoldContext {
  dir: string; // absolute target folder
  schemas: { name: string; text: string }[]; // the JSON schemas the tool ships, copied into the repository
  shippedProfiles: ProfileText[];
  existingGitignore: string | null;
}

/** The files of a new rollout repository, in writing order. Pure: answers and context in, texts out. */
export function buildScaffold(a: InitAnswers, ctx: ScaffoldContext): ScaffoldFile[] {
  const schema = (file: string, kind: string) => schemaLine(file, kind);
  const shadows = shadowProfiles(ctx.shippedProfiles, a.domains, schema('profiles/x.yaml', 'profile'));
  const files: ScaffoldFile[] = [{ path: 'homeshift.yaml', text: renderProjectFile(a, schema('homeshift.yaml', 'homeshift')), kind: 'project' }];
  for (const site of a.sites) {
    const file = `inventory/${site.id}.yaml`;
    files.push({ path: file, text: renderSiteFile(site, a, schema(file, 'inventory')), kind: 'create' });
  }
  files.push({ path: 'directory/employees.csv', text: renderDirectoryFile(), kind: 'create' });
  for (const p of shadows) files.push({ path: `profiles/${p.name}.yaml`, text: p.text, kind: 'create' });
  files.push({ path: '.gitignore', text: renderGitignore(ctx.existingGitignore), kind: 'merge' });
  files.push({ path: 'README.md', text: renderReadme(a, shadows.map((p) => p.name)), kind: 'create' });
  for (const s of ctx.schemas) files.push({ path: `${SCHEMA_FOLDER}/${s.name}`, text: s.text, kind: 'schema' });
  return files;
}
