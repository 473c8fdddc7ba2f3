/**
 * notify through the lab, the journal and the CLI in fresh processes: digests per owner into a pickup folder, sent
 * once per case state; a case past its due time escalates to its group's lead; a reassigned case moves to its new
 * owner's digest; a supporter's hostile name from the inventory cannot add a header or a recipient.
 */
import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { loadProject } from '../../src/config/index.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { readMessage, type ReadMessage } from '../support/mail-message.js';
import { runCli } from './run-cli.js';
import { EXAMPLE_ROUTING } from '../support/routing.js';

// Many CLI processes in a row, each loading the project: generous under a loaded machine (no timing is asserted).
const SLOW = 240_000;

const ROUTING = `${EXAMPLE_ROUTING}notify: { from: homeshift@example-telco.de, fromName: Rollout team, subjectPrefix: "[homeshift]" }
`;

/** stderr without the validation warning the hostile name draws (it is a warning, not an error, in names). */
const problems = (stderr: unknown): string => String(stderr).split('\n').filter((l) => l && !/ warning: .*\[text-character\]$/.test(l)).join('\n');

const HOSTILE_NAME = 'Eve "Boss", Bcc: evil@attacker.example\r\nBcc: evil2@attacker.example';

async function readOutbox(dir: string): Promise<Map<string, ReadMessage[]>> {
  const byRecipient = new Map<string, ReadMessage[]>();
  if (!existsSync(dir)) return byRecipient;
  for (const name of (await readdir(dir)).sort()) {
    expect(name).toMatch(/^\d{8}-\d{6}-\d{2}-(owner|escalation)-[A-Za-z0-9@._-]+\.eml$/);
    const message = readMessage(await readFile(join(dir, name)));
    const to = /<([^<>]+)>$/.exec(message.header('to')[0])?.[1] ?? message.header('to')[0];
    byRecipient.set(to, [...(byRecipient.get(to) ?? []), message]);
  }
  return byRecipient;
}

describe('notify from lab faults', () => {
  let dir: string;
  let lab: Lab;
  const cli = (...args: string[]) => runCli(['-C', lab.projectDir, ...args]);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'homeshift-notify-'));
    lab = await startLab({ dir: join(dir, 'lab'), machines: 12, sites: 2, faults: 'offline=2,auth=2', windows: '0' });
    await appendFile(join(lab.projectDir, 'homeshift.yaml'), ROUTING);
    // The first supporter of an offline PC's site gets a name that tries to add recipients and a header.
    const offline = lab.machines.find((m) => m.fault?.kind === 'offline')!;
    const inventory = join(lab.projectDir, 'inventory', `${offline.site}.yaml`);
    const text = await readFile(inventory, 'utf8');
    await writeFile(inventory, text.replace(/- \{ name: ("[^"]*"|'[^']*'|[^,]+),/, `- { name: ${JSON.stringify(HOSTILE_NAME)},`));
    const first = await cli('rollout', '--yes', '--json', '--retries', '0');
    if (first.exitCode !== 3) console.log(first.stderr);
    expect(first.exitCode).toBe(3);
  }, SLOW);
  afterAll(async () => {
    await lab?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes one digest per owner, once per case state, with causes, advice and the rerun command', async () => {
    const auth = lab.machines.filter((m) => m.fault?.kind === 'auth').map((m) => m.id).sort();
    const offline = lab.machines.filter((m) => m.fault?.kind === 'offline').map((m) => m.id).sort();

    const check = await cli('notify', '--check');
    expect([check.exitCode, problems(check.stderr)]).toEqual([0, '']);
    expect(String(check.stdout)).toMatch(/would send to it-ops@example-telco\.de \(owner digest\)/);
    expect(String(check.stdout)).toMatch(/message(s)? would be sent \(--check: nothing sent, nothing recorded\)/);

    const json = JSON.parse(String((await cli('notify', '--check', '--json')).stdout));
    const toItOps = json.messages.find((m: { to: string }) => m.to === 'it-ops@example-telco.de');
    expect(toItOps).toMatchObject({ kind: 'owner', status: 'would-send', cases: auth, subject: '[homeshift] 2 open cases for you in 1 cause' });
    expect(json.mode).toBe('check');

    const d1 = join(dir, 'D1');
    const sent = await cli('notify', '--out', d1);
    expect([sent.exitCode, problems(sent.stderr)]).toEqual([0, '']);
    const outbox = await readOutbox(d1);
    const [itOps] = outbox.get('it-ops@example-telco.de')!;
    for (const id of auth) expect(itOps.text).toContain(id);
    for (const id of offline) expect(itOps.text).not.toContain(id);
    expect(itOps.header('subject')).toEqual(['[homeshift] 2 open cases for you in 1 cause']);
    expect(itOps.header('from')).toEqual(['Rollout team <homeshift@example-telco.de>']);
    expect(itOps.text).toMatch(/what to do: Service account refused/);
    expect(itOps.text).toMatch(/then re-run them: homeshift rerun --cause auth:\S+/);
    expect(itOps.text).toMatch(/due \d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d\d:\d\d/);
    const supporterMail = [...outbox].filter(([to]) => to !== 'it-ops@example-telco.de').flatMap(([, list]) => list);
    expect(supporterMail.map((m) => m.text).join('\n')).toEqual(expect.stringContaining(offline[0]));
    for (const id of offline) expect(supporterMail.some((m) => m.text.includes(id))).toBe(true);
    for (const id of auth) expect(supporterMail.some((m) => m.text.includes(id))).toBe(false);

    // The hostile name is one quoted display name: one To address, no Bcc header, no header line of its own.
    for (const m of [...outbox.values()].flat()) {
      expect(m.header('bcc')).toEqual([]);
      expect(m.header('to')).toHaveLength(1);
      expect(m.raw).not.toMatch(/^Bcc:/im);
      expect(m.raw).not.toContain('evil2@attacker.example\r\n');
    }
    const hostile = supporterMail.find((m) => m.header('to')[0].includes('Eve'))!;
    expect(hostile.header('to')[0]).toMatch(/^"Eve \\"Boss\\", Bcc: evil@attacker\.example Bcc: evil2@attacker\.example" <[^<>,]+>$/);

    const again = await cli('notify', '--out', join(dir, 'D2'));
    expect([again.exitCode, String(again.stdout).trim()]).toEqual([0, 'Nothing to send: every open case was already reported to its owner and lead in its current state.']);
    expect(existsSync(join(dir, 'D2'))).toBe(false);
  }, SLOW);

  it('escalates a case past its due time to the lead, and a reassigned case goes to its new owner', async () => {
    const [late, other] = lab.machines.filter((m) => m.fault?.kind === 'auth').map((m) => m.id).sort();
    const journal = new Database(join(lab.projectDir, '.homeshift', 'journal.db'));
    journal.prepare('UPDATE cases SET due_at = ? WHERE machine = ?').run(new Date(Date.now() - 3_600_000).toISOString(), late);
    journal.close();

    const status = JSON.parse(String((await cli('status', '--format', 'json')).stdout));
    const cases = status.sites.flatMap((s: { cases: { machine: string; overdue: boolean }[] }) => s.cases);
    expect(cases.find((c: { machine: string }) => c.machine === late)).toMatchObject({ overdue: true, escalated: true });
    const errors = String((await cli('errors')).stdout).split('\n');
    expect(errors[1]).toMatch(new RegExp(`^${late} .* overdue `));

    const d3 = join(dir, 'D3');
    expect((await cli('notify', '--out', d3)).exitCode).toBe(0);
    const outbox = await readOutbox(d3);
    const [lead] = outbox.get('it-lead@example-telco.de')!;
    expect(lead.header('subject')).toEqual(['[homeshift] Escalated to you: 1 case in 1 cause, 1 overdue']);
    expect(lead.text).toContain(late);
    expect(lead.text).not.toContain(other);
    expect(lead.text).toMatch(/OVERDUE, owner it-ops@example-telco\.de/);
    const log = String((await cli('log', late)).stdout);
    expect(log).toMatch(/escalated to it-lead@example-telco\.de by \S+/);

    const assign = await cli('case', 'assign', other, '--to', 'hr-data@example-telco.de');
    expect(assign.exitCode).toBe(0);
    const d4 = join(dir, 'D4');
    expect((await cli('notify', '--out', d4)).exitCode).toBe(0);
    const next = await readOutbox(d4);
    expect([...next.keys()]).toEqual(['hr-data@example-telco.de']);
    expect(next.get('hr-data@example-telco.de')![0].text).toContain(other);
  }, SLOW);

  it('a re-run that reaches escalateAfterAttempts records the escalation: to the lead of its cause\'s group, else the second supporter', async () => {
    const offline = lab.machines.filter((m) => m.fault?.kind === 'offline').map((m) => m.id).sort()[0];
    for (let i = 0; i < 2; i++) expect((await cli('rerun', '--failed', '--yes', '--retries', '0', '--site', lab.machines.find((m) => m.id === offline)!.site)).exitCode).toBe(3);
    const { project } = await loadProject({ projectDir: lab.projectDir });
    const second = project!.sites.get(lab.machines.find((m) => m.id === offline)!.site)!.supporters[1];
    const errors = JSON.parse(String((await cli('errors', '--format', 'json')).stdout)) as { cases: { machine: string; errorClass: string; escalated: boolean }[] };
    const now = errors.cases.find((c) => c.machine === offline)!;
    expect(now.escalated).toBe(true);
    // The lab brings an offline PC back with a new host key: the cause may now be auth, which central-it's lead gets.
    const target = now.errorClass === 'auth' ? 'it-lead@example-telco.de' : `${second.name} <${second.email}>`;
    expect(String((await cli('log', offline)).stdout)).toContain(`escalated to ${target} by `);
  }, SLOW);

  it('refuses a missing way, two ways, and a bad --smtp URL with exit 1; no notify section is exit 2', async () => {
    expect((await cli('notify')).exitCode).toBe(1);
    expect((await cli('notify', '--check', '--out', join(dir, 'x'))).exitCode).toBe(1);
    const bad = await cli('notify', '--smtp', 'http://127.0.0.1:25');
    expect([bad.exitCode, problems(bad.stderr)]).toEqual([1, 'homeshift: --smtp must start with smtp:// or smtps://, not http://']);
    const yaml = join(lab.projectDir, 'homeshift.yaml');
    const text = await readFile(yaml, 'utf8');
    await writeFile(yaml, text.replace(/^notify: .*$/m, 'notify: { from: "Eve <eve@example-telco.de>\\r\\nBcc: x@y.de" }'));
    const invalid = await cli('notify', '--check');
    await writeFile(yaml, text);
    expect(invalid.exitCode).toBe(2);
    expect(String(invalid.stdout) + String(invalid.stderr)).toMatch(/homeshift\.yaml:\d+:\d+/);
  }, SLOW);
});
