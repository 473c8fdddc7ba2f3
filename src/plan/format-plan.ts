import { Chalk } from 'chalk';
import type { MachinePlan, Plan } from '../model/plan.js';
import { SECRET_PLACEHOLDER } from '../model/plan.js';
import { formatPosixPrelude, formatPowerShellPrelude, secretVarName } from '../render/prelude.js';
import { machineVars } from '../shell/machine-prelude.js';

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
  const lines = [
    `${c.bold(m.machine.id)}  ${m.machine.os}  site ${m.machine.site}  ${m.machine.host}:${m.machine.port}  profile ${c.cyan(m.profile.chain.join(' > '))}`,
    `  employee  ${m.employee.name} <${m.employee.mailbox}> (${m.employee.id})`,
    `  mailbox   personal ${m.mailbox.personal ?? '-'}; shared ${m.mailbox.shared.join(', ') || '-'} (${m.mailbox.client})`,
    `  vpn       ${m.vpn ? `${m.vpn.connectionName} ${m.vpn.type} to ${m.vpn.gateway} as ${m.vpn.identity}${m.vpn.splitTunnel ? ', split tunnel' : ''}` : '-'}`,
    `  bundles   ${m.bundles.map((b) => `${b.name} ${b.version} (${b.packages.map((p) => `${p.name} ${p.version}`).join(', ')})`).join('; ') || '-'}`,
    `  checks    ${checksLine(m)}`,
    `  root      ${m.root}`,
    `  steps`,
  ];
  m.steps.forEach((s, i) => {
    const flags = [s.checkOnly ? 'check only' : '', s.secrets.length ? `secrets: ${s.secrets.join(', ')}` : '', `${s.timeout}s`].filter(Boolean).join(', ');
    lines.push(`    ${String(i + 1).padStart(2)}. ${c.yellow(s.id.padEnd(24))} ${s.title} ${c.dim(`[${flags}]`)}`);
  });
  return lines;
}

function stepDetails(m: MachinePlan, c: Paint): string[] {
  const lines: string[] = ['', c.bold('Prelude (every step)'), indent(prelude(m, machineVars(m)))];
  for (const step of m.steps) {
    lines.push('', c.bold(`Step ${step.id}`) + c.dim(`  script ${step.script}`));
    const vars: Record<string, string> = { ...step.vars };
    for (const secret of step.secrets) vars[secretVarName(secret)] = SECRET_PLACEHOLDER(secret);
    if (Object.keys(vars).length) lines.push(indent(prelude(m, vars)));
    for (const file of step.files) {
      lines.push(c.dim(`  --- ${file.path} (mode ${file.mode})`), indent(file.content.replace(/\n$/, ''), '  | '));
    }
  }
  return lines;
}

function prelude(m: MachinePlan, vars: Record<string, string>): string {
  return m.machine.os === 'linux' ? formatPosixPrelude(vars) : formatPowerShellPrelude(vars);
}

function indent(text: string, prefix = '  '): string {
  return text
    .split('\n')
    .map((l) => prefix + l)
    .join('\n');
}

/** The plan for people: summary per site/profile/os, then every machine; with `machine`, that one in full. */
export function formatPlanText(plan: Plan, opts: { machine?: string; color: boolean }): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const lines = [
    `${c.bold(`Plan ${plan.project}`)}  ${plan.summary.machines} machine(s), ${plan.summary.steps} step(s)  ${c.dim(`hash ${plan.hash.slice(0, 12)}`)}`,
    `  by site     ${counts(plan.summary.bySite)}`,
    `  by profile  ${counts(plan.summary.byProfile)}`,
    `  by os       ${counts(plan.summary.byOs)}`,
  ];
  const machines = opts.machine ? plan.machines.filter((m) => m.machine.id === opts.machine) : plan.machines;
  if (opts.machine && machines.length === 0) lines.push('', `machine ${opts.machine} is not in this plan`);
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
  const keys = Object.keys(plan) as (keyof Plan)[];
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
    for (let i = 0; i < plan.machines.length; i++) yield `${JSON.stringify(plan.machines[i])}${i < plan.machines.length - 1 ? ',' : ''}\n`;
    yield ']';
  }
  yield '}\n';
}

export function formatPlanJson(plan: Plan): string {
  return [...planJsonChunks(plan)].join('');
}
