/**
 * Is everything ready for a rollout, learned without changing anything: every secret the plan needs readable,
 * the SSH identity usable, and every selected PC reachable and logged into, proved by a no-op exec over the
 * same transport a rollout uses. No lease is taken, nothing is written on any PC, the journal is not touched.
 */
import { access, constants } from 'node:fs/promises';
import { adviceFor } from '../model/advice.js';
import type { MachinePlan, Plan } from '../model/plan.js';
import { countReadiness, type MachineReadiness, type PreflightReport, type RepositoryFinding } from '../model/preflight.js';
import type { SecretSource } from '../model/project.js';
import type { ErrorClass } from '../model/result.js';
import { pingCommand, PING_ANSWER } from '../shell/index.js';
import { resolveKnownHostsFile } from '../transport/host-key-policy.js';
import { checkIdentity } from '../transport/identity-check.js';
import { TransportError, type Target, type Transport } from '../transport/transport.js';
import { readSecrets } from './secrets.js';
import { targetFor } from './target.js';

export interface PreflightRequest {
  plan: Plan; // the selected machines, planned
  transport: Transport; // one that does not pin new host keys
  secretSources: Record<string, SecretSource>;
  projectRoot: string;
  forks: number;
  env?: NodeJS.ProcessEnv;
}

const MIN_ANSWER_MS = 30_000; // a Windows PC starting PowerShell under load needs some seconds for the no-op

const identityOf = (target: Target): string => (target.agent ? `agent ${target.agent === true ? 'SSH_AUTH_SOCK' : target.agent}` : target.identityFile ?? '');

/** The repository checks first, then every PC at `forks` at a time. */
export async function runPreflight(req: PreflightRequest): Promise<PreflightReport> {
  const env = req.env ?? process.env;
  const findings: RepositoryFinding[] = [];
  const needed = req.plan.machines.flatMap((m) => m.steps.flatMap((s) => s.secrets));
  for (const problem of readSecrets(req.secretSources, needed, req.projectRoot, env).problems) {
    findings.push(finding('secret', problem.secret, problem.message));
  }
  const targets = req.plan.machines.map((m) => targetFor(m, req.projectRoot));
  const unusable = await checkIdentities(targets, env);
  for (const [key, problem] of unusable) findings.push(finding('identity', key, problem));
  findings.push(...(await checkKnownHostsFiles(targets)));

  const machines: MachineReadiness[] = new Array(req.plan.machines.length);
  let next = 0;
  const worker = async () => {
    while (next < req.plan.machines.length) {
      const i = next++;
      const blocked = unusable.get(identityOf(targets[i]));
      machines[i] = blocked
        ? notReady(req.plan.machines[i], 'auth', `${targets[i].id}: not contacted: ${blocked}`)
        : await checkMachine(req.plan.machines[i], targets[i], req.transport);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(req.forks, machines.length)) }, worker));
  const repositoryReady = findings.length === 0;
  return {
    ready: repositoryReady && machines.every((m) => m.ready),
    repository: { ready: repositoryReady, findings },
    sites: countReadiness(machines),
    machines,
  };
}

const finding = (kind: RepositoryFinding['kind'], subject: string, message: string): RepositoryFinding => ({
  kind, subject, message, whatToDo: adviceFor('validation', message).text,
});

/** Each distinct identity once: the ones that cannot log in, with why. */
async function checkIdentities(targets: Target[], env: NodeJS.ProcessEnv): Promise<Map<string, string>> {
  const unusable = new Map<string, string>();
  const checked = new Set<string>();
  for (const target of targets) {
    const key = identityOf(target);
    if (checked.has(key)) continue;
    checked.add(key);
    const problem = await checkIdentity(target, env);
    if (problem !== null) unusable.set(key, problem);
  }
  return unusable;
}

/** Under `strict` only known hosts are contacted: a known_hosts file that is not there refuses every PC. */
async function checkKnownHostsFiles(targets: Target[]): Promise<RepositoryFinding[]> {
  const files = new Set(targets.filter((t) => t.hostKeyPolicy === 'strict').map((t) => resolveKnownHostsFile(t)));
  const findings: RepositoryFinding[] = [];
  for (const file of [...files].sort()) {
    try {
      await access(file, constants.R_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      const why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`;
      findings.push(finding('known-hosts', file, `known_hosts file ${file} ${why}: with hostKeyPolicy strict no PC is contacted`));
    }
  }
  return findings;
}

function notReady(plan: MachinePlan, errorClass: ErrorClass, message: string): MachineReadiness {
  const m = plan.machine;
  const advice = adviceFor(errorClass, message, m.os);
  return { machine: m.id, site: m.site, os: m.os, ready: false, errorClass, message, whatToDo: advice.text, who: advice.who };
}

/** Connect (host key, login) and run the no-op; every failure becomes this PC's record. */
async function checkMachine(plan: MachinePlan, target: Target, transport: Transport): Promise<MachineReadiness> {
  const m = plan.machine;
  const failure = (err: unknown) => {
    if (err instanceof TransportError) return notReady(plan, err.errorClass, err.message);
    return notReady(plan, 'internal', `${m.id}: ${(err as Error)?.message ?? String(err)}`);
  };
  let conn;
  try {
    conn = await transport.connect(target);
  } catch (err) {
    return failure(err);
  }
  try {
    const limitMs = Math.max(target.connectTimeoutMs, MIN_ANSWER_MS);
    const answer = await conn.exec(pingCommand(m.os), { timeoutMs: limitMs });
    if (answer.timedOut) return notReady(plan, 'timeout', `${m.id}: logged in, but the no-op command gave no answer within ${limitMs / 1000} s`);
    if (answer.exitCode !== 0 || !answer.stdout.includes(PING_ANSWER)) {
      const said = answer.stderr.trim().split('\n').at(-1)?.trim() || answer.stdout.trim().split('\n').at(-1)?.trim() || 'no output';
      return notReady(plan, 'step-failed', `${m.id}: logged in, but the no-op command failed (exit ${answer.exitCode ?? answer.signal ?? 'none'}): ${said}`);
    }
    return { machine: m.id, site: m.site, os: m.os, ready: true, errorClass: null, message: 'ready', whatToDo: null, who: null };
  } catch (err) {
    return failure(err);
  } finally {
    await conn.close().catch(() => undefined);
  }
}
