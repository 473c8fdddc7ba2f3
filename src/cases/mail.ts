import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { printable } from '../model/printable.js';
import { localTime } from '../model/local-time.js';
import type { Digest, DigestCause, NotifyCase } from './digests.js';
import { displayName, type Recipient } from './recipients.js';

/** homeshift.yaml's notify: who the digests come from and how their subjects start. */
export interface MailSettings {
  from: Recipient;
  subjectPrefix: string;
  project: string; // the rollout repository's name, for the text
}

/** A digest ready to go: its envelope, headers and text, and the RFC 5322 message they make. */
export interface ComposedMail {
  digest: Digest;
  subject: string;
  text: string;
  options: Mail.Options;
}

/** Machines listed per cause; a bigger cause names how many more (errors --group and rerun --cause cover them all). */
const LISTED = 100;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function caseLine(c: NotifyCase, kind: Digest['kind']): string {
  const v = c.view;
  const due = v.dueAt === null ? '' : `, due ${localTime(v.dueAt)}${v.overdue ? ' OVERDUE' : ''}`;
  const why = kind === 'escalation' ? `, owner ${printable(v.owner ?? '-')}${v.overdue ? '' : `, ${plural(v.attempts, 'failed attempt')}`}` : '';
  const note = v.note ? `\n       note: ${printable(v.note)}` : '';
  return `     ${printable(v.machine)}  ${printable(v.site)}  open ${v.age}${due}${why}${note}`;
}

function causeBlock(cause: DigestCause, index: number, kind: Digest['kind']): string {
  const lines = [
    `${index + 1}) ${printable(cause.cause || cause.fingerprint)}`,
    `   cause: ${printable(cause.fingerprint)} (${printable(cause.errorClass ?? 'error')})`,
  ];
  if (cause.example) lines.push(`   example: ${printable(cause.example)}`);
  lines.push(`   what to do: ${cause.advice.text}`, `   machines (${cause.cases.length}):`, ...cause.cases.slice(0, LISTED).map((c) => caseLine(c, kind)));
  if (cause.cases.length > LISTED) lines.push(`     and ${cause.cases.length - LISTED} more (homeshift errors --group lists them)`);
  lines.push(`   then re-run them: ${printable(cause.rerun)}`);
  return lines.join('\n');
}

function bodyOf(digest: Digest, settings: MailSettings): string {
  const n = digest.cases.length;
  const hello = `Hello ${printable(digest.to.name ?? digest.to.address)},`;
  const intro = digest.kind === 'owner'
    ? `${plural(n, 'open case')} of the rollout ${printable(settings.project)} ${n === 1 ? 'is' : 'are'} yours, in ${plural(digest.causes.length, 'cause')}. Overdue cases come first.`
    : `${plural(n, 'case')} of the rollout ${printable(settings.project)} escalated to you: past ${n === 1 ? 'its' : 'their'} due time, or failed too often. Please see that ${n === 1 ? 'it is' : 'they are'} taken care of.`;
  const before = digest.reportedBefore > 0
    ? [`Still open and reported before: ${plural(digest.reportedBefore, 'case')} (homeshift errors --group lists them all).`]
    : [];
  return [hello, '', intro, '', digest.causes.map((c, i) => causeBlock(c, i, digest.kind)).join('\n\n'), '', ...before, '-- ', `homeshift, rollout ${printable(settings.project)}`, ''].join('\n');
}

function subjectOf(digest: Digest, settings: MailSettings): string {
  const n = digest.cases.length;
  const overdue = digest.cases.filter((c) => c.view.overdue).length;
  const late = overdue > 0 ? `, ${overdue} overdue` : '';
  const text = digest.kind === 'owner'
    ? `${plural(n, 'open case')} for you in ${plural(digest.causes.length, 'cause')}${late}`
    : `Escalated to you: ${plural(n, 'case')} in ${plural(digest.causes.length, 'cause')}${late}`;
  const prefix = displayName(settings.subjectPrefix);
  return prefix ? `${prefix} ${text}` : text;
}

const address = (r: Recipient): Mail.Address => ({ name: r.name ?? '', address: r.address });

/** The digest as one message: names are structured fields (nodemailer quotes and encodes them), never spliced text. */
export function composeDigest(digest: Digest, settings: MailSettings): ComposedMail {
  const subject = subjectOf(digest, settings);
  const text = bodyOf(digest, settings);
  const options: Mail.Options = {
    from: address(settings.from),
    to: [address(digest.to)],
    envelope: { from: settings.from.address, to: [digest.to.address] },
    subject,
    text,
    textEncoding: 'quoted-printable',
    headers: { 'X-Homeshift-Digest': digest.kind },
  };
  return { digest, subject, text, options };
}

/** The RFC 5322 message nodemailer would send, as bytes (what --out writes as an .eml file). */
export async function buildRaw(mail: ComposedMail): Promise<Buffer> {
  return new MailComposer(mail.options).compile().build();
}
