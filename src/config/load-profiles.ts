import path from 'node:path';
import type { Diagnostic, Profile, ProfileStep, Rejected } from '../model/index.js';
import { createDiagnostic, displayPath } from './diagnostics.js';
import { listYamlFiles } from './list-files.js';
import { loadYamlFile } from './yaml-file.js';
import { collectFieldPositions, posAtPath, type YamlSource } from './yaml-source.js';

type RawStep = Omit<ProfileStep, 'pos' | 'vars' | 'secrets'> & Partial<Pick<ProfileStep, 'vars' | 'secrets'>>;
type RawProfile = Omit<Profile, 'pos' | 'file' | 'steps' | 'bundles' | 'vars' | 'fieldPos'> & { steps?: RawStep[]; bundles?: string[]; vars?: Profile['vars'] };

/** Loads role profiles, one per file, from folders in search order: the first folder defining a name wins. */
export function loadProfiles(root: string, dirs: string[], diags: Diagnostic[], rejected?: Rejected): Map<string, Profile> {
  const profiles = new Map<string, Profile>();
  for (const dir of dirs) {
    const seenHere = new Map<string, Profile>();
    for (const abs of listYamlFiles(dir)) {
      const file = displayPath(root, abs);
      const loaded = loadYamlFile(abs, file, 'profile', diags);
      if (!loaded || loaded.check.fileBroken) {
        const name = (loaded?.data as { name?: unknown } | undefined)?.name;
        rejected?.profiles.add(typeof name === 'string' ? name : path.basename(abs).replace(/\.ya?ml$/, ''));
        continue;
      }
      const profile = toProfile(loaded.source(), file);
      const twin = seenHere.get(profile.name);
      if (twin) {
        diags.push(createDiagnostic('duplicate-profile', `profile ${profile.name} is also defined in ${twin.file}`, profile.fieldPos?.name ?? profile.pos));
        continue;
      }
      seenHere.set(profile.name, profile);
      if (!profiles.has(profile.name)) profiles.set(profile.name, profile);
    }
  }
  return profiles;
}

function toProfile(src: YamlSource, file: string): Profile {
  const raw = src.data as RawProfile;
  const profile: Profile = {
    name: raw.name,
    bundles: raw.bundles ?? [],
    steps: (raw.steps ?? []).map((step, i) => toStep(src, step, i)),
    vars: raw.vars ?? {},
    pos: posAtPath(src, []),
    fieldPos: collectFieldPositions(src, src.doc.contents, 6),
    file,
  };
  if (raw.extends !== undefined) profile.extends = raw.extends;
  if (raw.description !== undefined) profile.description = raw.description;
  if (raw.vpn !== undefined) profile.vpn = raw.vpn;
  if (raw.mailbox !== undefined) profile.mailbox = raw.mailbox;
  if (raw.checks !== undefined) profile.checks = raw.checks;
  if (raw.compliance !== undefined) profile.compliance = raw.compliance;
  return profile;
}

function toStep(src: YamlSource, raw: RawStep, i: number): ProfileStep {
  const step: ProfileStep = { id: raw.id, title: raw.title, template: raw.template, vars: raw.vars ?? {}, secrets: raw.secrets ?? [], pos: posAtPath(src, ['steps', i]) };
  if (raw.os !== undefined) step.os = raw.os;
  if (raw.files !== undefined) step.files = raw.files;
  if (raw.timeout !== undefined) step.timeout = raw.timeout;
  return step;
}
