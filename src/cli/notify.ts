import { Command } from 'commander';
import { describeInvoker } from '../journal/index.js';
import { gatherCases, deliver, planMail, recordEscalations, type MessageOutcome } from '../cases/notify.js';
import { createRecipientResolver, displayName } from '../cases/recipients.js';
import { folderSender, parseSmtpUrl, smtpSender, type Sender, type SmtpUrl } from '../cases/send.js';
import type { ComposedMail, MailSettings } from '../cases/mail.js';
import type { DigestPlan } from '../cases/digests.js';
import type { Project } from '../model/project.js';
import { printable } from '../model/printable.js';
import { resolveSecrets, SecretError } from '../run/secrets.js';
import { EXIT, inputError, setExit, usageError } from './exit.js';
import { addFormatOptions } from './format-option.js';
import { escalationOf, withJournal } from './journal.js';
import { createOutput, type Output } from './output.js';
import { globalOptions, requireValidProject } from './project.js';

interface NotifyOptions { smtp?: string; out?: string; check?: boolean; format: 'text' | 'json' }

function mailSettings(project: Project): MailSettings {
  const n = project.config.notify;
  if (!n) throw inputError('homeshift.yaml has no notify: section; add one with the sender, e.g. notify: { from: homeshift@example-telco.de }');
  return {
    from: { address: n.from.toLowerCase(), name: n.fromName ? displayName(n.fromName) : null }, subjectPrefix: n.subjectPrefix, project: project.config.name,
    languageOf: (site) => project.sites.get(site)?.language ?? 'en',
  };
}

/** The SMTP password: the URL's, else notify.smtpPasswordSecret's, else HOMESHIFT_SMTP_PASSWORD. */
function smtpPassword(project: Project, fromUrl: string | null): string | null {
  if (fromUrl !== null) return fromUrl;
  const secret = project.config.notify?.smtpPasswordSecret;
  if (secret !== undefined) {
    try {
      return resolveSecrets(project.config.secrets, [secret], project.root)[secret];
    } catch (err) {
      if (err instanceof SecretError) throw inputError(`notify: ${err.message}; nothing was sent`);
      throw err;
    }
  }
  return process.env.HOMESHIFT_SMTP_PASSWORD ?? null;
}

function senderFor(opts: NotifyOptions, smtp: SmtpUrl | null, project: Project, now: Date): Sender | null {
  if (opts.out !== undefined) return folderSender(opts.out, now);
  if (smtp === null) return null;
  const parsed = { target: smtp };
  const password = smtpPassword(project, parsed.target.password);
  if (parsed.target.user !== null && password === null) {
    throw inputError('--smtp names a user but no password: give it in the URL, through notify.smtpPasswordSecret or HOMESHIFT_SMTP_PASSWORD');
  }
  return smtpSender({ ...parsed.target, password });
}

const addressOf = (m: ComposedMail): string => m.digest.to.address;
const count = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function messageJson(m: ComposedMail, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    kind: m.digest.kind, to: addressOf(m), name: m.digest.to.name, subject: m.subject, cases: m.digest.cases.map((c) => c.view.machine),
    causes: m.digest.causes.map((c) => ({ fingerprint: c.fingerprint, machines: c.cases.map((x) => x.view.machine), rerun: c.rerun })),
    reportedBefore: m.digest.reportedBefore, ...extra,
  };
}

function report(out: Output, opts: NotifyOptions, plan: DigestPlan, mails: ComposedMail[], outcomes: MessageOutcome[] | null, escalated: string[], target: string | null): void {
  const unaddressable = plan.unaddressable.map((u) => ({ owner: u.owner, machines: u.machines }));
  if (opts.format === 'json') {
    const messages = outcomes === null
      ? mails.map((m) => messageJson(m, { status: 'would-send', text: m.text }))
      : outcomes.map((o) => messageJson(o.mail, { status: o.status, where: o.where, error: o.error }));
    out.out(JSON.stringify({ mode: opts.check ? 'check' : opts.out !== undefined ? 'out' : 'smtp', target, messages, escalationsRecorded: escalated, unaddressable }, null, 2));
    return;
  }
  const lines: string[] = [];
  for (const u of unaddressable) lines.push(`warning: ${printable(u.owner)} is no mail address; not told about ${u.machines.map((m) => printable(m)).join(', ')}`);
  if (escalated.length > 0) lines.push(`escalation recorded for ${escalated.map((m) => printable(m)).join(', ')}`);
  if (mails.length === 0) {
    lines.push('Nothing to send: every open case was already reported to its owner and lead in its current state.');
  } else if (outcomes === null) {
    for (const m of mails) lines.push(`--- would send to ${addressOf(m)} (${m.digest.kind} digest)`, `To: ${printable(m.digest.to.name ?? '')} <${addressOf(m)}>`, `Subject: ${printable(m.subject)}`, '', m.text);
    lines.push(`${count(mails.length, 'message')} would be sent (--check: nothing sent, nothing recorded).`);
  } else {
    for (const o of outcomes) {
      const what = `${o.mail.digest.kind} digest to ${addressOf(o.mail)}: ${count(o.mail.digest.cases.length, 'case')} in ${count(o.mail.digest.causes.length, 'cause')}`;
      lines.push(o.status === 'sent' ? `sent ${what} (${printable(o.where ?? '')})` : `FAILED ${what}: ${printable(o.error ?? '')}`);
    }
    const failed = outcomes.filter((o) => o.status === 'failed').length;
    lines.push(`${count(outcomes.length - failed, 'message')} sent${target ? ` to ${printable(target)}` : ''}${failed ? `, ${failed} failed (sent again next time)` : ''}.`);
  }
  out.out(lines.join('\n'));
}

export function registerNotify(program: Command): void {
  addFormatOptions(program
    .command('notify')
    .description('one digest per owner (their open cases by cause, what to do, the rerun command) and one per lead for escalated cases')
    .option('--smtp <url>', 'send through this server: smtp://host:port (STARTTLS when offered) or smtps://host:port')
    .option('--out <dir>', 'write one .eml file per message into this folder (a pickup directory)')
    .option('--check', 'show what would be sent; send and record nothing'), ['text', 'json'])
    .addHelpText('after', `
A case is mailed to a recipient once per state: again only when its owner, cause or escalation
changes (or it closes and reopens). The journal keeps what was delivered.
SMTP user and password: smtp://user:password@host:port, or the user in the URL and the password
from notify.smtpPasswordSecret or HOMESHIFT_SMTP_PASSWORD.
Exit codes: 0 sent (or nothing to send), 2 bad configuration, 3 some messages failed (the rest are recorded).

Examples:
  $ homeshift notify --check
  $ homeshift notify --out outbox/
  $ homeshift notify --smtp smtp://mail.example-telco.de:587`)
    .action(async (opts: NotifyOptions, cmd: Command) => {
      const g = globalOptions(cmd);
      const out = createOutput(g);
      const ways = [opts.smtp !== undefined, opts.out !== undefined, opts.check === true].filter(Boolean).length;
      if (ways !== 1) throw usageError(ways === 0 ? 'say where the digests go: --smtp URL, --out DIR, or --check' : '--smtp, --out and --check exclude each other: choose one');
      const smtp = opts.smtp === undefined ? null : parseSmtpUrl(opts.smtp);
      if (smtp?.target === null) throw usageError(`--smtp ${smtp.problem}`);
      const project = await requireValidProject(g, out);
      const settings = mailSettings(project);
      const now = new Date();
      const sender = senderFor(opts, smtp?.target ?? null, project, now);
      const supporters = (site: string) => project.sites.get(site)?.supporters ?? [];
      const recipientOf = createRecipientResolver([...project.sites.values()].flatMap((s) => s.supporters), project.config.routing?.groups);
      const result = await withJournal(project, false, async (store) => {
        const cases = await gatherCases({ store, routing: project.config.routing, supporters, policy: escalationOf(project), now });
        const escalated = sender === null ? [] : await recordEscalations(store, cases, now, describeInvoker());
        const { plan, mails } = await planMail(store, cases, recipientOf, settings);
        const outcomes = sender === null ? null : await deliver(store, mails, sender, () => new Date());
        return { plan, mails, outcomes, escalated };
      });
      report(out, opts, result.plan, result.mails, result.outcomes, result.escalated, sender?.describe ?? null);
      setExit(result.outcomes?.some((o) => o.status === 'failed') ? EXIT.failed : EXIT.ok);
    });
}
