import type { Diagnostic, Machine, Os, Project } from '../../model/index.js';
import { chainOrNull } from '../profile-chain.js';
import { fieldAt, reporter, type Rule } from '../rule.js';

interface Users { count: number; example: Machine }

/** For every profile (also as a parent) and os: how many machines use it, with one example. */
export function collectProfileUsage(project: Project): Map<string, Map<Os, Users>> {
  const byRole = new Map<string, Map<Os, Users>>();
  for (const m of project.machines) {
    let perOs = byRole.get(m.role);
    if (!perOs) byRole.set(m.role, (perOs = new Map()));
    const users = perOs.get(m.os);
    if (users) users.count++;
    else perOs.set(m.os, { count: 1, example: m });
  }
  const usage = new Map<string, Map<Os, Users>>();
  for (const [role, perOs] of byRole) {
    for (const profile of chainOrNull(project, role) ?? []) {
      let target = usage.get(profile.name);
      if (!target) usage.set(profile.name, (target = new Map()));
      for (const [os, users] of perOs) {
        const known = target.get(os);
        if (known) known.count += users.count;
        else target.set(os, { ...users });
      }
    }
  }
  return usage;
}

const OS_ORDER: Os[] = ['linux', 'windows'];

export const bundleOsUnsupported: Rule = {
  id: 'bundle-os-unsupported', severity: 'error', description: 'every package of a bundle has an entry for each os of the machines that get it',
  check(project) {
    const report = reporter(this);
    const usage = collectProfileUsage(project);
    const bundleUsers = new Map<string, Map<Os, Users>>();
    for (const [profileName, perOs] of usage) {
      for (const bundle of project.profiles.get(profileName)?.bundles ?? []) {
        let target = bundleUsers.get(bundle);
        if (!target) bundleUsers.set(bundle, (target = new Map()));
        for (const [os, users] of perOs) if (!target.has(os)) target.set(os, users);
      }
    }
    const out: Diagnostic[] = [];
    for (const [name, perOs] of bundleUsers) {
      const bundle = project.bundles.get(name);
      if (!bundle) continue;
      for (const os of OS_ORDER) {
        const users = perOs.get(os);
        if (!users) continue;
        bundle.packages.forEach((pkg, i) => {
          if (pkg[os]) return;
          const eg = users.example;
          out.push(report(`bundle ${name}: package ${pkg.name} has no ${os} entry, but ${os} machines get this bundle (e.g. ${eg.id}, role ${eg.role})`, fieldAt(bundle, `packages.${i}`), eg.id));
        });
      }
    }
    return out;
  },
};

export const unknownTemplate: Rule = {
  id: 'unknown-template', severity: 'error', description: 'profile steps and files name existing templates for each os that runs them (files: exact name or <os>/name)',
  check(project) {
    const report = reporter(this);
    const out: Diagnostic[] = [];
    for (const [profileName, perOs] of collectProfileUsage(project)) {
      const profile = project.profiles.get(profileName);
      if (!profile) continue;
      profile.steps.forEach((step, i) => {
        const missingFiles = new Map<number, Os[]>();
        for (const os of OS_ORDER) {
          const users = perOs.get(os);
          if (!users || (step.os && !step.os.includes(os))) continue;
          const script = `${os}/${step.template}.${os === 'windows' ? 'ps1' : 'sh'}`;
          if (!project.templates.has(script)) {
            out.push(report(`profile ${profileName} step ${step.id}: template ${script} not found (needed by ${users.count} ${os} machine${users.count === 1 ? '' : 's'}, e.g. ${users.example.id})`, fieldAt(profile, `steps.${i}.template`)));
          }
          // A file template is named exactly or relative to the os folder (as the planner resolves it).
          (step.files ?? []).forEach((f, j) => {
            if (!project.templates.has(f.template) && !project.templates.has(`${os}/${f.template}`)) missingFiles.set(j, [...(missingFiles.get(j) ?? []), os]);
          });
        }
        for (const [j, oses] of missingFiles) {
          const f = step.files![j];
          const tried = oses.map((os) => `${os}/${f.template}`).join(', ');
          out.push(report(`profile ${profileName} step ${step.id}: file template ${f.template} not found (looked for ${f.template}, ${tried})`, fieldAt(profile, `steps.${i}.files.${j}.template`)));
        }
      });
    }
    return out;
  },
};
