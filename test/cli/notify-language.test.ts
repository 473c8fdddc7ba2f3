/**
 * Digests and worklists in the supporters' language: a lab of two sites, one with `language: de`, every PC switched
 * off at the port (refused). notify sends to a real SMTP server on loopback; the German site's supporters get their
 * digest in German, the other site's in English, and the HTML report's worklists follow the same sites.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { startLab, type Lab } from '../../src/lab/index.js';
import { readMessage, type ReadMessage } from '../support/mail-message.js';
import { runCli } from './run-cli.js';

const SLOW = 240_000;
// Sentences of the English digest that must never show in a German one.
/** A header as people read it: RFC 2047 encoded words (=?UTF-8?Q?...?= or ?B?) decoded. */
const decoded = (header: string): string => header.replace(/=\?UTF-8\?([QB])\?([^?]*)\?=\s*/gi, (_, kind: string, text: string) => (kind.toUpperCase() === 'B'
  ? Buffer.from(text, 'base64').toString('utf8')
  : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8')));
const ENGLISH = ['Hello ', 'what to do:', 'then re-run them:', 'open case', 'Overdue cases come first', 'machines ('];

describe('digests and worklists in the site\'s language', () => {
  let dir: string;
  let lab: Lab;
  let server: SMTPServer;
  let port: number;
  let germanSite: string;
  const received: ReadMessage[] = [];

  beforeAll(async () => {
    server = new SMTPServer({
      disabledCommands: ['AUTH', 'STARTTLS'],
      logger: false,
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => { received.push(readMessage(Buffer.concat(chunks))); callback(); });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.server.address() as AddressInfo).port;
    dir = await mkdtemp(join(tmpdir(), 'homeshift-notify-language-'));
    lab = await startLab({ dir: join(dir, 'lab'), machines: 6, sites: 2, faults: 'offline=6', windows: '0' });
    const inventory = join(lab.projectDir, 'inventory');
    const [first] = (await readdir(inventory)).sort();
    const text = await readFile(join(inventory, first), 'utf8');
    germanSite = /^ {2}id: (\S+)$/m.exec(text)![1];
    await writeFile(join(inventory, first), text.replace(/^( {2}vpnGateway: .*)$/m, '$1\n  language: de'));
    await writeFile(join(lab.projectDir, 'homeshift.yaml'), `${await readFile(join(lab.projectDir, 'homeshift.yaml'), 'utf8')}\nnotify: { from: homeshift@example-telco.de }\n`);
    expect((await runCli(['-C', lab.projectDir, 'rollout', '--yes', '--retries', '0'])).exitCode).toBe(3);
  }, SLOW);

  afterAll(async () => {
    await lab?.stop();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  it('the German site\'s supporters read German, the other site\'s English', async () => {
    const sent = await runCli(['-C', lab.projectDir, 'notify', '--smtp', `smtp://127.0.0.1:${port}`]);
    expect(sent.exitCode).toBe(0);
    const germanPcs = lab.machines.filter((m) => m.site === germanSite).map((m) => m.id);
    const german = received.filter((m) => germanPcs.some((id) => m.text.includes(id)));
    const english = received.filter((m) => !german.includes(m));
    expect(german.length).toBeGreaterThan(0);
    expect(english.length).toBeGreaterThan(0);
    for (const m of german) {
      expect(m.header('content-language')).toEqual(['de']);
      expect(decoded(m.header('subject')[0])).toMatch(/^\[homeshift\] (Ein offener Fall|\d+ offene Fälle) für Sie, eine Ursache$/);
      expect(m.text).toMatch(/^Hallo .+,\n\nSie haben (einen offenen Fall|\d+ offene Fälle) im Rollout .+, mit einer Ursache\. Überfällige Fälle stehen zuerst\.\n/);
      expect(m.text).toContain('   Was zu tun ist: Der PC ist an, aber sein SSH-Dienst antwortet nicht: OpenSSH Server auf dem PC starten (Windows: Start-Service sshd), dann erneut ausführen.\n');
      expect(m.text).toMatch(/ {3}PCs \(\d+\):\n {5}\S+ {2}\S+ {2}offen seit \d+ (Sek\.|Min\.)/);
      expect(m.text).toMatch(/ {3}danach erneut ausführen: homeshift rerun --cause unreachable:[0-9a-f]+\n/);
      expect(m.text).toContain('\n-- \nhomeshift, Rollout ');
      for (const phrase of ENGLISH) expect(m.text).not.toContain(phrase);
      for (const id of germanPcs) expect(m.text).toContain(id);
    }
    for (const m of english) {
      expect(m.header('content-language')).toEqual(['en']);
      expect(m.header('subject')[0]).toMatch(/^\[homeshift\] \d+ open cases? for you in 1 cause$/);
      expect(m.text).toContain('what to do: PC is on but its SSH service does not answer');
    }
  }, SLOW);

  it('the HTML report writes each supporter\'s worklist in their site\'s language', async () => {
    const html = join(dir, 'report.html');
    expect((await runCli(['-C', lab.projectDir, 'report', '--html', html])).exitCode).toBe(0);
    const page = await readFile(html, 'utf8');
    const lists = page.split('<article class="worklist"').slice(1);
    const german = lists.filter((l) => l.startsWith(' lang="de"'));
    expect(german.length).toBeGreaterThan(0);
    for (const l of german) {
      expect(l).toMatch(/<span class="muted">(1 offener Fall|\d+ offene Fälle)<\/span>/);
      expect(l).toContain('<th scope="col">Standort</th>');
      expect(l).toContain('Der PC ist an, aber sein SSH-Dienst antwortet nicht');
      expect(l).not.toContain('PC is on but');
    }
    expect(lists.some((l) => l.startsWith('>') && l.includes('<th scope="col">site</th>'))).toBe(true);
  }, SLOW);
});
