import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { printable } from '../model/printable.js';
import { adviceText } from '../model/advice.js';
import type { Language } from '../model/project.js';
import type { Digest, DigestCause, NotifyCase } from './digests.js';
import { displayName, type Recipient } from './recipients.js';
import { DIGEST_WORDS, languageOfSites, type DigestWords } from './words.js';

/** homeshift.yaml's notify: who the digests come from and how their subjects start. */
export interface MailSettings {
  from: Recipient;
  subjectPrefix: string;
  project: string; // the rollout repository's name, for the text
  languageOf?: (site: string) => Language; // a site's language (inventory site.language); default English
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

function caseLine(c: NotifyCase, kind: Digest['kind'], w: DigestWords): string {
  const v = c.view;
  const due = v.dueAt === null ? '' : `, ${w.due(w.time(v.dueAt), v.overdue)}`;
  const why = kind === 'escalation' ? `, ${w.owner(printable(v.owner ?? '-'))}${v.overdue ? '' : `, ${w.failedAttempts(v.attempts)}`}` : '';
  const note = v.note ? `\n       ${w.note}: ${printable(v.note)}` : '';
  return `     ${printable(v.machine)}  ${printable(v.site)}  ${w.open(v.age)}${due}${why}${note}`;
}

function causeBlock(cause: DigestCause, index: number, kind: Digest['kind'], w: DigestWords, language: Language): string {
  const lines = [
    `${index + 1}) ${printable(cause.cause || cause.fingerprint)}`,
    `   ${w.cause}: ${printable(cause.fingerprint)} (${printable(cause.errorClass ?? 'error')})`,
  ];
  if (cause.example) lines.push(`   ${w.example}: ${printable(cause.example)}`);
  lines.push(`   ${w.whatToDo}: ${adviceText(cause.advice, language)}`, `   ${w.machines(cause.cases.length)}:`, ...cause.cases.slice(0, LISTED).map((c) => caseLine(c, kind, w)));
  if (cause.cases.length > LISTED) lines.push(`     ${w.andMore(cause.cases.length - LISTED)}`);
  if (cause.errorClass !== 'offline') lines.push(`   ${w.rerun}: ${printable(cause.rerun)}`); // keep runs an offline PC when it answers
  return lines.join('\n');
}

/** The digest's language: its cases' sites', when they share one; else English. */
export function digestLanguage(digest: Digest, settings: MailSettings): Language {
  return languageOfSites(digest.cases.map((c) => c.view.site), settings.languageOf);
}

function bodyOf(digest: Digest, settings: MailSettings, language: Language): string {
  const w = DIGEST_WORDS[language];
  const n = digest.cases.length;
  const project = printable(settings.project);
  const intro = digest.kind === 'owner' ? w.ownerIntro(n, digest.causes.length, project) : w.escalationIntro(n, project);
  const before = digest.reportedBefore > 0 ? [w.reportedBefore(digest.reportedBefore)] : [];
  return [w.hello(printable(digest.to.name ?? digest.to.address)), '', intro, '', digest.causes.map((c, i) => causeBlock(c, i, digest.kind, w, language)).join('\n\n'), '', ...before, '-- ', w.signature(project), ''].join('\n');
}

function subjectOf(digest: Digest, settings: MailSettings, language: Language): string {
  const w = DIGEST_WORDS[language];
  const n = digest.cases.length;
  const overdue = digest.cases.filter((c) => c.view.overdue).length;
  const text = digest.kind === 'owner' ? w.ownerSubject(n, digest.causes.length, overdue) : w.escalationSubject(n, digest.causes.length, overdue);
  const prefix = displayName(settings.subjectPrefix);
  return prefix ? `${prefix} ${text}` : text;
}

const address = (r: Recipient): Mail.Address => ({ name: r.name ?? '', address: r.address });

/** The digest as one message: names are structured fields (nodemailer quotes and encodes them), never spliced text. */
export function composeDigest(digest: Digest, settings: MailSettings): ComposedMail {
  const language = digestLanguage(digest, settings);
  const subject = subjectOf(digest, settings, language);
  const text = bodyOf(digest, settings, language);
  const options: Mail.Options = {
    from: address(settings.from),
    to: [address(digest.to)],
    envelope: { from: settings.from.address, to: [digest.to.address] },
    subject,
    text,
    textEncoding: 'quoted-printable',
    headers: { 'X-Homeshift-Digest': digest.kind, 'Content-Language': language },
  };
  return { digest, subject, text, options };
}

/** The RFC 5322 message nodemailer would send, as bytes (what --out writes as an .eml file). */
export async function buildRaw(mail: ComposedMail): Promise<Buffer> {
  return new MailComposer(mail.options).compile().build();
}
