import type { Command } from 'commander';
import { buildPlan, encodedPlanChunks, formatPlanText, planJsonChunks, selectEncoded } from '../plan/index.js';
import { addLimitOption, machineIdOf, selectFromProject } from './select.js';
import { EXIT, setExit, usageError } from './exit.js';
import { addFormatOptions } from './format-option.js';
import { createOutput, writeChunks, type Output } from './output.js';
import { globalOptions, requireValidEncodedPlan, requireValidPlan, type GlobalOptions } from './project.js';
import { fileSpool } from './plan-spool.js';
import { planRemovals } from './removals.js';
import { withEncodedRemovals } from '../plan/encoded-removals.js';
import { withRemovalSteps } from '../plan/removal-steps.js';

export function registerPlan(program: Command): void {
  addFormatOptions(addLimitOption(program
    .command('plan')
    .description('show what every selected PC will become: profile, employee, mailboxes, VPN, bundles, checks, steps (no PC is touched)'))
    .option('-m, --machine <id>', 'one machine (id in any case), with each step\'s rendered prelude and files')
    .option('--diff <ref>', 'what would change against a git ref (HEAD~1, main) or a plan file: per PC and step, identical changes grouped'), ['text', 'json'])
    .addHelpText('after', `
The plan is pure data: the same inputs give byte-identical JSON and the same hash
on every machine; rollout runs exactly what plan shows. Where the journal says
homeshift put something on a PC that its plan no longer has, the PC's plan ends
with removal steps (docs/lifecycle.md); they leave its hash as it is.

Examples:
  $ homeshift plan --limit site=bruehl,role=hotline-agent
  $ homeshift plan --machine BRU-D0042
  $ homeshift plan --format json > plan.json
  $ homeshift plan --diff HEAD~1              what the last commit does to the fleet
  $ homeshift plan --diff plan.json --format json`)
    .action(async (opts: { limit?: string; machine?: string; format: string; diff?: string }, cmd: Command) => {
      const g = globalOptions(cmd);
      const out = createOutput(g);
      if (opts.diff !== undefined) {
        await showDiff(g, out, opts.diff, opts);
        setExit(EXIT.ok);
        return;
      }
      const json = opts.format === 'json';
      // JSON keeps each machine as its encoded line while checking, in a temporary file: 16,000 plans never sit in
      // memory, neither as objects nor as text
      const spool = json ? fileSpool() : null;
      try {
        const { project, plan: full, encoded } = spool ? await requireValidEncodedPlan(g, out, spool) : await requireValidPlan(g, out);
        let machines = await selectFromProject(project, opts.limit);
        const machineId = opts.machine === undefined ? undefined : machineIdOf(project, opts.machine);
        if (machineId) {
          machines = machines.filter((m) => m.id === machineId);
          if (machines.length === 0) throw usageError(`machine ${machineId} does not match --limit`);
        }
        // what the next rollout adds: removal steps from what the journal says homeshift put on the PCs
        if (encoded) {
          const selected = selectEncoded(encoded, machines);
          const states = await planRemovals(project, selected.machines, out);
          await writeChunks(encodedPlanChunks(states.size ? withEncodedRemovals(project, selected, states) : selected));
        } else {
          const built = buildPlan(project, full ? { machines, from: full } : { machines });
          const states = await planRemovals(project, built.machines.map((m) => ({ id: m.machine.id, hash: m.hash })), out);
          const plan = states.size ? withRemovalSteps(project, built, states) : built;
          if (json) await writeChunks(planJsonChunks(plan));
          else out.out(formatPlanText(plan, { machine: machineId, color: out.color }));
        }
      } finally {
        spool?.close();
      }
      setExit(EXIT.ok);
    });
}

/** plan --diff: both plans in full (the selection of this one), compared and grouped. */
async function showDiff(g: GlobalOptions, out: Output, ref: string, opts: { limit?: string; machine?: string; format: string }): Promise<void> {
  const { project, plan: full } = await requireValidPlan(g, out);
  const { planBefore } = await import('./plan-before.js');
  const before = await planBefore(ref, project.root, out);
  let machines = await selectFromProject(project, opts.limit);
  if (opts.machine !== undefined) {
    const id = machineIdOf(project, opts.machine);
    machines = machines.filter((m) => m.id === id);
  }
  const after = buildPlan(project, full ? { machines, from: full } : { machines });
  // with a selection, the PCs of the earlier plan that it names; without one, every PC, the removed ones too
  const ids = new Set(machines.map((m) => m.id));
  const selected = opts.limit === undefined && opts.machine === undefined ? before.plan : { ...before.plan, machines: before.plan.machines.filter((m) => ids.has(m.machine.id)) };
  const { diffPlans } = await import('../plan/plan-diff.js');
  const { formatPlanDiff } = await import('../report/plan-diff-format.js');
  out.out(formatPlanDiff(diffPlans(selected, after), before.label, opts.format, { color: out.color }).replace(/\n$/, ''));
}
