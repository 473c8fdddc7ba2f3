export { buildPlan, assemblePlan } from './build-plan.js';
export { planMachine } from './plan-machine.js';
export { createPlanContext, type PlanContext } from './plan-context.js';
export { PlanError } from './plan-error.js';
export { selectMachines, parseSelector, SelectorError, type SelectorTerm } from './selector.js';
export { findTemplateErrors, planAndCheck, type CheckedPlan } from './template-errors.js';
export { formatPlanText, formatPlanJson, planJsonChunks } from './format-plan.js';
export { resolveProfile, collectProfileChain, ProfileError, type ResolvedProfile } from './resolve-profile.js';
export { sha256, sortedKeys } from './hash.js';
