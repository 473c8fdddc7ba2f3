import { wasRejected, type Diagnostic } from '../../model/index.js';
import { resolveProfileChain } from '../profile-chain.js';
import { fieldAt, profilesToCheck, reporter, type Rule } from '../rule.js';

export const profileExtendsUnknown: Rule = {
  id: 'profile-extends-unknown', severity: 'error', description: 'a profile extends an existing profile',
  check(project) {
    const report = reporter(this);
    return [...project.profiles.values()]
      .filter((p) => p.extends !== undefined && !project.profiles.has(p.extends) && !wasRejected(project.rejected, 'profiles', p.extends))
      .map((p) => report(`profile ${p.name}: extends unknown profile ${p.extends}`, fieldAt(p, 'extends')));
  },
};

export const profileExtendsCycle: Rule = {
  id: 'profile-extends-cycle', severity: 'error', description: 'extends chains end at a base profile',
  check(project) {
    const report = reporter(this);
    const reported = new Set<string>();
    const out: Diagnostic[] = [];
    for (const name of [...project.profiles.keys()].sort()) {
      const result = resolveProfileChain(project, name);
      if (!('cycle' in result)) continue;
      const members = result.cycle.slice(0, -1);
      const key = [...members].sort().join(' ');
      if (reported.has(key)) continue;
      reported.add(key);
      // Start the loop at its alphabetically first member so the message does not depend on where it was entered.
      const first = [...members].sort()[0];
      const at = members.indexOf(first);
      const loop = [...members.slice(at), ...members.slice(0, at), first];
      const profile = project.profiles.get(first)!;
      out.push(report(`profile ${first}: extends cycle ${loop.join(' -> ')}`, fieldAt(profile, 'extends')));
    }
    return out;
  },
};

export const unknownBundle: Rule = {
  id: 'unknown-bundle', severity: 'error', description: 'profiles name existing bundles',
  check(project) {
    const report = reporter(this);
    const out: Diagnostic[] = [];
    for (const p of profilesToCheck(project)) {
      p.bundles.forEach((b, i) => {
        if (!project.bundles.has(b) && !wasRejected(project.rejected, 'bundles', b)) out.push(report(`profile ${p.name}: bundle ${b} is not defined`, fieldAt(p, `bundles.${i}`, 'bundles')));
      });
    }
    return out;
  },
};

export const unknownSecret: Rule = {
  id: 'unknown-secret', severity: 'error', description: 'profiles use secrets declared in homeshift.yaml',
  check(project) {
    const report = reporter(this);
    const declared = project.config.secrets;
    const out: Diagnostic[] = [];
    const need = (profile: string, secret: string, pos: ReturnType<typeof fieldAt>) => {
      if (!Object.hasOwn(declared, secret)) out.push(report(`profile ${profile}: secret ${secret} is not declared under secrets: in homeshift.yaml`, pos));
    };
    for (const p of profilesToCheck(project)) {
      if (p.vpn?.pskSecret !== undefined) need(p.name, p.vpn.pskSecret, fieldAt(p, 'vpn.pskSecret'));
      p.steps.forEach((s, i) => s.secrets.forEach((secret, j) => need(p.name, secret, fieldAt(p, `steps.${i}.secrets.${j}`))));
    }
    return out;
  },
};
