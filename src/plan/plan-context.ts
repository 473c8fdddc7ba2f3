import type { Os, Project, SshSettings, Vars } from '../model/project.js';
import { compileTemplate, TemplateError, type RenderFn } from '../render/engine.js';
import type { MachinePlan, PlannedStep } from '../model/plan.js';
import { sha256, sortedKeys } from './hash.js';
import { sharedJson } from './machine-json.js';
import { resolveProfile, type ResolvedProfile } from './resolve-profile.js';
import { stepSpecs, type PlannedBundle, type RenderContext, type StepSpec } from './builtin-steps.js';
import { planDeb, type PlannedDeb } from './linux-installers.js';
import { installerSecrets, planExe, planMsi, type PlannedExe, type PlannedMsi } from './windows-installers.js';

/** Everything a (profile, os) pair shares across its machines: resolved once, compiled once. */
export interface Recipe {
  profile: ResolvedProfile;
  os: Os;
  bundles: PlannedBundle[];
  steps: StepSpec[];
  digest: string; // everything of the recipe a plan depends on: profile, bundles, step specs, script and template texts
  planned: RecipeParts;
}

/**
 * The parts of a machine plan that are the same for every machine of a recipe, made once and shared by their plans
 * (plans are data that nothing changes): 16,000 plans then hold far fewer objects, and each part is encoded once.
 */
export interface RecipeParts {
  profile: MachinePlan['profile'];
  bundles: MachinePlan['bundles'];
  checks: MachinePlan['checks'];
  stepSecrets: string[][]; // by step index
  filelessSteps: Map<number, { step: PlannedStep; shared: boolean }>[]; // by step index, by time limit: the last step made without files (see plan-machine.ts)
  context: Pick<RenderContext, 'profile' | 'checks'>; // the recipe's part of the render context
}

/** Bumped whenever planning code changes what a plan looks like for the same inputs. */
export const PLAN_CODE_VERSION = 2;

/** Caches of one planning pass; create one per project and reuse it for every machine. */
export interface PlanContext {
  project: Project;
  compile: boolean; // false: recipes for plan hashes only, their templates resolved by name but not compiled
  recipes: Map<string, Recipe>;
  templates: Map<string, RenderFn>;
  scripts: Map<string, { hash: string; text: string }>;
  fixedPaths: Map<string, string>; // file paths without placeholders, normalised
  hashParts: WeakMap<object, string>; // JSON of what many machines' hashes share (a site's part, the project's vars)
  sites: WeakMap<object, SiteParts>; // by Site
}

/** What the machines of one site share: the project's and the site's SSH settings merged, its render context part. */
export interface SiteParts {
  ssh: SshSettings;
  plannedSsh: MachinePlan['ssh'] | null; // made with the first machine that needs it
  context: RenderContext['site'];
  vars: Map<Recipe, Vars>; // profile < project < site vars, for machines without vars of their own
}

export class RecipeError extends Error {
  constructor(message: string, readonly template?: string) {
    super(message);
    this.name = 'RecipeError';
  }
}

export function createPlanContext(project: Project, opts: { compile?: boolean } = {}): PlanContext {
  return { project, compile: opts.compile ?? true, recipes: new Map(), templates: new Map(), scripts: new Map(), fixedPaths: new Map(), hashParts: new WeakMap(), sites: new WeakMap() };
}

function planBundles(project: Project, names: string[], os: Os, profile: string): PlannedBundle[] {
  return names.map((name) => {
    const bundle = project.bundles.get(name);
    if (!bundle) throw new RecipeError(`profile ${profile}: unknown bundle ${name}`);
    const installs: PlannedBundle['installs'] = [];
    const msi: PlannedMsi[] = [];
    const exe: PlannedExe[] = [];
    const deb: PlannedDeb[] = [];
    for (const pkg of bundle.packages) {
      const file = os === 'linux' ? planDeb(pkg) : null;
      if (file) {
        deb.push(file);
        continue;
      }
      if (os === 'windows') {
        const planned = planMsi(pkg) ?? planExe(pkg);
        if (planned && 'productCode' in planned) msi.push(planned);
        else if (planned) exe.push(planned);
        if (planned) continue;
      }
      const id = os === 'linux' ? pkg.linux?.apt : pkg.windows?.wingetId;
      if (!id) throw new RecipeError(`bundle ${name}: package ${pkg.name} has no ${os} install (${os === 'linux' ? 'linux.apt' : 'windows.wingetId, windows.msi or windows.exe'})`);
      // linux.apt may pin the exact Debian version ("name=epoch:version-revision") where it differs from the upstream one
      const pin = os === 'linux' ? id.indexOf('=') : -1;
      installs.push(pin > 0 ? { id: id.slice(0, pin), version: id.slice(pin + 1) } : { id, version: pkg.version });
    }
    const secrets = os === 'windows' ? installerSecrets(bundle.packages) : [];
    const installers = { ...(msi.length ? { msi } : {}), ...(exe.length ? { exe } : {}), ...(deb.length ? { deb } : {}), ...(secrets.length ? { secrets } : {}) };
    const disturbs = bundle.packages.some((p) => p.restart === true) ? { disturbs: true as const } : {};
    return { name, version: bundle.version, packages: bundle.packages.map((p) => ({ name: p.name, version: p.version })), installs, ...installers, ...disturbs };
  });
}

/** A config template's full name (tried as given, then under <os>/). */
export function templateName(ctx: PlanContext, name: string, os: Os): string {
  const resolved = ctx.project.templates.has(name) ? name : ctx.project.templates.has(`${os}/${name}`) ? `${os}/${name}` : null;
  if (!resolved) throw new RecipeError(`template ${name} not found`, name);
  return resolved;
}

/** A compiled config template, by name (see templateName). */
export function getTemplate(ctx: PlanContext, name: string, os: Os): { name: string; render: RenderFn } {
  const resolved = templateName(ctx, name, os);
  let render = ctx.templates.get(resolved);
  if (!render) {
    render = compileTemplate(resolved, ctx.project.templates.get(resolved)!.text);
    ctx.templates.set(resolved, render);
  }
  return { name: resolved, render };
}

function registerScript(ctx: PlanContext, name: string): void {
  if (ctx.scripts.has(name)) return;
  const source = ctx.project.templates.get(name);
  if (!source) throw new RecipeError(`step script ${name} not found`, name);
  ctx.scripts.set(name, { hash: sha256(source.text), text: source.text });
}

/** The recipe for machines of this profile and OS; throws RecipeError or TemplateError (syntax). */
export function getRecipe(ctx: PlanContext, profileName: string, os: Os): Recipe {
  const key = `${profileName}\u0000${os}`;
  const cached = ctx.recipes.get(key);
  if (cached) return cached;
  // Sub-objects whose key order comes from YAML are sorted once here, so plain JSON of a machine plan is canonical.
  const resolved = resolveProfile(ctx.project, profileName);
  const profile = { ...resolved, checks: sortedKeys(resolved.checks), vpn: resolved.vpn ? sortedKeys(resolved.vpn) : null };
  const bundles = planBundles(ctx.project, profile.bundles, os, profileName);
  const steps = stepSpecs(profile, os, bundles);
  for (const step of steps) {
    registerScript(ctx, step.script);
    for (const file of step.files) (ctx.compile ? getTemplate : templateName)(ctx, file.template, os);
  }
  const planned: RecipeParts = {
    profile: sharedJson({ name: profile.name, chain: profile.chain }),
    bundles: sharedJson(bundles.map((b) => ({ name: b.name, version: b.version, packages: b.packages }))),
    checks: sharedJson(profile.checks),
    stepSecrets: steps.map((s) => sharedJson([...new Set(s.secrets)].sort())),
    filelessSteps: steps.map(() => new Map()),
    context: {
      profile: { name: profile.name, chain: profile.chain, description: profile.description },
      checks: { diskEncryption: profile.checks.diskEncryption, screenLockMinutes: profile.checks.screenLockMinutes ?? null, noLocalCustomerData: profile.checks.noLocalCustomerData },
    },
  };
  const recipe = { profile, os, bundles, steps, digest: recipeDigest(ctx, profile, os, bundles, steps), planned };
  ctx.recipes.set(key, recipe);
  return recipe;
}

function recipeDigest(ctx: PlanContext, profile: ResolvedProfile, os: Os, bundles: PlannedBundle[], steps: StepSpec[]): string {
  const text = (name: string) => ctx.project.templates.get(name)?.text ?? null;
  return sha256(
    JSON.stringify({
      code: PLAN_CODE_VERSION,
      os,
      profile: { ...profile, steps: profile.steps.map((s) => ({ id: s.id, title: s.title, template: s.template, os: s.os ?? null, files: s.files ?? [], vars: s.vars, secrets: s.secrets, timeout: s.timeout ?? null })) },
      bundles,
      steps: steps.map((s) => ({
        id: s.id, title: s.title, script: s.script, checkOnly: s.checkOnly, timeout: s.timeout ?? null, secrets: s.secrets,
        files: s.files.map((f) => ({ ...f, text: text(templateName(ctx, f.template, os)) })),
        scriptText: text(s.script),
        ...(s.disturbs ? { disturbs: true } : {}),
      })),
    }),
  );
}

export { TemplateError };
