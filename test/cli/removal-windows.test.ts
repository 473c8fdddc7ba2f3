/**
 * Removal on Windows lab PCs running real pwsh: bundles dropped from the profile are uninstalled the way they were
 * installed (winget uninstall, msiexec /x, the EXE's uninstall string) where homeshift installed them, and left alone
 * where the PC had them before; a renamed VPN connection replaces the old one; a retired PC loses its VPN connection,
 * Outlook's import of the profile and homeshift's files. The journal follows, and the next rollout is ok.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openSqliteStore } from '../../src/journal/index.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { readRegistry, readVpnConnections } from '../../src/lab/windows/state-files.js';
import { PWSH_MISSING, pwshAvailable } from '../support/pwsh.js';
import { machineResults, runCli } from './run-cli.js';

const describeWindows = pwshAvailable() ? describe : describe.skip;
if (!pwshAvailable()) console.warn(PWSH_MISSING);

const NOTES = '{5A6B7C8D-9E0F-4A1B-8C2D-3E4F5A6B7C8D}';
const UNINSTALL = 'SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall';
const OUTLOOK = 'SOFTWARE\\Microsoft\\Office\\16.0\\Outlook\\Setup';
const DESK_TOOLS = `bundles:
  - name: desk-tools
    version: "1.0"
    packages:
      - name: contoso-notes
        version: "2.1.0"
        windows:
          msi: { path: 'C:\\Installers\\notes.msi', productCode: "${NOTES}" }
      - name: contoso-clock
        version: "3.0"
        windows:
          exe:
            path: 'C:\\Installers\\clock setup.exe'
            arguments: /S
            detect: { uninstallKey: { key: ContosoClock, version: "3.0" } }
      - name: contoso-timer
        version: "1.5"
        windows:
          exe:
            path: 'C:\\Installers\\timer setup.exe'
            arguments: /S
            uninstall: '"C:\\Program Files\\ContosoTimer\\uninstall.exe" /S'
            detect: { file: { path: 'C:\\Program Files\\Contoso Timer\\timer.exe', version: "1.5" } }
`;

async function put(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
}

describeWindows('removal on Windows lab PCs', () => {
  let dir: string;
  let lab: Lab;
  const cli = (...args: string[]) => runCli(['-C', lab.projectDir, ...args], { timeoutMs: 170_000 });
  const profile = () => join(lab.projectDir, 'profiles', 'home-office-base.yaml');
  const winget = (root: string, id: string) => join(root, '.sim', 'state', 'winget', id);
  const applied = async () => {
    const store = await openSqliteStore(join(lab.projectDir, '.homeshift', 'journal.db'));
    try { return await store.listApplied(); } finally { await store.close(); }
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'homeshift-removal-win-'));
    lab = await startLab({ dir: join(dir, 'lab'), machines: 3, sites: 1, windows: '100%' });
    const base = await readFile(new URL('../../profiles/home-office-base.yaml', import.meta.url), 'utf8');
    await put(profile(), base.replace('\nbundles:\n  - office-base\n', '\nbundles:\n  - office-base\n  - desk-tools\n'));
    await put(join(lab.projectDir, 'bundles', 'desk-tools.yaml'), DESK_TOOLS);
    for (const pc of lab.machines) {
      await put(join(pc.root, 'C', 'Installers', 'notes.msi'), `ProductCode=${NOTES}\nProductVersion=2.1.0\nProductName=Contoso Notes\nFile=C:\\Program Files\\Contoso Notes\\notes.exe\nFileVersion=2.1.0.0\n`);
      await put(join(pc.root, 'C', 'Installers', 'timer setup.exe'), 'UninstallKey=ContosoTimer\nDisplayName=Contoso Timer\nDisplayVersion=1.5\nFile=C:\\Program Files\\Contoso Timer\\timer.exe\nFileVersion=1.5.0.0\n');
      await put(join(pc.root, 'C', 'Installers', 'clock setup.exe'), 'UninstallKey=ContosoClock\nDisplayName=Contoso Clock\nDisplayVersion=3.0\nFile=C:\\Program Files\\Contoso Clock\\clock.exe\nFileVersion=3.0.0.0\n');
    }
  }, 120_000);
  afterAll(async () => {
    await lab?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('uninstalls what homeshift installed and nothing else, renames the VPN connection, clears a retired PC', async () => {
    const [first, second, third] = [...lab.machines].sort((a, b) => a.id.localeCompare(b.id));
    // the first PC had 7-Zip at the planned version before homeshift came: found, never removed
    await put(winget(first.root, '7zip.7zip'), '24.08\n');
    const rollout = await cli('rollout', '--yes', '--json');
    expect(rollout.exitCode).toBe(0);
    const office = (await applied()).find((a) => a.machine === first.id)!.steps.find((s) => s.step === 'bundle:office-base')!;
    expect(office.installed.map((p) => [p.id, p.by])).toEqual([
      ['Mozilla.Firefox.ESR', 'homeshift'], ['TheDocumentFoundation.LibreOffice', 'homeshift'], ['Mozilla.Thunderbird', 'homeshift'], ['7zip.7zip', 'found'],
    ]);
    const desk = (await applied()).find((a) => a.machine === second.id)!.steps.find((s) => s.step === 'bundle:desk-tools')!;
    expect(desk.installed.map((p) => [p.via, p.id, p.by])).toEqual([['msi', NOTES, 'homeshift'], ['exe', 'contoso-clock', 'homeshift'], ['exe', 'contoso-timer', 'homeshift']]);
    expect(desk.installed[2].uninstall).toBe('"C:\\Program Files\\ContosoTimer\\uninstall.exe" /S');
    expect((await readRegistry(second.root, 'HKLM'))[`${UNINSTALL}\\ContosoClock`]).toBeDefined();

    const text = await readFile(profile(), 'utf8');
    await writeFile(profile(), text.replace('\nbundles:\n  - office-base\n  - desk-tools\n', '\n').replace('connectionName: homeshift-vpn', 'connectionName: Telco-Home'));
    const run = await cli('rollout', '--yes', '--json');
    expect(run.exitCode).toBe(0);
    for (const r of machineResults(String(run.stdout))) {
      expect(r.steps.filter((s) => s.step.startsWith('remove:')).map((s) => [s.step, s.status])).toEqual([
        ['remove:bundle:desk-tools', 'changed'], ['remove:bundle:office-base', 'changed'], ['remove:vpn', 'changed'],
      ]);
    }
    for (const pc of [first, second, third]) {
      for (const id of ['Mozilla.Firefox.ESR', 'TheDocumentFoundation.LibreOffice', 'Mozilla.Thunderbird']) expect(existsSync(winget(pc.root, id))).toBe(false);
      const hklm = await readRegistry(pc.root, 'HKLM');
      expect([hklm[`${UNINSTALL}\\${NOTES}`], hklm[`${UNINSTALL}\\ContosoClock`]]).toEqual([undefined, undefined]);
      expect(existsSync(join(pc.root, 'C', 'Program Files', 'Contoso Clock', 'clock.exe'))).toBe(false);
      expect(existsSync(join(pc.root, 'C', 'Program Files', 'Contoso Timer', 'timer.exe'))).toBe(false); // by the bundle's uninstall command
      expect(existsSync(join(pc.root, 'C', 'Program Files', 'Contoso Notes', 'notes.exe'))).toBe(false);
      const vpns = await readVpnConnections(pc.root);
      expect(Object.values(vpns).flatMap((scope) => Object.keys(scope))).toEqual(['Telco-Home']);
    }
    expect(existsSync(winget(first.root, '7zip.7zip'))).toBe(true); // found before homeshift: left alone
    expect(existsSync(winget(second.root, '7zip.7zip'))).toBe(false);
    expect(String((await cli('log', first.id)).stdout)).toContain('left alone: 7zip.7zip 24.08 (winget): it was on the PC before homeshift installed anything of it');

    const after = await applied();
    for (const a of after) {
      expect(a.steps.map((s) => s.step).filter((s) => s.startsWith('bundle:'))).not.toEqual(expect.arrayContaining(['bundle:office-base']));
      expect(a.steps.find((s) => s.step === 'vpn')!.vars.HS_VPN_NAME).toBe('Telco-Home');
    }
    const again = await cli('rollout', '--yes', '--json');
    expect(machineResults(String(again.stdout)).map((r) => r.status)).toEqual(lab.machines.map(() => 'ok'));

    // the third PC leaves home office
    expect((await readRegistry(third.root, 'HKLM'))[OUTLOOK]?.ImportPRF).toBeDefined();
    const inventory = join(lab.projectDir, 'inventory', 'bruehl.yaml');
    await writeFile(inventory, (await readFile(inventory, 'utf8')).replace(`id: ${third.id},`, `id: ${third.id},\n      retire: true,`));
    const retire = await cli('rollout', '--yes', '--limit', third.id, '--json');
    expect(retire.exitCode).toBe(0);
    const [retired] = machineResults(String(retire.stdout));
    expect(retired.steps.every((s) => s.step.startsWith('remove:') && (s.status === 'changed' || s.status === 'ok'))).toBe(true);
    expect(await readVpnConnections(third.root)).toEqual(expect.not.objectContaining({ AllUser: expect.anything() }));
    expect(Object.values(await readVpnConnections(third.root)).flatMap((scope) => Object.keys(scope))).toEqual([]);
    expect((await readRegistry(third.root, 'HKLM'))[OUTLOOK]?.ImportPRF).toBeUndefined();
    expect(existsSync(join(third.root, 'C', 'ProgramData', 'homeshift', 'vpn.json'))).toBe(false);
    expect(String((await cli('status')).stdout)).toContain('Retired: 1 PC, all cleared');
  }, 900_000);
});
