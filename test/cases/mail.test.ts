import { planDigests, type NotifyCase } from '../../src/cases/digests.js';
import { buildRaw, composeDigest } from '../../src/cases/mail.js';
import { createRecipientResolver } from '../../src/cases/recipients.js';
import type { OpenCaseView } from '../../src/journal/index.js';
import { readMessage } from '../support/mail-message.js';

const view = (n: number, owner: string): OpenCaseView => ({
  machine: `BRU-D${String(n).padStart(4, '0')}`, site: 'bruehl', errorClass: 'step-failed', message: 'apply exited 3: mailbox not found for jörg@example.com',
  fingerprint: 'step-failed:mailbox:3f2a9c1b', cause: 'apply exited <n>: mailbox not found for <mailbox>', owner, ageMs: n * 1000, age: `${n}s`,
  dueAt: n === 7 ? '2026-11-20T09:00:00.000Z' : null, overdue: n === 7, attempts: 1, firstFailed: '2026-11-20T08:00:00.000Z',
}) as OpenCaseView;

describe('a digest as a message', () => {
  const name = 'Jörg "Boss" Müller, Bcc: x@evil.example\nBcc: y@evil.example';
  const recipientOf = createRecipientResolver([{ name, email: 'joerg@example.com' }]);
  const owner = `${name} <joerg@example.com>`;
  const cases: NotifyCase[] = Array.from({ length: 120 }, (_, i) => ({ view: view(i + 1, owner), group: 'site-supporters', escalatedTo: null }));
  const [digest] = planDigests(cases, [], recipientOf).digests;
  const mail = composeDigest(digest, { from: { address: 'homeshift@example.com', name: 'Rollout team' }, subjectPrefix: '[homeshift]', project: 'Brühl' });

  it('has one recipient, a quoted and encoded display name, and no header the name tried to add', async () => {
    const message = readMessage(await buildRaw(mail));
    expect(message.header('to')).toHaveLength(1);
    expect(message.header('bcc')).toEqual([]);
    expect(message.raw).not.toMatch(/^Bcc:/im);
    expect(message.header('to')[0]).toMatch(/<joerg@example\.com>$/);
    expect(message.header('to')[0]).not.toContain('\n');
    expect(mail.options.envelope).toEqual({ from: 'homeshift@example.com', to: ['joerg@example.com'] });
    expect(message.header('subject')).toEqual(['[homeshift] 120 open cases for you in 1 cause, 1 overdue']);
  });

  it('lists overdue first, the advice and the rerun command, and caps a big cause at 100 machines', async () => {
    const { text } = readMessage(await buildRaw(mail));
    expect(text).toContain('Hello Jörg "Boss" Müller, Bcc: x@evil.example Bcc: y@evil.example,');
    const lines = text.split('\n');
    expect(lines[lines.indexOf('   machines (120):') + 1]).toMatch(/^ {5}BRU-D0007 {2}bruehl {2}open 7s, due .* OVERDUE$/);
    expect(text).toContain('what to do: Mailbox unknown or wrong: correct the employee\'s mailbox in the directory, then re-run.');
    expect(text).toContain('example: apply exited 3: mailbox not found for jörg@example.com');
    expect(text).toContain('     and 20 more (homeshift errors --group lists them)');
    expect(text).toContain('then re-run them: homeshift rerun --cause step-failed:mailbox:3f2a9c1b');
  });
});

describe('an offline case in a digest', () => {
  const recipientOf = createRecipientResolver([{ name: 'Käthe Krause', email: 'kaethe@example.com' }]);
  const offline = {
    machine: 'BRU-D0007', site: 'bruehl', errorClass: 'offline', message: 'not seen for 4 working days (since 2026-12-01 09:12)', fingerprint: 'offline:not-seen',
    cause: 'not seen for <n> working days (since <n>-<n>-<n> <n>:<n>)', owner: 'Käthe Krause <kaethe@example.com>', ageMs: 4 * 86_400_000, age: '4d',
    dueAt: null, overdue: false, attempts: 0, firstFailed: '2026-12-01T08:12:00.000Z',
  } as OpenCaseView;
  const [digest] = planDigests([{ view: offline, group: 'site-supporters', escalatedTo: null }], [], recipientOf).digests;

  it('asks the supporter to call the colleague, in the site\'s language, and offers no re-run', async () => {
    const settings = { from: { address: 'homeshift@example.com', name: 'Rollout team' }, subjectPrefix: '[homeshift]', project: 'Brühl' };
    const en = readMessage(await buildRaw(composeDigest(digest, settings))).text;
    expect(en).toContain('what to do: Call the colleague: is the PC switched on and on the VPN?');
    expect(en).toContain('example: not seen for 4 working days (since 2026-12-01 09:12)');
    expect(en).not.toContain('homeshift rerun');
    const de = readMessage(await buildRaw(composeDigest(digest, { ...settings, languageOf: () => 'de' as const }))).text;
    expect(de).toContain('Was zu tun ist: Die Kollegin oder den Kollegen anrufen: ist der PC eingeschaltet und mit dem VPN verbunden?');
    expect(de).not.toContain('homeshift rerun');
  });
});
