import type { Employee, Machine, Project, Site, SshSettings, Vars } from '../model/project.js';
import type { MachinePlan, PlannedFile, PlannedStep } from '../model/plan.js';
import { compileTemplate, TemplateError } from '../render/engine.js';
import { hasSecretMark, takeSecretMarks } from '../render/secret-mark.js';
import { sha256, sortedKeys } from './hash.js';
import { PlanError } from './plan-error.js';
import { createPlanContext, getRecipe, getTemplate, type PlanContext, type Recipe, type SiteParts } from './plan-context.js';
import { sharedJson } from './machine-json.js';
import { homeshiftPaths, type RenderContext, type StepSpec } from './builtin-steps.js';

const DEFAULT_STEP_TIMEOUT = 300;
const NO_MAILBOXES: string[] = [];
const NO_VARS = {};

// A step without files is the same for every machine of its recipe whose vars are the same object (fixed vars:
// bundles, most checks, many profile steps; or vars a step gives as one object while they stay the same) and whose
// time limit is the same: one object for all of them, kept with the recipe.
function filelessStep(recipe: Recipe, index: number, vars: Record<string, string>, timeout: number): PlannedStep {
  const byTimeout = recipe.planned.filelessSteps[index];
  const last = byTimeout.get(timeout);
  if (last?.step.vars === vars) {
    if (!last.shared) {
      sharedJson(last.step); // encoded once it serves a second machine
      last.shared = true;
    }
    return last.step;
  }
  const spec = recipe.steps[index];
  const step: PlannedStep = { id: spec.id, title: spec.title, script: spec.script, vars, files: [], secrets: recipe.planned.stepSecrets[index], checkOnly: spec.checkOnly, timeout, ...(spec.disturbs ? { disturbs: true as const } : {}) };
  byTimeout.set(timeout, { step, shared: false });
  return step;
}

function mergeSsh(...layers: (SshSettings | undefined)[]): SshSettings {
  const merged: SshSettings = {};
  for (const layer of layers) if (layer) Object.assign(merged, layer);
  return merged;
}

function planSsh(ssh: SshSettings): MachinePlan['ssh'] {
  const result: MachinePlan['ssh'] = {
    user: ssh.user ?? 'homeshift',
    agent: ssh.agent ?? false,
    hostKeyPolicy: ssh.hostKeyPolicy ?? 'strict',
    connectTimeout: ssh.connectTimeout ?? 10,
    machineTimeout: ssh.machineTimeout ?? 3600,
  };
  if (ssh.identityFile !== undefined) result.identityFile = ssh.identityFile;
  if (ssh.knownHosts !== undefined) result.knownHosts = ssh.knownHosts;
  if (ssh.startTimeout !== undefined) result.startTimeout = ssh.startTimeout;
  return result;
}

function toPlanError(err: unknown, machine: Machine, ctx: PlanContext): PlanError {
  if (err instanceof PlanError) return err;
  if (err instanceof TemplateError) {
    const source = ctx.project.templates.get(err.template);
    const pos = source && err.line !== undefined ? { file: source.file, line: err.line, col: err.col ?? 1 } : undefined;
    const rule = err.variable !== undefined ? 'undefined-template-variable' : 'template-syntax';
    const fields = { machine: machine.id, template: err.template, rule, message: `machine ${machine.id}: ${err.message}`, ...(pos ? { pos } : {}) };
    return new PlanError(err.variable !== undefined ? { ...fields, variable: err.variable } : fields);
  }
  const template = (err as { template?: string }).template;
  const message = err instanceof Error ? err.message : String(err);
  return new PlanError({ machine: machine.id, message: `machine ${machine.id}: ${message}`, ...(template ? { template, rule: 'unknown-template' } : {}), pos: machine.pos });
}

function renderPath(ctx: PlanContext, path: string, context: RenderContext, machine: string): string {
  let rendered = path;
  if (path.includes('{{')) {
    const key = `path:${path}`;
    let render = ctx.templates.get(key);
    if (!render) ctx.templates.set(key, (render = compileTemplate(`path ${path}`, path)));
    rendered = render(context);
  } else {
    // a path without placeholders comes out the same for every machine: normalised once (a bad one fails each time)
    const known = ctx.fixedPaths.get(path);
    if (known !== undefined) return known;
    const normal = normalPath(path, path, machine);
    ctx.fixedPaths.set(path, normal);
    return normal;
  }
  return normalPath(path, rendered, machine);
}

function normalPath(path: string, rendered: string, machine: string): string {
  if (hasSecretMark(rendered)) throw new PlanError({ machine, template: path, message: `machine ${machine}: file path ${path} asks for a secret; secrets go into file content only` });
  const normal = rendered.replace(/\\/g, '/').replace(/^\/+/, '').replace(/^[A-Za-z]:\//, '');
  if (!normal || normal.split('/').some((part) => part === '..' || part === '')) {
    throw new PlanError({ machine, template: path, message: `machine ${machine}: file path ${JSON.stringify(rendered)} must be relative to the root, without ..` });
  }
  return normal;
}

// A template may use only the secrets its step lists (profile steps: secrets:, the vpn step: vpn.pskSecret on linux).
function checkSecrets(ctx: PlanContext, spec: StepSpec, template: string, names: string[], machine: string): void {
  for (const name of names) {
    const source = ctx.project.templates.get(template);
    const pos = source ? { pos: { file: source.file, line: 1, col: 1 } } : {};
    if (!spec.secrets.includes(name)) {
      throw new PlanError({ machine, template, variable: name, rule: 'undeclared-secret', message: `machine ${machine}: template ${template} asks for secret ${name}, which step ${spec.id} does not list under secrets:`, ...pos });
    }
    if (!Object.hasOwn(ctx.project.config.secrets, name)) {
      throw new PlanError({ machine, template, variable: name, rule: 'unknown-secret', message: `machine ${machine}: template ${template} asks for secret ${name}, which is not declared under secrets: in homeshift.yaml`, ...pos });
    }
  }
}

function planStep(ctx: PlanContext, index: number, context: RenderContext, recipe: Recipe, stepTimeout: number | undefined): PlannedStep {
  const spec = recipe.steps[index];
  const timeout = spec.timeout ?? stepTimeout ?? DEFAULT_STEP_TIMEOUT;
  if (spec.files.length === 0) return filelessStep(recipe, index, typeof spec.vars === 'function' ? spec.vars(context) : spec.vars, timeout);
  const files: PlannedFile[] = spec.files.map((file) => {
    const template = getTemplate(ctx, file.template, recipe.os);
    const { content, secrets } = takeSecretMarks(template.render(context));
    const planned: PlannedFile = { path: renderPath(ctx, file.path, context, context.machine.id), content, mode: file.mode };
    if (secrets.length > 0) {
      checkSecrets(ctx, spec, template.name, [...new Set(secrets.map((s) => s.name))], context.machine.id);
      planned.secrets = secrets;
    }
    return planned;
  });
  return {
    id: spec.id,
    title: spec.title,
    script: spec.script,
    vars: typeof spec.vars === 'function' ? spec.vars(context) : spec.vars,
    files,
    secrets: recipe.planned.stepSecrets[index],
    checkOnly: spec.checkOnly,
    timeout,
    ...(spec.disturbs ? { disturbs: true as const } : {}),
  };
}

/**
 * A machine plan is a pure function of its recipe and of these inputs, so its hash is taken over them rather than over
 * the rendered plan: the same plan always gets the same hash, and hashing 16,000 machines stays cheap. Positions
 * (file names) are left out so that the hash does not depend on where the repository lies.
 */
function machineHash(ctx: PlanContext, recipe: Recipe, machine: Machine, site: Site, employee: Employee, ssh: SshSettings): string {
  // The JSON of an array is its elements' JSON joined by commas: the parts a site or the project shares are made once.
  const siteJson = ctx.hashParts.get(site) ?? remember(ctx, site, JSON.stringify([site.id, site.name, site.vpnGateway, site.sharedMailboxes, sortedKeys(site.vars)]));
  const configJson = ctx.hashParts.get(ctx.project) ?? remember(ctx, ctx.project, JSON.stringify(sortedKeys(ctx.project.config.vars)));
  const text = `["${recipe.digest}",${JSON.stringify([machine.id, machine.host, machine.port ?? null, machine.os, machine.site, machine.user, machine.role, hasKeys(machine.vars) ? sortedKeys(machine.vars) : NO_VARS])},${siteJson},${JSON.stringify([employee.id, employee.firstName, employee.lastName, employee.mailbox])},${configJson},${ctx.hashParts.get(ssh) ?? remember(ctx, ssh, JSON.stringify(sortedKeys(ssh)))}]`;
  return sha256(machine.retire ? `retired${text}` : text);
}

function remember(ctx: PlanContext, key: object, json: string): string {
  ctx.hashParts.set(key, json);
  return json;
}

interface MachineInputs {
  site: Site;
  employee: Employee;
  recipe: Recipe;
  ssh: SshSettings;
  siteParts: SiteParts;
  ownSsh: boolean; // the machine has SSH settings of its own (else siteParts' are its)
}

/** What a machine's plan is made of before anything is rendered; throws PlanError (unknown site, employee). */
function machineInputs(project: Project, machine: Machine, ctx: PlanContext): MachineInputs {
  const site = project.sites.get(machine.site);
  if (!site) throw new PlanError({ machine: machine.id, message: `machine ${machine.id}: unknown site ${machine.site}`, pos: machine.pos });
  const employee = project.employees.get(machine.user);
  if (!employee) throw new PlanError({ machine: machine.id, message: `machine ${machine.id}: user ${machine.user} is not in the directory`, pos: machine.pos });
  const recipe = getRecipe(ctx, machine.role, machine.os);
  let siteParts = ctx.sites.get(site);
  if (!siteParts) {
    siteParts = {
      ssh: mergeSsh(project.config.ssh, site.ssh),
      plannedSsh: null,
      context: { id: site.id, name: site.name, vpnGateway: site.vpnGateway, sharedMailboxes: site.sharedMailboxes },
      vars: new Map(),
    };
    ctx.sites.set(site, siteParts);
  }
  if (hasKeys(machine.ssh)) return { site, employee, recipe, ssh: mergeSsh(project.config.ssh, site.ssh, machine.ssh), siteParts, ownSsh: true };
  return { site, employee, recipe, ssh: siteParts.ssh, siteParts, ownSsh: false };
}

function hasKeys(value: object | undefined): boolean {
  for (const _ in value) return true;
  return false;
}

// profile < project < site < machine; for a machine without vars of its own, the same object for its site and recipe
function varsOf(project: Project, recipe: Recipe, site: Site, siteParts: SiteParts, machine: Machine): Vars {
  if (hasKeys(machine.vars)) return { ...recipe.profile.vars, ...project.config.vars, ...site.vars, ...machine.vars };
  let vars = siteParts.vars.get(recipe);
  if (!vars) siteParts.vars.set(recipe, (vars = { ...recipe.profile.vars, ...project.config.vars, ...site.vars }));
  return vars;
}

/**
 * The hash planMachine gives this machine, without rendering its files (for status: is the plan still the one that
 * succeeded?); throws PlanError when the machine cannot be planned for a cause known before rendering.
 */
export function planMachineHash(project: Project, machine: Machine, ctx: PlanContext = createPlanContext(project)): string {
  try {
    const { site, employee, recipe, ssh } = machineInputs(project, machine, ctx);
    return machineHash(ctx, recipe, machine, site, employee, ssh);
  } catch (err) {
    throw toPlanError(err, machine, ctx);
  }
}

/** One machine's plan; throws PlanError (unknown site, employee, profile, bundle; template errors). */
export function planMachine(project: Project, machine: Machine, ctx: PlanContext = createPlanContext(project)): MachinePlan {
  return buildMachinePlan(project, machine, ctx, true) as MachinePlan;
}

/** Plans one machine only to find its errors (what validate asks): throws as planMachine does, hashes nothing. */
export function checkMachine(project: Project, machine: Machine, ctx: PlanContext): void {
  buildMachinePlan(project, machine, ctx, false);
}

function buildMachinePlan(project: Project, machine: Machine, ctx: PlanContext, withHash: boolean): Omit<MachinePlan, 'hash'> | MachinePlan {
  try {
    const { site, employee, recipe, ssh, siteParts, ownSsh } = machineInputs(project, machine, ctx);
    const profile = recipe.profile;
    const vars = varsOf(project, recipe, site, siteParts, machine);
    const root = typeof vars.root === 'string' && vars.root ? vars.root : machine.os === 'linux' ? '/' : 'C:\\';
    const shared = profile.mailbox.shared ?? 'none';
    const mailbox = {
      personal: profile.mailbox.personal === false ? null : employee.mailbox,
      shared: shared === 'site' ? site.sharedMailboxes : shared === 'none' ? NO_MAILBOXES : shared, // shared lists, never changed
      client: machine.os === 'linux' ? 'thunderbird' : (profile.mailbox.client ?? 'outlook'),
    };
    const vpn = profile.vpn ? { ...profile.vpn, gateway: site.vpnGateway, identity: employee.mailbox } : null;
    const name = `${employee.firstName} ${employee.lastName}`;
    const context: RenderContext = {
      machine: { id: machine.id, host: machine.host, os: machine.os, site: machine.site, role: machine.role },
      site: siteParts.context,
      employee: { id: employee.id, firstName: employee.firstName, lastName: employee.lastName, name, mailbox: employee.mailbox },
      profile: recipe.planned.context.profile,
      vpn: vpn ? { type: vpn.type, connectionName: vpn.connectionName, splitTunnel: vpn.splitTunnel, pskSecret: vpn.pskSecret ?? null, dnsSuffix: vpn.dnsSuffix ?? '', gateway: vpn.gateway, identity: vpn.identity } : null,
      mailbox,
      checks: recipe.planned.context.checks,
      vars,
      root,
      paths: homeshiftPaths(machine.os),
    };
    // a retired PC gets nothing: its plan is what the journal says homeshift put on it, taken away (removal-steps.ts)
    const steps = machine.retire ? [] : recipe.steps.map((_, index) => planStep(ctx, index, context, recipe, ssh.stepTimeout));
    const plan: Omit<MachinePlan, 'hash'> = {
      machine: {
        id: machine.id, host: machine.host, port: machine.port ?? ssh.port ?? 22, os: machine.os, site: machine.site, role: machine.role,
        ...(machine.retire ? { retire: true as const } : {}),
      },
      ssh: ownSsh ? planSsh(ssh) : (siteParts.plannedSsh ??= sharedJson(planSsh(ssh))),
      employee: { id: employee.id, name, mailbox: employee.mailbox },
      profile: recipe.planned.profile,
      mailbox,
      vpn,
      bundles: recipe.planned.bundles,
      checks: recipe.planned.checks,
      root,
      steps,
    };
    return withHash ? { ...plan, hash: machineHash(ctx, recipe, machine, site, employee, ssh) } : plan;
  } catch (err) {
    throw toPlanError(err, machine, ctx);
  }
}
