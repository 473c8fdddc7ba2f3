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

    // a PC whose VPN file was deleted on the PC: the plan is what was applied, the PC is not
    const vpnFile = (root: string) => join(root, 'etc', 'NetworkManager', 'system-connections', 'homeshift-vpn.nmconnection');
    const [drifted] = [...lab.machines].sort((a, b) => a.id.localeCompare(b.id));
    await rm(vpnFile(drifted.root));
    const drift = await cli('rollout', '--check');
    expect(drift.exitCode).toBe(0);
    expect(String(drift.stdout)).toContain(`\nWould change on the PC itself, the plan unchanged:\n\n1 PC: ${drifted.id}\n  ~ VPN connection homeshift-vpn (the PC differs from what was applied)`);
    expect(String(drift.stdout)).not.toContain('Would change, against what was applied');

    const text = await readFile(profile(), 'utf8');
    await writeFile(profile(), text.replace(/\nbundles:\n {2}- office-base\n/, '\n').replace('connectionName: homeshift-vpn', 'connectionName: telco-home'));
    const status = await cli('status', '--limit', '@stale');
    expect(status.exitCode).toBe(0);
    const out = String(status.stdout);
    const ids = lab.machines.map((m) => m.id).sort().join(' ');
    expect(out).toContain(`\n\nstale: ${PCS} PCs whose plan changed since it was applied, by what changed:\n\n${PCS} PCs: ${ids}\n`);
    expect(out).toContain('\n  ~ VPN connection homeshift-vpn -> VPN connection telco-home: ~ homeshift-vpn.nmconnection (+2 -2 lines), settings HS_VPN_NAME\n');
    expect(out).toContain('\n  - Software bundle office-base 2024.2 (no longer planned: the next rollout removes what homeshift put on the PC)\n');
    expect(out).toMatch(/\n {4}vpn: etc\/NetworkManager\/system-connections\/homeshift-vpn\.nmconnection\n[^]*\n {4}-id=homeshift-vpn\n[^]*\n {4}\+id=telco-home\n/);

    // rollout --check names the same PCs, steps and file lines, and changes nothing
    const check = await cli('rollout', '--check');
    const said = String(check.stdout);
    expect(said).toContain(`\nWould change, against what was applied (${PCS} PCs; nothing was changed):\n\n${PCS} PCs: ${ids}\n`);
    expect(said).toContain('\n  - Software bundle office-base 2024.2 (no longer planned: the next rollout removes what homeshift put on the PC)\n');
    expect(said).toMatch(/\n {4}\+id=telco-home\n/);
    const other = lab.machines.find((m) => m.id !== drifted.id)!;
    expect(await readFile(vpnFile(other.root), 'utf8')).toContain('id=homeshift-vpn\n');

    const json = JSON.parse(String((await cli('status', '--limit', '@stale', '--format', 'json')).stdout));
    expect(json.stale.unrecorded).toEqual([]);
    expect(json.stale.groups).toHaveLength(1);
    expect(json.stale.groups[0].machines).toHaveLength(PCS);
    expect(json.stale.groups[0].changes.map((c: { kind: string; step: string }) => `${c.kind} ${c.step}`)).toEqual(['step-changed vpn', 'step-removed bundle:office-base']);
  }, 240_000);
});
