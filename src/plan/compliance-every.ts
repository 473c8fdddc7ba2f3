import { parseDuration } from '../journal/escalation.js';
import type { Project } from '../model/project.js';
import { collectProfileChain } from './resolve-profile.js';

/** compliance.every of each profile (the nearest in its extends chain that sets it), in ms; absent: never due. */
export function complianceIntervals(project: Project): Map<string, number> {
  const every = new Map<string, number>();
  for (const name of project.profiles.keys()) {
    let text: string | undefined;
    try {
      for (const p of collectProfileChain(project.profiles, name)) text = p.compliance?.every ?? text;
    } catch {
      continue; // a broken chain is validate's to report
    }
    const ms = text === undefined ? null : parseDuration(text);
    if (ms !== null && ms > 0) every.set(name, ms);
  }
  return every;
}
