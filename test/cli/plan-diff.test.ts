/**
 * plan --diff: what a commit of the rollout repository does to the fleet, against a git ref or a plan file, grouped
 * so that identical changes read as one block; the example repository in a real git repository.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT } from '../config/helpers.js';
import { runCli } from './run-cli.js';

let top: string;
let repo: string;
const git = (...args: string[]) => execa('git', ['-c', 'user.email=ci@example-telco.de', '-c', 'user.name=CI', ...args], { cwd: top, stdin: 'ignore' });
const edit = (file: string, from: string | RegExp, to: string) => writeFileSync(join(repo, file), readFileSync(join(repo, file), 'utf8').replace(from, to));

beforeAll(async () => {
  top = mkdtempSync(join(tmpdir(), 'hs-plan-diff-'));
  repo = join(top, 'rollout');
  cpSync(join(REPO_ROOT, 'examples', 'service-center'), repo, { recursive: true, filter: (src) => !src.includes('.homeshift') });
  await git('init', '-q');
  await git('add', '-A');
  await git('commit', '-qm', 'as rolled out');
  await runCli(['-C', repo, 'plan', '--format', 'json']).then((r) => writeFileSync(join(top, 'before.json'), String(r.stdout)));
  // the back office drops the scanner bundle and moves to another team mailbox; Brühl gets a second hotline mailbox
  edit('profiles/back-office.yaml', /\n  - scan-station/, '');
  edit('profiles/back-office.yaml', 'backoffice@example-telco.de', 'backoffice-team@example-telco.de');
  edit('inventory/bruehl.yaml', 'sharedMailboxes: [hotline-bruehl@example-telco.de]', 'sharedMailboxes: [hotline-bruehl@example-telco.de, hotline-nrw@example-telco.de]');
  await git('commit', '-qam', 'back office without scanners');
}, 120_000);

afterAll(() => rmSync(top, { recursive: true, force: true }));

describe('plan --diff', () => {
  it('against HEAD~1: the changed PCs grouped by their change, with the file lines of one PC of each group', async () => {
    const r = await runCli(['-C', repo, 'plan', '--diff', 'HEAD~1']);
    expect(r.exitCode).toBe(0);
    const out = String(r.stdout);
    expect(out).toMatch(/^plan against HEAD~1 \([0-9a-f]{12}\): \d+ PCs would change, \d+ unchanged\n/);
    // Brühl's hotline PCs: one block, however many PCs
    expect(out).toMatch(/\n\d+ PCs: BRU-D0001 [^\n]*\n {2}~ Mailbox mapping: ~ outlook\.prf \(\+2 -0 lines\), ~ mailbox\.json \(\+1 -1 lines\), settings HS_MAILBOX_SHARED\n {2}files, as on BRU-D0001:\n/);
    expect(out).toContain('    +AdditionalMailbox2=hotline-nrw@example-telco.de\n');
    expect(out).toContain('  - Software bundle scan-station 2.0 (no longer planned: the next rollout removes what homeshift put on the PC)\n');
    expect(out).toContain('    -AdditionalMailbox1=backoffice@example-telco.de\n    +AdditionalMailbox1=backoffice-team@example-telco.de\n');
    expect(out).not.toContain(tmpdir()); // the old checkout's folder never shows
  });

  it('against a plan file, as JSON: the same groups as data, every changed PC in exactly one group', async () => {
    const r = await runCli(['-C', repo, 'plan', '--diff', join(top, 'before.json'), '--format', 'json']);
    expect(r.exitCode).toBe(0);
    const diff = JSON.parse(String(r.stdout)) as { unchanged: number; groups: { machines: string[]; changes: { kind: string; step?: string }[] }[] };
    const ids = diff.groups.flatMap((g) => g.machines);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length + diff.unchanged).toBe(300);
    const backOffice = diff.groups.filter((g) => g.changes.some((c) => c.kind === 'step-removed' && c.step === 'bundle:scan-station'));
    expect(backOffice.length).toBeGreaterThan(0);
    const same = await runCli(['-C', repo, 'plan', '--diff', 'HEAD', '--limit', 'site=koeln']);
    expect({ exit: same.exitCode, stderr: String(same.stderr) }).toEqual({ exit: 0, stderr: '' });
    expect(String(same.stdout)).toMatch(/^plan against HEAD \([0-9a-f]{12}\): 0 PCs would change, \d+ unchanged\n?$/);
  });

  it('an unknown ref or a file that is no plan: exit 2 with what was wrong', async () => {
    const ref = await runCli(['-C', repo, 'plan', '--diff', 'no-such-branch']);
    expect(ref.exitCode).toBe(2);
    expect(String(ref.stderr)).toContain('--diff no-such-branch: no such plan file, and git knows no commit no-such-branch');
    writeFileSync(join(top, 'notes.json'), '{"hello": 1}');
    const file = await runCli(['-C', repo, 'plan', '--diff', join(top, 'notes.json')]);
    expect(file.exitCode).toBe(2);
    expect(String(file.stderr)).toContain('notes.json: not a plan file of format 1');
  });
});
