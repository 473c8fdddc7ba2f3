/**
 * Removal on real Linux lab PCs (sh): a bundle dropped from the profile is uninstalled where homeshift installed it and
 * left alone where the PC had it before; a renamed VPN connection replaces the old one; a retired PC loses its
 * home-office parts. The journal's applied state follows, and the next rollout is ok.
 */
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/journal/index.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { machineResults, runCli } from './run-cli.js';

const PCS = 3;
const exists = (path: string) => stat(path).then(() => true, () => false);

describe('removal on Linux lab PCs', () => {
  let dir: string;
  let lab: Lab;
  const cli = (...args: string[]) => runCli(['-C', lab.projectDir, ...args], { timeoutMs: 170_000 });
  const profile = () => join(lab.projectDir, 'profiles', 'home-office-base.yaml');
  const dpkg = (root: string, pkg: string) => join(root, 'var', 'lib', 'sim', 'dpkg', pkg);
  const loadedVpns = async (root: string) => (await readFile(join(root, 'var', 'lib', 'sim', 'nmcli', 'loaded'), 'utf8')).split('\n').filter(Boolean);
  const applied = async () => {
    const store = await openSqliteStore(join(lab.projectDir, '.homeshift', 'journal.db'));
    try { return await store.listApplied(); } finally { await store.close(); }
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'homeshift-removal-'));
    lab = await startLab({ dir: join(dir, 'lab'), machines: PCS, sites: 1 });
    await mkdir(join(lab.projectDir, 'profiles'), { recursive: true });
    await writeFile(profile(), await readFile(new URL('../../profiles/home-office-base.yaml', import.meta.url), 'utf8'));
  }, 120_000);
  afterAll(async () => {
    await lab?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('takes away what homeshift put on the PCs and nothing else; the journal follows; a retired PC is cleared', async () => {
    const [first, second, third] = [...lab.machines].sort((a, b) => a.id.localeCompare(b.id));
    // the first PC had the archiver at the planned version before homeshift came: found, never removed
    await mkdir(join(first.root, 'var', 'lib', 'sim', 'dpkg'), { recursive: true });
    await writeFile(dpkg(first.root, 'p7zip-full'), '16.02+dfsg-8\n');
    expect((await cli('rollout', '--yes')).exitCode).toBe(0);
    const before = (await applied()).find((a) => a.machine === first.id)!;
    const office = before.steps.find((s) => s.step === 'bundle:office-base')!;
    expect(office.installed.find((p) => p.id === 'p7zip-full')?.by).toBe('found');
    expect(office.installed.find((p) => p.id === 'firefox-esr')?.by).toBe('homeshift');

    const text = await readFile(profile(), 'utf8');
    await writeFile(profile(), text.replace(/\nbundles:\n {2}- office-base\n/, '\n').replace('connectionName: homeshift-vpn', 'connectionName: telco-home'));

    // plan shows the removal steps the next rollout adds (text and JSON), the same bytes each time
    const planned = await cli('plan', '--format', 'json');
    expect(planned.exitCode).toBe(0);
    const json = JSON.parse(String(planned.stdout)) as { machines: { machine: { id: string }; steps: { id: string; vars: Record<string, string> }[] }[] };
    const removalsOf = (id: string) => json.machines.find((m) => m.machine.id === id)!.steps.filter((s) => s.id.startsWith('remove:'));
    expect(removalsOf(second.id).map((s) => s.id)).toEqual(['remove:bundle:office-base', 'remove:vpn']);
    expect(removalsOf(second.id)[0].vars.HS_REMOVE_PACKAGES.split('\n').map((l) => l.split('\t')[1])).toEqual(['firefox-esr', 'libreoffice', 'thunderbird', 'p7zip-full']);
    expect(removalsOf(first.id)[0].vars.HS_LEFT_ALONE).toContain('p7zip-full');
    expect(String((await cli('plan', '--format', 'json')).stdout)).toBe(String(planned.stdout));
    expect(String((await cli('plan', '--machine', second.id)).stdout)).toContain('Remove bundle office-base');

    // --check names the removals and changes nothing
    const check = await cli('rollout', '--check', '--json');
    expect(check.exitCode).toBe(0);
    const checked = machineResults(String(check.stdout));
    expect(checked.map((r) => r.steps.filter((s) => s.step.startsWith('remove:')).map((s) => [s.step, s.status]))).toEqual(
      checked.map(() => [['remove:bundle:office-base', 'would-change'], ['remove:vpn', 'would-change']]),
    );
    expect(await exists(dpkg(second.root, 'firefox-esr'))).toBe(true);

    const run = await cli('rollout', '--yes', '--json');
    expect(run.exitCode).toBe(0);
    for (const r of machineResults(String(run.stdout))) {
      // NetworkManager let go of the old connection when the vpn step's new keyfile replaced it: nothing left to remove
      expect(r.steps.filter((s) => s.step.startsWith('remove:')).map((s) => [s.step, s.status])).toEqual([['remove:bundle:office-base', 'changed'], ['remove:vpn', 'ok']]);
    }
    for (const pc of [first, second, third]) {
      for (const pkg of ['firefox-esr', 'libreoffice', 'thunderbird']) expect(await exists(dpkg(pc.root, pkg))).toBe(false);
      expect(await loadedVpns(pc.root)).toEqual(['telco-home']);
    }
    expect(await exists(dpkg(first.root, 'p7zip-full'))).toBe(true); // found before homeshift: left alone
    expect(await exists(dpkg(second.root, 'p7zip-full'))).toBe(false);
    const log = await cli('log', first.id);
    expect(String(log.stdout)).toContain('left alone: p7zip-full 16.02+dfsg-8 (apt): it was on the PC before homeshift installed anything of it');

    const after = await applied();
    for (const a of after) {
      expect(a.steps.map((s) => s.step)).not.toContain('bundle:office-base');
      const vpn = a.steps.find((s) => s.step === 'vpn')!;
      expect([vpn.vars.HS_VPN_NAME, vpn.leftBehind]).toEqual(['telco-home', undefined]);
    }
    const again = await cli('rollout', '--yes', '--json');
    expect(machineResults(String(again.stdout)).map((r) => r.status)).toEqual([...lab.machines].map(() => 'ok'));

    // the third PC leaves home office: everything homeshift put on it goes, the status counts it
    const inventory = join(lab.projectDir, 'inventory', 'bruehl.yaml');
    await writeFile(inventory, (await readFile(inventory, 'utf8')).replace(`id: ${third.id},`, `id: ${third.id},\n      retire: true,`));
    const vpnFile = join(third.root, 'etc', 'NetworkManager', 'system-connections', 'homeshift-vpn.nmconnection');
    expect(await exists(vpnFile)).toBe(true);
    const retire = await cli('rollout', '--yes', '--limit', third.id, '--json');
    expect(retire.exitCode).toBe(0);
    const [retired] = machineResults(String(retire.stdout));
    expect(retired.steps.map((s) => s.step)).toEqual(expect.arrayContaining(['remove:vpn', 'remove:mailbox']));
    expect(retired.steps.every((s) => s.step.startsWith('remove:') && s.status === 'changed')).toBe(true);
    expect(await exists(vpnFile)).toBe(false);
    expect(await exists(join(third.root, 'etc', 'homeshift', 'mailbox.json'))).toBe(false);
    expect(await loadedVpns(third.root)).toEqual([]);
    expect((await applied()).find((a) => a.machine === third.id)!.steps.filter((s) => !s.step.startsWith('check:'))).toEqual([]);
    const status = await cli('status');
    expect(String(status.stdout)).toContain('Retired: 1 PC, all cleared');
  }, 600_000);
});
