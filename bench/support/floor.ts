/** The floor of bench/rollout: one PC's work as one plain sh script, for bare ssh2 (measure.ts) and bench/forks. */
import { dirname } from 'node:path';
import type { MachinePlan } from '../../src/model/plan.js';
import { SECRET_PLACEHOLDER_RE } from '../../src/model/plan.js';
import { quotePosix } from '../../src/render/index.js';
import { SECRETS } from './fleet.js';

/**
 * The same work in one plain sh script, without the framework: the checks' commands, the same files, the steps'
 * apply commands and package installs through the same (simulated) tools; no check before and no verify after each
 * step, no markers, no output tails.
 */
export function floorScript(m: MachinePlan): string {
  const root = m.root.replace(/\/+$/, '');
  const lines = [`PATH=${quotePosix(`${root}/.sim/bin`)}:$PATH`, `grep -q luks ${quotePosix(`${root}/etc/crypttab`)} || exit 1`, `find ${quotePosix(`${root}/home`)} -name '*customer*.csv' | grep -q . && exit 1`];
  for (const step of m.steps) {
    for (const f of step.files) {
      const content = f.content.replace(SECRET_PLACEHOLDER_RE, (_, name: string) => SECRETS[name as keyof typeof SECRETS] ?? '');
      const path = `${root}/${f.path}`;
      lines.push(`mkdir -p ${quotePosix(dirname(path))}`, `printf '%s' ${quotePosix(Buffer.from(content).toString('base64'))} | base64 -d > ${quotePosix(path)}`, `chmod ${f.mode} ${quotePosix(path)}`);
    }
    // the steps' own apply commands: the VPN keyfile is loaded, the screen-lock policy compiled
    if (step.id === 'vpn') lines.push('nmcli connection reload >/dev/null || exit 1');
    if (step.id === 'check:screen-lock') lines.push('dconf update >/dev/null || exit 1');
    for (const spec of (step.vars.HS_PACKAGES ?? '').split('\n').filter(Boolean)) {
      const name = spec.split('=')[0];
      lines.push(`dpkg-query -W ${quotePosix(name)} >/dev/null 2>&1 || apt-get install -y ${quotePosix(spec)} >/dev/null || exit 1`);
    }
  }
  return `${lines.join('\n')}\n`;
}
