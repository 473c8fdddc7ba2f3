import { Chalk } from 'chalk';
import type { MachinePlan, Plan } from '../model/plan.js';
import type { PlanOf } from './build-plan.js';
import { machinePlanJson } from './machine-json.js';
import { SECRET_PLACEHOLDER } from '../model/plan.js';
import { formatPosixPrelude, formatPowerShellPrelude, secretVarName } from '../render/prelude.js';
import { machineVars } from '../shell/machine-prelude.js';
import { printable as p } from '../model/printable.js';

type Paint = InstanceType<typeof Chalk>;

function counts(record: Record<string, number>): string {
  return Object.entries(record).map(([k, v]) => `${k} ${v}`).join(', ') || '-';
}

function checksLine(m: MachinePlan): string {
  const parts: string[] = [];
  if (m.checks.diskEncryption) parts.push('disk encryption');
  if (m.checks.screenLockMinutes !== undefined) parts.push(`screen lock <= ${m.checks.screenLockMinutes} min`);
  if (m.checks.noLocalCustomerData) parts.push('no local customer data');
  return parts.join(', ') || 'none';
}

function machineBlock(m: MachinePlan, c: Paint): string[] {
  // Every value is data: p() shows its controls and bidi characters as escapes.
  const lines = [
    `${c.bold(p(m.machine.id))}  ${m.machine.os}  site ${p(m.machine.site)}  ${p(m.machine.host)}:${m.machine.port}  profile ${c.cyan(p(m.profile.chain.join(' > ')))}`,
    `  employee  ${p(m.employee.name)} <${p(m.employee.mailbox)}> (${p(m.employee.id)})`,
    `  mailbox   personal ${p(m.mailbox.personal ?? '-')}; shared ${p(m.mailbox.shared.join(', ') || '-')} (${p(m.mailbox.client)})`,
    `  vpn       ${m.vpn ? p(`${m.vpn.connectionName} ${m.vpn.type} to ${m.vpn.gateway} as ${m.vpn.identity}${m.vpn.splitTunnel ? ', split tunnel' : ''}`) : '-'}`,
    `  bundles   ${p(m.bundles.map((b) => `${b.name} ${b.version} (${b.packages.map((k) => `${k.name} ${k.version}`).join(', ')})`).join('; ') || '-')}`,
    `  checks    ${checksLine(m)}`,
    `  root      ${p(m.root)}`,
    `  steps`,
  ];
  m.steps.forEach((s, i) => {
    const flags = [s.checkOnly ? 'check only' : '', s.secrets.length ? `secrets: ${s.secrets.join(', ')}` : '', `${s.timeout}s`].filter(Boolean).join(', ');
    lines.push(`    ${String(i + 1).padStart(2)}. ${c.yellow(p(s.id).padEnd(24))} ${p(s.title)} ${c.dim(`[${p(flags)}]`)}`);
  });
  return lines;
}

function stepDetails(m: MachinePlan, c: Paint): string[] {
  const lines: string[] = ['', c.bold('Prelude (every step)'), indent(prelude(m, machineVars(m)))];
  for (const step of m.steps) {
    lines.push('', c.bold(`Step ${p(step.id)}`) + c.dim(`  script ${p(step.script)}`));
    const vars: Record<string, string> = { ...step.vars };
    for (const secret of step.secrets) vars[secretVarName(secret)] = SECRET_PLACEHOLDER(secret);
    if (Object.keys(vars).length) lines.push(indent(prelude(m, vars)));
    for (const file of step.files) {
      lines.push(c.dim(`  --- ${p(file.path)} (mode ${p(file.mode)})`), indent(file.content.replace(/\n$/, ''), '  | '));
    }
  }
  return lines;
}

function prelude(m: MachinePlan, vars: Record<string, string>): string {
  return m.machine.os === 'linux' ? formatPosixPrelude(vars) : formatPowerShellPrelude(vars);
}

// Multi-line program and file text, one screen line per line; other controls in it are shown as escapes.
function indent(text: string, prefix = '  '): string {
  return text
    .split('\n')
    .map((l) => prefix + p(l, { keepLines: true }))
    .join('\n');
}

/** The plan for people: summary per site/profile/os, then every machine; with `machine`, that one in full. */
export function formatPlanText(plan: Plan, opts: { machine?: string; color: boolean }): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const lines = [
    `${c.bold(`Plan ${p(plan.project)}`)}  ${plan.summary.machines} machine(s), ${plan.summary.steps} step(s)  ${c.dim(`hash ${plan.hash.slice(0, 12)}`)}`,
    `  by site     ${p(counts(plan.summary.bySite))}`,
    `  by profile  ${p(counts(plan.summary.byProfile))}`,
    `  by os       ${counts(plan.summary.byOs)}`,
  ];
  const machines = opts.machine ? plan.machines.filter((m) => m.machine.id === opts.machine) : plan.machines;
  if (opts.machine && machines.length === 0) lines.push('', `machine ${p(opts.machine)} is not in this plan`);
  for (const m of machines) {
    lines.push('', ...machineBlock(m, c));
    if (opts.machine) lines.push(...stepDetails(m, c));
  }
  return lines.join('\n') + '\n';
}

/**
 * The plan as stable JSON (key order as built, the same bytes for the same inputs), one machine a line so that it
 * streams: 16,000 machines never sit in memory as one string, and grep finds a machine's line.
 */
export function* planJsonChunks(plan: Plan): Generator<string> {
  yield* planJsonFrame(plan, machinePlanJson);
}

/** The JSON of a plan around its machines' own JSON, however the machines are kept (see encoded-plan.ts). */
export function* planJsonFrame<M, J extends string | Uint8Array>(plan: PlanOf<M>, machineJson: (m: M) => J): Generator<string | J> {
  const keys = Object.keys(plan) as (keyof PlanOf<M>)[];
  let first = true;
  yield '{';
  for (const key of keys) {
    const prefix = `${first ? '' : ','}${JSON.stringify(key)}:`;
    first = false;
    if (key !== 'machines') {
      yield `${prefix}${JSON.stringify(plan[key])}\n`;
      continue;
    }
    yield `${prefix}[\n`;
    for (let i = 0; i < plan.machines.length; i++) {
      yield machineJson(plan.machines[i]);
      yield i < plan.machines.length - 1 ? ',\n' : '\n';
    }
    yield ']';
  }
  yield '}\n';
}

export function formatPlanJson(plan: Plan): string {
  return [...planJsonChunks(plan)].join('');
}
