import type { Command } from 'commander';
import { buildPlan, encodedPlanChunks, formatPlanText, planJsonChunks, selectEncoded } from '../plan/index.js';
import { addLimitOption, machineIdOf, selectFromProject } from './select.js';
import { EXIT, setExit, usageError } from './exit.js';
import { addFormatOptions } from './format-option.js';
import { createOutput, writeChunks } from './output.js';
import { globalOptions, requireValidEncodedPlan, requireValidPlan } from './project.js';
import { fileSpool } from './plan-spool.js';

export function registerPlan(program: Command): void {
  addFormatOptions(addLimitOption(program
    .command('plan')
    .description('show what every selected PC will become: profile, employee, mailboxes, VPN, bundles, checks, steps (no PC is touched)'))
    .option('-m, --machine <id>', 'one machine (id in any case), with each step\'s rendered prelude and files'), ['text', 'json'])
    .addHelpText('after', `
The plan is pure data: the same inputs give byte-identical JSON and the same hash
on every machine; rollout runs exactly what plan shows.

Examples:
  $ homeshift plan --limit site=bruehl,role=hotline-agent
  $ homeshift plan --machine BRU-D0042
  $ homeshift plan --format json > plan.json`)
    .action(async (opts: { limit?: string; machine?: string; format: string }, cmd: Command) => {
      const g = globalOptions(cmd);
      const out = createOutput(g);
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
        if (encoded) await writeChunks(encodedPlanChunks(selectEncoded(encoded, machines)));
        else {
          const plan = buildPlan(project, full ? { machines, from: full } : { machines });
          if (json) await writeChunks(planJsonChunks(plan));
          else out.out(formatPlanText(plan, { machine: machineId, color: out.color }));
        }
      } finally {
        spool?.close();
      }
      setExit(EXIT.ok);
    });
}
