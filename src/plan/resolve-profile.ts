import type { CheckSettings, MailboxSettings, Profile, ProfileStep, Project, Vars, VpnSettings } from '../model/project.js';

/** A profile with its `extends` chain folded in: parent first, child wins. */
export interface ResolvedProfile {
  name: string;
  description: string | null;
  chain: string[]; // base first
  vpn: VpnSettings | null;
  bundles: string[];
  mailbox: Partial<MailboxSettings>;
  checks: CheckSettings;
  steps: ProfileStep[];
  vars: Vars;
}

export class ProfileError extends Error {
  constructor(message: string, readonly profile: string) {
    super(message);
    this.name = 'ProfileError';
  }
}

/** Profiles from the named one up to its root, root first; cycles and unknown parents are errors. */
export function collectProfileChain(profiles: Map<string, Profile>, name: string): Profile[] {
  const chain: Profile[] = [];
  const seen = new Set<string>();
  let current: string | undefined = name;
  while (current !== undefined) {
    if (seen.has(current)) throw new ProfileError(`profile ${name}: extends cycle through ${current}`, name);
    seen.add(current);
    const profile = profiles.get(current);
    if (!profile) {
      const from = chain.length ? ` (extended by ${chain[0].name})` : '';
      throw new ProfileError(`unknown profile ${current}${from}`, name);
    }
    chain.unshift(profile);
    current = profile.extends;
  }
  return chain;
}

function mergeSteps(into: ProfileStep[], steps: ProfileStep[]): ProfileStep[] {
  const result = [...into];
  for (const step of steps) {
    const at = result.findIndex((s) => s.id === step.id);
    if (at >= 0) result[at] = step; // a child redefining a step id replaces the parent's in place
    else result.push(step);
  }
  return result;
}

export function resolveProfile(project: Project, name: string): ResolvedProfile {
  const chain = collectProfileChain(project.profiles, name);
  let vpn: Partial<VpnSettings> | null = null;
  const bundles: string[] = [];
  let mailbox: Partial<MailboxSettings> = {};
  let checks: Partial<CheckSettings> = {};
  let steps: ProfileStep[] = [];
  let vars: Vars = {};
  let description: string | null = null;
  for (const profile of chain) {
    if (profile.vpn) vpn = { ...(vpn ?? {}), ...profile.vpn };
    for (const bundle of profile.bundles) if (!bundles.includes(bundle)) bundles.push(bundle);
    if (profile.mailbox) mailbox = { ...mailbox, ...profile.mailbox };
    if (profile.checks) checks = { ...checks, ...profile.checks };
    steps = mergeSteps(steps, profile.steps);
    vars = { ...vars, ...profile.vars };
    if (profile.description !== undefined) description = profile.description;
  }
  return {
    name,
    description,
    chain: chain.map((p) => p.name),
    vpn: vpn ? completeVpn(vpn, name) : null,
    bundles,
    mailbox,
    checks: { diskEncryption: false, noLocalCustomerData: false, ...checks },
    steps,
    vars,
  };
}

function completeVpn(vpn: Partial<VpnSettings>, profile: string): VpnSettings {
  if (!vpn.connectionName) throw new ProfileError(`profile ${profile}: vpn needs a connectionName`, profile);
  const result: VpnSettings = { type: vpn.type ?? 'ikev2', connectionName: vpn.connectionName, splitTunnel: vpn.splitTunnel ?? false };
  if (vpn.pskSecret !== undefined) result.pskSecret = vpn.pskSecret;
  if (vpn.dnsSuffix !== undefined) result.dnsSuffix = vpn.dnsSuffix;
  return result;
}
