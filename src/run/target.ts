import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { MachinePlan } from '../model/plan.js';
import type { Target } from '../transport/transport.js';

/** Paths in homeshift.yaml are relative to the rollout repository; `~` is the operator's home. */
export function resolveProjectPath(path: string, projectRoot: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return join(homedir(), path.slice(2));
  return isAbsolute(path) ? path : resolve(projectRoot, path);
}

export function targetFor(plan: MachinePlan, projectRoot: string): Target {
  const ssh = plan.ssh;
  return {
    id: plan.machine.id,
    host: plan.machine.host,
    port: plan.machine.port,
    user: ssh.user,
    identityFile: ssh.identityFile ? resolveProjectPath(ssh.identityFile, projectRoot) : undefined,
    agent: ssh.agent,
    hostKeyPolicy: ssh.hostKeyPolicy,
    knownHosts: ssh.knownHosts ? resolveProjectPath(ssh.knownHosts, projectRoot) : undefined,
    connectTimeoutMs: ssh.connectTimeout * 1000,
    keepaliveMs: 15000,
  };
}
