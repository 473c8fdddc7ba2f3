/** A fleet of N machine entries that all reach one loopback sshd, each PC with its own root and simulated tools. */
import { execa } from 'execa';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { loadProject } from '../../src/config/index.js';
import { generateFleet } from '../../src/lab/generate.js';
import { installSimTools } from '../../src/lab/sim-tools.js';
import type { Plan } from '../../src/model/plan.js';
import { buildPlan } from '../../src/plan/index.js';
import type { Sshd } from '../../test/support/sshd.js';

/** What a fleet needs of the sshd its PCs are reached through. */
export type FleetSshd = Pick<Sshd, 'port' | 'clientKeyFile' | 'knownHostsFile'>;

export const SECRETS = { vpnPsk: 'bench-psk-0123456789', enrolmentToken: 'bench-token-0123456789' };

export interface BenchFleet {
  dir: string;
  projectDir: string;
  plan: Plan;
  roots: string[];
}

/** Fresh PC roots, owned by the login user: every method starts from the same untouched PCs. */
export async function resetRoots(roots: string[], owner: string): Promise<void> {
  for (let i = 0; i < roots.length; i += 50) {
    await Promise.all(roots.slice(i, i + 50).map(async (root) => {
      await rm(root, { recursive: true, force: true });
      await installSimTools(root);
    }));
  }
  if (owner !== 'root' && roots.length > 0) await execa('chown', ['-R', owner, dirname(roots[0])]);
}

export async function makeFleet(dir: string, n: number, sshd: FleetSshd, user: string): Promise<BenchFleet> {
  const projectDir = join(dir, 'project');
  await mkdir(projectDir, { recursive: true });
  await generateFleet(projectDir, { machines: n, sites: 5, linuxShare: 1, seed: 7, hostFor: () => ({ host: '127.0.0.1', port: sshd.port }) });
  const loaded = await loadProject({ projectDir });
  if (!loaded.project) throw new Error(`bench fleet did not load: ${loaded.diagnostics.map((d) => d.message).join('; ')}`);
  const project = loaded.project;
  project.config.ssh = { ...project.config.ssh, user, port: sshd.port, identityFile: sshd.clientKeyFile, knownHosts: sshd.knownHostsFile, hostKeyPolicy: 'strict', connectTimeout: 30, stepTimeout: 120 };
  const roots = project.machines.map((m) => join(dir, 'pcs', m.id));
  project.machines.forEach((m, i) => { m.vars = { ...m.vars, root: roots[i] }; });
  const plan = buildPlan(project);
  await resetRoots(roots, user);
  return { dir, projectDir, plan, roots };
}
