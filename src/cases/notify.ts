import type { EscalationPolicy } from '../journal/escalation.js';
import { latestNotes, viewCase } from '../journal/queries.js';
import type { CaseEvent, JournalStore } from '../journal/store.js';
import type { Routing, Supporter } from '../model/index.js';
import { deliveriesOf, planDigests, type DigestPlan, type NotifyCase } from './digests.js';
import { escalationTarget, groupOfCase } from './escalation-target.js';
import { composeDigest, type ComposedMail, type MailSettings } from './mail.js';
import type { Recipient } from './recipients.js';
import type { Sender } from './send.js';

export interface CaseSource {
  store: JournalStore;
  routing: Routing | undefined;
  supporters: (site: string) => Supporter[];
  policy: EscalationPolicy;
  now: Date;
}

/** Every open case with its group and, when it has escalated, who it goes to. */
export async function gatherCases(source: CaseSource): Promise<NotifyCase[]> {
  const [open, notes] = await Promise.all([source.store.listCases({ status: 'open' }), latestNotes(source.store)]);
  return open.map((c) => {
    const note = notes.get(c.machine);
    const view = { ...viewCase(c, source.now, source.policy), ...(note === undefined ? {} : { note }) };
    const routed = { errorClass: c.errorClass, fingerprint: c.fingerprint, site: c.site };
    return {
      view,
      group: groupOfCase(source.routing, routed),
      escalatedTo: view.escalated ? escalationTarget(source.routing, source.supporters, routed) : null,
    };
  });
}

/** Who a machine's current case last escalated to (since it last opened), from its history. */
function recordedEscalation(events: CaseEvent[]): string | null | undefined {
  let to: string | null | undefined;
  for (const e of events) {
    if (e.kind === 'opened') to = undefined;
    if (e.kind === 'escalated') to = e.owner;
  }
  return to;
}

/** Writes an `escalated` event (and escalated_at) for each case that escalated to someone it was not recorded for. */
export async function recordEscalations(store: JournalStore, cases: NotifyCase[], now: Date, who: string): Promise<string[]> {
  if (!cases.some((c) => c.escalatedTo !== null)) return [];
  const byMachine = new Map<string, CaseEvent[]>();
  for (const e of await store.caseEvents()) byMachine.set(e.machine, [...(byMachine.get(e.machine) ?? []), e]);
  const recorded: string[] = [];
  for (const c of cases) {
    if (c.escalatedTo === null || recordedEscalation(byMachine.get(c.view.machine) ?? []) === c.escalatedTo) continue;
    const at = c.view.overdue ? c.view.dueAt! : c.view.escalatedAt ?? now.toISOString();
    if (await store.escalateCase(c.view.machine, c.escalatedTo, at, who)) recorded.push(c.view.machine);
  }
  return recorded;
}

/** The digests to send now and the messages they make. */
export async function planMail(store: JournalStore, cases: NotifyCase[], recipientOf: (owner: string) => Recipient | Recipient[] | null, settings: MailSettings): Promise<{ plan: DigestPlan; mails: ComposedMail[] }> {
  const plan = planDigests(cases, await store.listDeliveries(), recipientOf);
  return { plan, mails: plan.digests.map((d) => composeDigest(d, settings)) };
}

export interface MessageOutcome {
  mail: ComposedMail;
  status: 'sent' | 'failed';
  where: string | null; // the file, or the server's answer
  error: string | null;
}

/** Sends each message and records its cases as delivered right after it went; a failed one is left to the next run. */
export async function deliver(store: JournalStore, mails: ComposedMail[], sender: Sender, now: () => Date): Promise<MessageOutcome[]> {
  const outcomes: MessageOutcome[] = [];
  try {
    for (const mail of mails) {
      try {
        const where = await sender.send(mail);
        await store.recordDeliveries(deliveriesOf(mail.digest, now().toISOString()));
        outcomes.push({ mail, status: 'sent', where, error: null });
      } catch (err) {
        outcomes.push({ mail, status: 'failed', where: null, error: (err as Error).message });
      }
    }
  } finally {
    sender.close();
  }
  return outcomes;
}
