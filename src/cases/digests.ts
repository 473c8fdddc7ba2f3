import type { OpenCaseView } from '../journal/queries.js';
import type { DeliveryRecord, DigestKind } from '../journal/store.js';
import { adviceFor, type Advice } from '../model/advice.js';
import type { Recipient } from './recipients.js';

/** An open case as notify sees it: the view status shows, its routing group, and who it escalated to. */
export interface NotifyCase {
  view: OpenCaseView;
  group: string;
  escalatedTo: string | null; // escalated (by due time, attempts or age) and someone to send it to
}

/** The cases of one cause in a digest, with what to do and the command that re-runs them. */
export interface DigestCause {
  fingerprint: string;
  errorClass: string | null;
  cause: string; // the normalised message
  example: string | null; // the message of one of its machines, as the PC said it
  advice: Advice;
  rerun: string;
  cases: NotifyCase[]; // overdue first, then the oldest
}

export interface Digest {
  kind: DigestKind;
  to: Recipient;
  causes: DigestCause[];
  cases: NotifyCase[]; // the cases this message reports
  reportedBefore: number; // the recipient's other open cases, already reported in their current state
}

/**
 * A case as a recipient was told about it: mailed again only when its owner, cause or escalation changes, or it
 * closed and opened again (a new first failure).
 */
export function deliveryState(c: NotifyCase): string {
  return JSON.stringify(['open', c.view.owner, c.view.fingerprint, c.escalatedTo, c.view.firstFailed]);
}

const key = (recipient: string, digest: DigestKind, machine: string): string => `${recipient}\u0000${digest}\u0000${machine}`;

/** "homeshift rerun --cause FINGERPRINT", quoted for a POSIX shell when the fingerprint needs it. */
export function rerunCommand(fingerprint: string): string {
  const arg = /^[A-Za-z0-9:._@%+=-]+$/.test(fingerprint) ? fingerprint : `'${fingerprint.replace(/'/g, `'\\''`)}'`;
  return `homeshift rerun --cause ${arg}`;
}

function byUrgency(a: NotifyCase, b: NotifyCase): number {
  if (a.view.overdue !== b.view.overdue) return a.view.overdue ? -1 : 1;
  return b.view.ageMs - a.view.ageMs || a.view.machine.localeCompare(b.view.machine);
}

function groupByCause(cases: NotifyCase[]): DigestCause[] {
  const causes = new Map<string, NotifyCase[]>();
  for (const c of cases) {
    const fp = c.view.fingerprint ?? `${c.view.errorClass ?? 'error'}:unknown`;
    causes.set(fp, [...(causes.get(fp) ?? []), c]);
  }
  const list = [...causes].map(([fingerprint, group]): DigestCause => {
    const sorted = group.sort(byUrgency);
    const first = sorted[0].view;
    return {
      fingerprint, errorClass: first.errorClass, cause: first.cause, example: first.message, advice: adviceFor(first.errorClass, first.message),
      rerun: rerunCommand(fingerprint), cases: sorted,
    };
  });
  const overdue = (c: DigestCause): number => c.cases.filter((x) => x.view.overdue).length;
  return list.sort((a, b) => overdue(b) - overdue(a) || b.cases.length - a.cases.length || a.fingerprint.localeCompare(b.fingerprint));
}

export interface DigestPlan {
  digests: Digest[];
  unaddressable: { owner: string; machines: string[] }[]; // owners or targets that are no mail address
}

/**
 * One digest per owner (their open cases not yet reported in their current state, grouped by cause) and one per
 * escalation target (their escalated cases likewise); a recipient with nothing new gets no message.
 */
export function planDigests(cases: NotifyCase[], delivered: DeliveryRecord[], recipientOf: (owner: string) => Recipient | Recipient[] | null): DigestPlan {
  const reported = new Map(delivered.map((d) => [key(d.recipient, d.digest, d.machine), d.state]));
  const unaddressable = new Map<string, string[]>();
  const buckets = new Map<string, { kind: DigestKind; to: Recipient; fresh: NotifyCase[]; old: number }>();
  const add = (kind: DigestKind, owner: string | null, c: NotifyCase): void => {
    if (owner === null) return;
    const found = recipientOf(owner);
    if (found === null) {
      unaddressable.set(owner, [...(unaddressable.get(owner) ?? []), c.view.machine]);
      return;
    }
    for (const to of Array.isArray(found) ? found : [found]) {
      const id = `${kind}\u0000${to.address}`;
      const bucket = buckets.get(id) ?? { kind, to, fresh: [], old: 0 };
      buckets.set(id, bucket);
      if (reported.get(key(to.address, kind, c.view.machine)) === deliveryState(c)) bucket.old++;
      else bucket.fresh.push(c);
    }
  };
  for (const c of cases) {
    add('owner', c.view.owner, c);
    add('escalation', c.escalatedTo, c);
  }
  const digests = [...buckets.values()]
    .filter((b) => b.fresh.length > 0)
    .map((b): Digest => ({ kind: b.kind, to: b.to, causes: groupByCause(b.fresh), cases: b.fresh, reportedBefore: b.old }))
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.to.address.localeCompare(b.to.address));
  return { digests, unaddressable: [...unaddressable].map(([owner, machines]) => ({ owner, machines: machines.sort() })) };
}

/** The journal rows that say a digest was delivered: one per case it reported. */
export function deliveriesOf(digest: Digest, at: string): DeliveryRecord[] {
  return digest.cases.map((c) => ({ recipient: digest.to.address, digest: digest.kind, machine: c.view.machine, state: deliveryState(c), deliveredAt: at }));
}
