/**
 * notify --smtp against a real SMTP server on loopback (smtp-server, started here on a free port) with a login:
 * what the server received (envelope, headers, body), a refused recipient (exit 3, sent again next time), and
 * the password never printed.
 */
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { startLab, type Lab } from '../../src/lab/index.js';
import { readMessage, type ReadMessage } from '../support/mail-message.js';
import { runCli } from './run-cli.js';

// Many CLI processes in a row, each loading the project: generous under a loaded machine (no timing is asserted).
const SLOW = 240_000;

const ROUTING = `
routing:
  groups:
    central-it: { members: [it-ops@example-telco.de], lead: it-lead@example-telco.de }
  rules:
    - { class: [auth], to: central-it, reactWithin: 1h }
    - { class: [unreachable], to: site-supporters, reactWithin: 4h }
notify: { from: homeshift@example-telco.de, subjectPrefix: "[rollout]" }
`;

const PASSWORD = 'pa$$ w:rd/1';

interface Received { from: string; to: string[]; message: ReadMessage }

describe('notify --smtp to a server on loopback', () => {
  let dir: string;
  let lab: Lab;
  let server: SMTPServer;
  let port: number;
  const received: Received[] = [];
  const refused = new Set<string>();
  const logins: string[] = [];
  const notify = () => runCli(['-C', lab.projectDir, 'notify', '--smtp', `smtp://digest@127.0.0.1:${port}`], { env: { HOMESHIFT_SMTP_PASSWORD: PASSWORD } });

  beforeAll(async () => {
    server = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      logger: false,
      onAuth(auth, _session, callback) {
        logins.push(auth.username ?? '');
        if (auth.username === 'digest' && auth.password === PASSWORD) callback(null, { user: 'digest' });
        else callback(new Error('Invalid username or password'));
      },
      onRcptTo(address, _session, callback) {
        if (!refused.has(address.address)) return callback();
        return callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }));
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const mailFrom = session.envelope.mailFrom;
          received.push({ from: mailFrom ? mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), message: readMessage(Buffer.concat(chunks)) });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.server.address() as AddressInfo).port;
    dir = await mkdtemp(join(tmpdir(), 'homeshift-notify-smtp-'));
    lab = await startLab({ dir: join(dir, 'lab'), machines: 12, sites: 2, faults: 'offline=2,auth=2', windows: '0' });
    await appendFile(join(lab.projectDir, 'homeshift.yaml'), ROUTING);
    expect((await runCli(['-C', lab.projectDir, 'rollout', '--yes', '--retries', '0'])).exitCode).toBe(3);
  }, SLOW);
  afterAll(async () => {
    await lab?.stop();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  it('sends each owner one digest; a refused recipient is exit 3 and gets it next time, the others not again', async () => {
    const auth = lab.machines.filter((m) => m.fault?.kind === 'auth').map((m) => m.id).sort();
    const offline = lab.machines.filter((m) => m.fault?.kind === 'offline').map((m) => m.id).sort();
    refused.add('it-ops@example-telco.de');
    const first = await notify();
    expect(first.exitCode).toBe(3);
    expect(String(first.stdout)).toMatch(/^FAILED owner digest to it-ops@example-telco\.de: 2 cases in 1 cause: .*550/m);
    expect(String(first.stdout)).toMatch(/sent to smtp:\/\/digest@127\.0\.0\.1:\d+, 1 failed \(sent again next time\)\.$/m);
    expect(String(first.stdout) + String(first.stderr)).not.toContain(PASSWORD);
    expect(logins.every((u) => u === 'digest')).toBe(true);

    const supporterMail = received.splice(0);
    expect(supporterMail.length).toBeGreaterThanOrEqual(1);
    for (const r of supporterMail) {
      expect(r.from).toBe('homeshift@example-telco.de');
      expect(r.to).toHaveLength(1);
      expect(r.message.header('to')[0]).toContain(`<${r.to[0]}>`);
      expect(r.message.header('subject')[0]).toMatch(/^\[rollout\] \d+ open cases? for you in 1 cause$/);
      expect(r.message.text).toMatch(/what to do: PC is on but its SSH service does not answer/);
      for (const id of auth) expect(r.message.text).not.toContain(id);
    }
    expect(offline.every((id) => supporterMail.some((r) => r.message.text.includes(id)))).toBe(true);

    refused.clear();
    const second = await notify();
    expect(second.exitCode).toBe(0);
    expect(received.map((r) => r.to)).toEqual([['it-ops@example-telco.de']]);
    const [itOps] = received.splice(0);
    expect(itOps.message.header('subject')).toEqual(['[rollout] 2 open cases for you in 1 cause']);
    for (const id of auth) expect(itOps.message.text).toContain(id);
    expect(itOps.message.text).toMatch(/then re-run them: homeshift rerun --cause auth:[0-9a-f]+/);

    const third = await notify();
    expect([third.exitCode, received.length]).toEqual([0, 0]);
    expect(String(third.stdout)).toMatch(/^Nothing to send/m);
  }, SLOW);

  it('a wrong password fails every message with exit 3 and prints no password', async () => {
    await runCli(['-C', lab.projectDir, 'case', 'assign', lab.machines.find((m) => m.fault?.kind === 'auth')!.id, '--to', 'it-lead@example-telco.de']);
    const wrong = await runCli(['-C', lab.projectDir, 'notify', '--smtp', `smtp://digest:not-it@127.0.0.1:${port}`]);
    expect(wrong.exitCode).toBe(3);
    expect(String(wrong.stdout)).toMatch(/FAILED owner digest to it-lead@example-telco\.de/);
    expect(String(wrong.stdout) + String(wrong.stderr)).not.toContain('not-it');
    expect(received).toHaveLength(0);
  }, SLOW);
});
