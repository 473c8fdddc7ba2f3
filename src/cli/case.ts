import { Command } from 'commander';
import { describeInvoker } from '../journal/index.js';
import type { Project } from '../model/project.js';
import { printable } from '../model/printable.js';
import { explainMailbox } from '../validate/mailbox-address.js';
import { setExit, usageError } from './exit.js';
import { withJournal } from './journal.js';
import { createOutput } from './output.js';
import { globalOptions, requireValidProject } from './project.js';
import { knownName } from '../model/suggest.js';
import { machineIdOf } from './select.js';
import { listErrors } from '../journal/queries.js';
import { formatErrors, type ReportFormat } from '../report/index.js';
import { escalationOf } from './journal.js';
import { addFormatOptions } from './format-option.js';
import { OWNER_HELP, ownerOption, supporterIdentity } from './identity.js';

/**
 * Who `case assign --to` names: `me` (the supporter running homeshift), a routing group (the case waits in the
 * group's queue until a member takes it with --to me; notify sends the group's cases to every member), or a mail address.
 */
function assignee(project: Project, to: string): string {
  const groups = project.config.routing?.groups ?? {};
  const group = Object.keys(groups).find((name) => name.toLowerCase() === to.trim().toLowerCase());
  if (group) return group;
  const address = to.trim().toLowerCase() === 'me' ? supporterIdentity(project.root) : to.trim();
  if (address === null) throw usageError('--to me: who you are is not configured; set HOMESHIFT_ME to your mail address (or git config user.email)');
  const problem = explainMailbox(address);
  const known = Object.keys(groups);
  if (problem) throw usageError(`--to: ${printable(address)} is not a mail address: it ${problem}; nor is it me or a routing group${known.length ? ` (groups: ${known.join(', ')})` : ''}`);
  return ownerNamed(project, address);
}

const NOTE_MAX = 2000;

/** The inventory id a typed one means in any case; a machine only the journal knows keeps the id as typed. */
const idIn = (project: Project, typed: string): string | null => knownName(typed, project.machines.map((m) => m.id));

/** A supporter's address stands for them as cases name them ("Name <email>"); anyone else by the address alone. */
function ownerNamed(project: Project, address: string): string {
  const lower = address.toLowerCase();
  for (const site of project.sites.values()) {
    const s = site.supporters.find((p) => p.email.toLowerCase() === lower);
    if (s) return `${s.name} <${s.email}>`;
  }
  return address;
}

export function registerCase(program: Command): void {
  const cmd = program
    .command('case')
    .description("work on cases: list them by owner, give one to someone or to a group, add a note (kept in the journal)");

  addFormatOptions(cmd
    .command('list')
    .description('the open cases, by default all of them; --owner me for my cases')
    .option('--owner <owner>', OWNER_HELP)
    .option('--open', 'open cases (the default: closed cases are in log)')
    .option('--escalated', 'only escalated cases (past their due time, or escalated by attempts or age)'), ['text', 'json', 'csv'])
    .addHelpText('after', `
"me" is HOMESHIFT_ME (a mail address), else git config user.email.

Examples:
  $ homeshift case list --owner me
  $ homeshift case list --owner it-ops --escalated
  $ homeshift case list --owner "Anna Berg" --format csv`)
    .action(async (opts: { owner?: string; escalated?: boolean; format: ReportFormat }, sub: Command) => {
      const g = globalOptions(sub);
      const out = createOutput(g);
      const project = await requireValidProject(g, out);
      const owner = ownerOption(project, opts.owner);
      const list = await withJournal(project, false, (store) => listErrors(store, { owner, escalated: opts.escalated === true, now: new Date(), escalation: escalationOf(project) }));
      out.out(formatErrors(list, opts.format, { color: out.color }));
      setExit(0);
    });

  cmd
    .command('assign')
    .description('give an open case a new owner: a person, yourself, or a routing group\'s queue')
    .argument('<machine>', 'machine id, e.g. BRU-D0042')
    .requiredOption('--to <owner>', 'a mail address, me, or a routing group (the case waits in its queue until a member takes it)')
    .addHelpText('after', `
Examples:
  $ homeshift case assign BRU-D0042 --to it-ops@example-telco.de
  $ homeshift case assign BRU-D0042 --to vpn-team     the group's queue; its members see it in case list --owner me
  $ homeshift case assign BRU-D0042 --to me           take it`)
    .action(async (typed: string, opts: { to: string }, sub: Command) => {
      const g = globalOptions(sub);
      const out = createOutput(g);
      const project = await requireValidProject(g, out);
      const machine = idIn(project, typed) ?? typed;
      const owner = assignee(project, opts.to);
      const [before, after] = await withJournal(project, false, async (store) => {
        const [current] = await store.listCases({ machine, status: 'open' });
        return [current, await store.assignCase(machine, owner, new Date().toISOString(), describeInvoker())];
      });
      if (!after && !idIn(project, typed)) machineIdOf(project, typed);
      if (!after) throw usageError(`${printable(machine)} has no open case (see homeshift errors)`);
      out.out(`${printable(machine)}: case assigned to ${printable(owner)}${before?.owner ? ` (was ${printable(before.owner)})` : ''}`);
      setExit(0);
    });

  cmd
    .command('note')
    .description("add a note to a machine's case")
    .argument('<machine>', 'machine id, e.g. BRU-D0042')
    .argument('<text>', `the note (up to ${NOTE_MAX} characters)`)
    .addHelpText('after', `
Examples:
  $ homeshift case note BRU-D0042 "PC switched off, employee on leave until 3 Dec"`)
    .action(async (typed: string, text: string, _opts: unknown, sub: Command) => {
      const g = globalOptions(sub);
      const out = createOutput(g);
      const note = text.trim();
      if (note === '') throw usageError('the note is empty');
      if (note.length > NOTE_MAX) throw usageError(`the note has ${note.length} characters; at most ${NOTE_MAX}`);
      const project = await requireValidProject(g, out);
      const machine = idIn(project, typed) ?? typed;
      const added = await withJournal(project, false, (store) => store.noteCase(machine, note, new Date().toISOString(), describeInvoker()));
      if (!added && !idIn(project, typed)) machineIdOf(project, typed);
      if (!added) throw usageError(`${printable(machine)} has no case (a case opens when a rollout fails on it)`);
      out.out(`${printable(machine)}: note added`);
      setExit(0);
    });

  cmd
    .command('park')
    .description('leave a PC alone until a date: keep and rerun skip it; status and errors show it with its note')
    .argument('<machine>', 'machine id, e.g. BRU-D0042')
    .requiredOption('--until <date>', 'YYYY-MM-DD (from the start of that day, local time) or an ISO time')
    .option('--note <text>', 'why, for whoever looks at it next')
    .addHelpText('after', `
Examples:
  $ homeshift case park BRU-D0042 --until 2026-12-14 --note "colleague on holiday"
  $ homeshift case unpark BRU-D0042`)
    .action(async (typed: string, opts: { until: string; note?: string }, sub: Command) => {
      const g = globalOptions(sub);
      const out = createOutput(g);
      const until = parseUntil(opts.until);
      const note = opts.note?.trim() || null;
      if (note && note.length > NOTE_MAX) throw usageError(`the note has ${note.length} characters; at most ${NOTE_MAX}`);
      const project = await requireValidProject(g, out);
      const machine = machineIdOf(project, typed);
      const at = new Date().toISOString();
      const who = describeInvoker();
      await withJournal(project, true, async (store) => {
        await store.parkMachine({ machine, until: until.toISOString(), note, who, parkedAt: at });
        await store.noteCase(machine, `parked until ${until.toISOString()}${note ? `: ${note}` : ''}`, at, who); // in the case's history, when it has one
      });
      out.out(`${printable(machine)}: parked until ${until.toISOString()}${note ? ` (${printable(note)})` : ''}`);
      setExit(0);
    });

  cmd
    .command('unpark')
    .description('let keep and rerun work on a parked PC again')
    .argument('<machine>', 'machine id, e.g. BRU-D0042')
    .action(async (typed: string, _opts: unknown, sub: Command) => {
      const g = globalOptions(sub);
      const out = createOutput(g);
      const project = await requireValidProject(g, out);
      const machine = machineIdOf(project, typed);
      const removed = await withJournal(project, true, (store) => store.unparkMachine(machine));
      if (!removed) throw usageError(`${printable(machine)} is not parked`);
      out.out(`${printable(machine)}: no longer parked`);
      setExit(0);
    });
}

/** YYYY-MM-DD (the start of that day, local time) or an ISO time; a date in the past is a usage error. */
export function parseUntil(text: string, now = new Date()): Date {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  const date = day ? new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3])) : new Date(text.trim());
  if (Number.isNaN(date.getTime()) || (day && date.getDate() !== Number(day[3]))) throw usageError(`--until: "${printable(text)}" is not a date (YYYY-MM-DD or an ISO time)`);
  if (date.getTime() <= now.getTime()) throw usageError(`--until: ${date.toISOString()} is not in the future`);
  return date;
}
