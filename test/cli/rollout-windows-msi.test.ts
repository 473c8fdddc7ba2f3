/**
 * MSI packages and EXE installers over real SSH against Windows lab PCs running real pwsh: from the share, mapped with
 * the installer account's credential into the PC's package cache, or from a drive path on the PC. The lab's
 * msiexec.exe reads the package file and writes the uninstall key the bundle step detects. Exit codes 3010/1641 are
 * "changed, reboot required"; any other is the step's failure with msiexec's meaning.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseDocument } from 'yaml';
import { startLab, type Lab } from '../../src/lab/index.js';
import type { AssignedFault } from '../../src/lab/faults.js';
import { applyWindowsFault, healWindowsFault } from '../../src/lab/windows/windows-faults.js';
import { parseTable, readRegistry } from '../../src/lab/windows/state-files.js';
import { PWSH_MISSING, pwshAvailable } from '../support/pwsh.js';
import { runCli } from './run-cli.js';

const describeWindows = pwshAvailable() ? describe : describe.skip;
if (!pwshAvailable()) console.warn(PWSH_MISSING);

const AGENT = '{6F1A2B3C-4D5E-4F60-8172-93A4B5C6D7E8}';
const DRIVER = '{0A1B2C3D-4E5F-4061-8273-9A4B5C6D7E8F}';
const BROKEN = '{11111111-2222-4333-8444-555555555555}';
const BUSY: AssignedFault = { kind: 'installer-busy', heal: null };
const UNINSTALL = 'SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall';
// a file name Windows allows that PowerShell and cmd.exe would read as code: quotes, $(...), ;, backticks, umlauts
const HOSTILE_FILE = "Agent $(New-Item -Path CANARY) ; `whoami` 'Büro' & %PATH%.msi";
const HOSTILE_VALUE = 'Köln "Süd" $(Set-Content -Path CANARY -Value x); `whoami` & %TEMP% \'q\'';

const PASSWORD = 'Inst4ll:er';
// the packages on the share, by name: what the test puts there and what the bundle's sha256 says
const SHARED: Record<string, string> = {
  '1.2.0': `ProductCode=${AGENT}\nProductVersion=1.2.0\nProductName=Contoso Agent\n`,
  '1.3.0': `ProductCode=${AGENT}\nProductVersion=1.3.0\nProductName=Contoso Agent\n`,
  viewer: 'File=C:\\Program Files\\Contoso Viewer\\viewer.exe\nFileVersion=3.1.0.7\nExitCode=0\n',
};
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const cached = (text: string, name: string) => `C:\\ProgramData\\homeshift\\cache\\${sha(text)}\\${name}`;

const events = (stdout: unknown) => String(stdout).split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
const results = (stdout: unknown) => events(stdout).filter((e) => e.kind === 'machine-finished').map((e) => e.result);

const BUNDLES = (agentVersion: string) => `bundles:
  - name: agent-tools
    version: "${agentVersion}"
    packages:
      - name: contoso-agent
        version: "${agentVersion}"
        windows:
          msi:
            source: { unc: '\\\\fileserver\\software\\${agentVersion}\\${HOSTILE_FILE.replace(/'/g, "''")}', credential: fileserverShare }
            sha256: "${sha(SHARED[agentVersion])}"
            productCode: "${AGENT}"
            properties:
              SERVER: '${HOSTILE_VALUE.replace(/'/g, "''")}'
              ALLUSERS: 1
      - name: contoso-viewer
        version: "3.1"
        windows:
          exe:
            source: { unc: '\\\\fileserver\\software\\viewer-setup.exe', credential: fileserverShare }
            sha256: "${sha(SHARED.viewer)}"
            arguments: /S /D=C:\\Apps\\Viewer
            detect:
              file: { path: 'C:\\Program Files\\Contoso Viewer\\viewer.exe', version: "3.1.0.7" }
      - name: contoso-helper
        version: "5.0"
        windows:
          exe:
            path: 'C:\\Installers\\helper setup.exe'
            arguments: --silent
            detect: { uninstallKey: { displayName: "Contoso Helper*" } }
  - name: driver-tools
    version: "1.0"
    packages:
      - name: headset-driver
        version: "2.4.1"
        windows:
          msi: { path: 'C:\\Installers\\headset-driver.msi', productCode: "${DRIVER}" }
  - name: broken-tools
    version: "1.0"
    packages:
      - name: broken
        version: "1.0"
        windows:
          msi: { path: 'C:\\Installers\\broken.msi', productCode: "${BROKEN}" }
`;

async function put(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
}

describeWindows('MSI and EXE bundles on Windows lab PCs', () => {
  let dir: string;
  let lab: Lab;
  let canary: string;
  let ids: string[];
  const pc = (id: string) => join(lab.dir, 'pcs', id);
  const share = (...parts: string[]) => join(lab.dir, 'shares', 'fileserver', 'software', ...parts);
  const broken = () => join(pc(ids[2]), 'C', 'Installers', 'broken.msi');
  const cli = (...args: string[]) => runCli(['-C', lab.projectDir, ...args], { env: { HOMESHIFT_SHARE_CREDENTIAL: `LAB\\installer:${PASSWORD}` } });
  const rollout = (role: string) => cli('rollout', '--yes', '--json', '--limit', role);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hs-winmsi-'));
    lab = await startLab({ dir: join(dir, 'lab'), machines: 3, sites: 1, windows: '100%' });
    ids = lab.machines.map((m) => m.id).sort();
    canary = join(pc(ids[0]), 'C', 'CANARY'); // where pwsh's relative paths land
    const roles = new Map([[ids[0], 'msi-desk'], [ids[1], 'msi-driver'], [ids[2], 'msi-broken']]);
    // three small profiles, one bundle each: the PCs' roles in the inventory and the directory
    await put(join(lab.projectDir, 'bundles', 'installers.yaml'), BUNDLES('1.2.0'));
    for (const [name, bundle] of [['msi-desk', 'agent-tools'], ['msi-driver', 'driver-tools'], ['msi-broken', 'broken-tools']]) {
      await put(join(lab.projectDir, 'profiles', `${name}.yaml`), `name: ${name}\ndescription: ${bundle} only\nbundles: [${bundle}]\n`);
    }
    const users = new Map<string, string>();
    for (const file of await readdir(join(lab.projectDir, 'inventory'))) {
      const path = join(lab.projectDir, 'inventory', file);
      const doc = parseDocument(await readFile(path, 'utf8'));
      const machines = doc.get('machines') as { items: { get(k: string): unknown; set(k: string, v: unknown): void }[] };
      for (const item of machines.items) {
        const role = roles.get(String(item.get('id')));
        if (!role) continue;
        item.set('role', role);
        users.set(String(item.get('user')), role);
      }
      await writeFile(path, doc.toString());
    }
    const csv = join(lab.projectDir, 'directory', 'employees.csv');
    const rows = (await readFile(csv, 'utf8')).split('\n');
    const roleAt = rows[0].split(',').indexOf('role');
    await writeFile(csv, rows.map((row) => {
      const cells = row.split(',');
      const role = users.get(cells[0]);
      if (role) cells[roleAt] = role;
      return cells.join(',');
    }).join('\n'));

    // the packages: on the share (which admits the installer account only), and on the PCs' own C:\Installers
    await put(share('1.2.0', HOSTILE_FILE), SHARED['1.2.0']);
    await put(share('1.3.0', HOSTILE_FILE), SHARED['1.3.0']);
    await put(share('viewer-setup.exe'), SHARED.viewer);
    await put(join(lab.dir, 'shares', '.accounts', 'fileserver'), `LAB\\installer:${PASSWORD}\n`);
    const config = join(lab.projectDir, 'homeshift.yaml');
    await writeFile(config, (await readFile(config, 'utf8')).replace(/^secrets:\n/m, 'secrets:\n  fileserverShare: { env: HOMESHIFT_SHARE_CREDENTIAL }\n'));
    await put(join(pc(ids[0]), 'C', 'Installers', 'helper setup.exe'), 'UninstallKey=ContosoHelper\nDisplayName=Contoso Helper (x64)\nDisplayVersion=5.0.2\n');
    await put(join(pc(ids[1]), 'C', 'Installers', 'headset-driver.msi'), `ProductCode=${DRIVER}\nProductVersion=2.4.1\nProductName=Headset Driver\nExitCode=3010\n`);
    await put(broken(), `ProductCode=${BROKEN}\nProductVersion=1.0\nProductName=Broken\nExitCode=1603\n`);
  }, 120_000);

  afterAll(async () => {
    await lab?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('validates and plans the msiexec command line with the properties as data', async () => {
    const validate = await cli('validate');
    expect(validate.stderr).toBe('');
    expect(validate.exitCode).toBe(0);
  });

  it('installs the MSI and the EXE, then finds them installed; a newer version in the bundle installs again', async () => {
    const first = await rollout('role=msi-desk');
    expect(first.exitCode).toBe(0);
    expect(results(first.stdout).map((r) => [r.machine, r.status])).toEqual([[ids[0], 'changed']]);
    const key = (await readRegistry(pc(ids[0]), 'HKLM'))[`${UNINSTALL}\\${AGENT}`];
    expect(key).toMatchObject({ DisplayName: { type: 'String', value: 'Contoso Agent' }, DisplayVersion: { type: 'String', value: '1.2.0' }, WindowsInstaller: { type: 'DWord', value: 1 } });
    // msiexec got the path and every property as one argument each, verbatim; nothing ran
    const [call] = parseTable(await readFile(join(pc(ids[0]), '.sim', 'state', 'msiexec.log'), 'utf8'));
    expect(call).toEqual(['msiexec', '/i', cached(SHARED['1.2.0'], HOSTILE_FILE), '/qn', '/norestart', 'ALLUSERS=1', `SERVER=${HOSTILE_VALUE}`]);
    expect(await readFile(join(pc(ids[0]), 'C', 'Program Files', 'Contoso Viewer', 'viewer.exe'), 'utf8')).toContain('3.1.0.7');
    const installers = parseTable(await readFile(join(pc(ids[0]), '.sim', 'state', 'installers.log'), 'utf8'));
    expect(installers).toEqual([
      ['installer', cached(SHARED.viewer, 'viewer-setup.exe'), '/S', '/D=C:\\Apps\\Viewer'],
      ['installer', 'C:\\Installers\\helper setup.exe', '--silent'],
    ]);
    expect((await readRegistry(pc(ids[0]), 'HKLM'))[`${UNINSTALL}\\ContosoHelper`].DisplayVersion.value).toBe('5.0.2');
    expect(existsSync(canary)).toBe(false);

    const second = await rollout('role=msi-desk');
    expect(second.exitCode).toBe(0);
    expect(results(second.stdout).map((r) => r.status)).toEqual(['ok']);
    expect(second.stderr).toMatch(/1 ok\b/);
    expect(second.stderr).not.toMatch(/changed/);

    await put(join(lab.projectDir, 'bundles', 'installers.yaml'), BUNDLES('1.3.0'));
    const upgrade = await rollout('role=msi-desk');
    expect(upgrade.exitCode).toBe(0);
    expect(results(upgrade.stdout).map((r) => r.status)).toEqual(['changed']);
    expect((await readRegistry(pc(ids[0]), 'HKLM'))[`${UNINSTALL}\\${AGENT}`].DisplayVersion.value).toBe('1.3.0');
    expect(existsSync(canary)).toBe(false);
  }, 300_000);

  it('3010 is changed with a reboot pending: in the summary, the JSON, status and the report; exit 0', async () => {
    const run = await rollout('role=msi-driver');
    expect(run.exitCode).toBe(0);
    const [result] = results(run.stdout);
    expect(result).toMatchObject({ machine: ids[1], status: 'changed', errorClass: null, rebootRequired: true });
    expect(result.steps).toEqual([expect.objectContaining({ step: 'bundle:driver-tools', status: 'changed', rebootRequired: true })]);
    expect(events(run.stdout).find((e) => e.kind === 'run-finished')).toMatchObject({ outcome: 'ok', rebootRequired: [ids[1]] });
    expect(run.stderr).toContain(`1 changed, 1 reboot pending (${ids[1]})`);
    expect((await readRegistry(pc(ids[1]), 'HKLM'))[`${UNINSTALL}\\${DRIVER}`].DisplayVersion.value).toBe('2.4.1');

    const status = await cli('status');
    expect(status.stdout).toContain('Reboot pending: 1 PC');
    expect(status.stdout).toContain(ids[1]);
    const json = JSON.parse(String((await cli('status', '--format', 'json')).stdout));
    expect(json.rebootPending).toBe(1);
    expect(json.sites[0].rebootPending).toEqual([ids[1]]);

    expect(String((await cli('log', ids[1])).stdout)).toMatch(/bundle:driver-tools changed \(reboot required\) exit=0/);

    const html = join(dir, 'report.html');
    expect((await cli('report', '--html', html)).exitCode).toBe(0);
    const page = await readFile(html, 'utf8');
    expect(page).toContain('Reboot pending: 1 PC');
    expect(page).toContain(`<code>${ids[1]}</code>`);
    expect(page).toContain('<span class="badge reboot">reboot pending</span>');
  }, 300_000);

  it('1603, a package file that is missing (1619) and a busy installer (1618) fail the step with what msiexec means', async () => {
    const fatal = await rollout('role=msi-broken');
    expect(fatal.exitCode).not.toBe(0);
    const [failed] = results(fatal.stdout);
    expect(failed).toMatchObject({ machine: ids[2], status: 'failed', errorClass: 'step-failed' });
    expect(failed.steps[0]).toMatchObject({ step: 'bundle:broken-tools', status: 'failed', exitCode: 1603 });
    expect(failed.message).toContain('msiexec broken 1.0 exited 1603 (fatal error during installation)');

    await rm(broken());
    const missing = results((await rollout('role=msi-broken')).stdout)[0];
    expect(missing.message).toContain('exited 1619 (the installation package could not be opened');

    await put(broken(), `ProductCode=${BROKEN}\nProductVersion=1.0\nProductName=Broken\n`);
    await applyWindowsFault(pc(ids[2]), BUSY, { user: 'agent' }); // the lab fault installer-busy
    const busy = results((await rollout('role=msi-broken')).stdout)[0];
    expect(busy.message).toContain('exited 1618 (another installation is already in progress)');

    await healWindowsFault(pc(ids[2]), BUSY, { user: 'agent' });
    const healed = await rollout('role=msi-broken');
    expect(healed.exitCode).toBe(0);
    expect(results(healed.stdout).map((r) => r.status)).toEqual(['changed']);
  }, 300_000);
});
