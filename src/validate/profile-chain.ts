import type { Profile, Project } from '../model/index.js';

export type ProfileChain = { chain: Profile[] } | { cycle: string[] } | { missing: string };

/**
 * Follows `extends` from a profile to its root. chain: base first (e.g. home-office-base, hotline-agent);
 * cycle: the names around the loop, first name repeated at the end; missing: the first unknown name.
 */
export function resolveProfileChain(project: Pick<Project, 'profiles'>, name: string): ProfileChain {
  const chain: Profile[] = [];
  const seen: string[] = [];
  let current: string | undefined = name;
  while (current !== undefined) {
    const at = seen.indexOf(current);
    if (at !== -1) return { cycle: [...seen.slice(at), current] };
    seen.push(current);
    const profile = project.profiles.get(current);
    if (!profile) return { missing: current };
    chain.unshift(profile);
    current = profile.extends;
  }
  return { chain };
}

/** The resolved chain, or null when the profile is unknown or its chain is broken. */
export function chainOrNull(project: Pick<Project, 'profiles'>, name: string): Profile[] | null {
  const result = resolveProfileChain(project, name);
  return 'chain' in result ? result.chain : null;
}
