/**
 * What a rollout put on real lab PCs lands in the journal (files as hashes, packages and how), and `status --limit
 * @stale` says for the stale PCs what changed since: a dropped bundle, a renamed VPN connection.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/journal/index.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { runCli } from './run-cli.js';

const PCS = 4;

describe('what was applied, and why a PC is stale', () => {
  let dir: string;
  let lab: Lab;
  const cli = (...args: string[]) => runCli(['-C', lab.projectDir, ...args]);
  const journal = () => join(lab.projectDir, '.homeshift', 'journal.db');
  const profile = () => join(lab.projectDir, 'profiles', 'home-office-base.yaml');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'homeshift-applied-'));
    lab = await startLab({ dir: join(dir, 'lab'), machines: PCS, sites: 1 });
    // the repository's own copy of the shipped base profile, to change after the rollout
    await mkdir(join(lab.projectDir, 'profiles'), { recursive: true });
    await writeFile(profile(), await readFile(new URL('../../profiles/home-office-base.yaml', import.meta.url), 'utf8'));
  }, 120_000);
  afterAll(async () => {
    await lab?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('records each PC\'s steps after a rollout, and names what changed for the stale PCs after a profile change', async () => {
    expect((await cli('rollout', '--yes')).exitCode).toBe(0);
    const store = await openSqliteStore(journal());
    try {
      const applied = await store.listApplied();
      expect(applied.map((a) => a.machine)).toEqual(lab.machines.map((m) => m.id).sort());
      const [first] = applied;
      expect(first.planHash).toMatch(/^[0-9a-f]{64}$/);
      expect(first.steps.map((s) => s.step)).toEqual(expect.arrayContaining(['bundle:office-base', 'mailbox', 'vpn']));
      expect(first.steps.some((s) => s.step.startsWith('check:'))).toBe(false);
      const vpn = first.steps.find((s) => s.step === 'vpn')!;
      expect(vpn.vars.HS_VPN_NAME).toBe('homeshift-vpn');
      expect(vpn.files.map((f) => f.path)).toContain('etc/NetworkManager/system-connections/homeshift-vpn.nmconnection');
      expect(first.steps.find((s) => s.step === 'bundle:office-base')!.installed.every((p) => p.via === 'apt' && p.id && p.version)).toBe(true);
    } finally {
      await store.close();
    }

    const text = await readFile(profile(), 'utf8');
    await writeFile(profile(), text.replace(/\nbundles:\n {2}- office-base\n/, '\n').replace('connectionName: homeshift-vpn', 'connectionName: telco-home'));
    const status = await cli('status', '--limit', '@stale');
    expect(status.exitCode).toBe(0);
    const out = String(status.stdout);
    expect(out).toContain(`stale: ${PCS} PCs whose plan changed since their last success, by what changed:\n${PCS} PCs: ${lab.machines.map((m) => m.id).sort().join(' ')}\n`);
    expect(out).toMatch(/\n {2}~ VPN connection telco-home: settings HS_VPN_NAME; files homeshift-vpn\.nmconnection\n/);
    expect(out).toMatch(/\n {2}- Software bundle office-base [^\n]* \(no longer planned; \d+ package\(s\), 0 file\(s\) it put on the PC stay there\)\n?/);

    const json = JSON.parse(String((await cli('status', '--limit', '@stale', '--format', 'json')).stdout));
    expect(json.stale).toHaveLength(1);
    expect(json.stale[0].machines).toHaveLength(PCS);
    expect(json.stale[0].changes.map((c: { kind: string; step: string }) => `${c.kind} ${c.step}`)).toEqual(['step-changed vpn', 'step-gone bundle:office-base']);
  }, 240_000);
});
