/**
 * Rollouts over real SSH against Windows lab PCs: every machine program runs in a real pwsh, in the PC's own C:,
 * against the lab's simulated VpnClient, BitLocker, registry and winget. The CLI is the real built one.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProject } from '../../src/config/load-project.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { readRegistry, readVpnConnections } from '../../src/lab/windows/state-files.js';
import { parseDocument } from 'yaml';
import { buildPlan } from '../../src/plan/build-plan.js';
import { PWSH_MISSING, pwshAvailable } from '../support/pwsh.js';
import { machineResults, runCli } from './run-cli.js';

const describeWindows = pwshAvailable() ? describe : describe.skip;
if (!pwshAvailable()) console.warn(PWSH_MISSING);

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}

const readJson = async (file: string) => JSON.parse(await readFile(file, 'utf8'));
const sim = (lab: Lab, id: string, ...parts: string[]) => join(lab.dir, 'pcs', id, '.sim', ...parts);
const drive = (lab: Lab, id: string, ...parts: string[]) => join(lab.dir, 'pcs', id, 'C', ...parts);

// Every kind of quote PowerShell knows (incl. U+2018-U+201B), subexpressions, statement separators,
// backticks, a block comment opener, a here-string opener, a newline and umlauts.
function hostileName(canary: string): { firstName: string; lastName: string } {
  return {
    firstName: `O'Brien \u2018a\u2019 \u201Ab\u201B "c" $(New-Item -ItemType File -Path '${canary}') ; New-Item -Path '${canary}' #`,
    lastName: `Müßig \`$(Set-Content -Path '${canary}' -Value x)\` <# @' $env:PATH\nzweite Zeile`,
  };
}

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

describeWindows('rollout against Windows lab PCs', () => {
  let dir: string;
  let lab: Lab;
  let canary: string;
  let hostile: { firstName: string; lastName: string };
  const machineIds = () => lab.machines.map((m) => m.id);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hs-winlab-'));
    lab = await startLab({ dir: join(dir, 'lab'), machines: 4, sites: 2, windows: '100%' });
    canary = join(dir, 'CANARY');
    hostile = hostileName(canary);
    // the first PC's employee gets the hostile name; the second PC becomes a team lead (MDM step with a secret)
    const inventory = join(lab.projectDir, 'inventory', 'bruehl.yaml');
    const doc = parseDocument(await readFile(inventory, 'utf8'));
    doc.setIn(['machines', 1, 'role'], 'team-lead');
    await writeFile(inventory, doc.toString());
    const csv = join(lab.projectDir, 'directory', 'employees.csv');
    const rows = (await readFile(csv, 'utf8')).split('\n');
    const cells = rows[1].split(',');
    rows[1] = [cells[0], csvCell(hostile.firstName), csvCell(hostile.lastName), ...cells.slice(3)].join(',');
    const lead = rows[2].split(',');
    lead[5] = 'team-lead';
    rows[2] = lead.join(',');
    await writeFile(csv, rows.join('\n'));
  });

  afterAll(async () => {
    await lab?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('--check changes nothing; a rollout sets up VPN, registry, mailbox files and bundles; the second changes nothing', async () => {
    expect(lab.machines.every((m) => m.os === 'windows')).toBe(true);
    const check = await runCli(['-C', lab.projectDir, 'rollout', '--check', '--json']);
    expect(check.exitCode).toBe(0);
    expect(machineResults(String(check.stdout)).map((r) => r.status)).toEqual(Array(4).fill('would-change'));
    for (const id of machineIds()) {
      expect(existsSync(drive(lab, id, 'ProgramData', 'homeshift', 'outlook.prf'))).toBe(false);
      expect(existsSync(sim(lab, id, 'state', 'vpn.tsv'))).toBe(false);
      expect(existsSync(sim(lab, id, 'state', 'winget'))).toBe(false);
    }

    const first = await runCli(['-C', lab.projectDir, 'rollout', '--yes', '--json']);
    expect(first.exitCode).toBe(0);
    expect(machineResults(String(first.stdout)).map((r) => r.status)).toEqual(Array(4).fill('changed'));

    const { project } = await loadProject({ projectDir: lab.projectDir });
    const plan = buildPlan(project!);
    for (const m of plan.machines) {
      const id = m.machine.id;
      const pc = join(lab.dir, 'pcs', id);
      const vpn = (await readVpnConnections(pc)).AllUserConnection['homeshift-vpn'];
      expect(vpn).toMatchObject({ ServerAddress: m.vpn!.gateway, TunnelType: 'Ikev2', SplitTunneling: false, DnsSuffix: 'corp.example-telco.de', AuthenticationMethod: ['Eap'] });
      const hklm = await readRegistry(pc, 'HKLM');
      const prf = drive(lab, id, 'ProgramData', 'homeshift', 'outlook.prf');
      expect(hklm['SOFTWARE\\Microsoft\\Office\\16.0\\Outlook\\Setup']).toEqual({ ImportPRF: { type: 'String', value: prf } }); // FirstRun is gone
      expect(hklm['SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System'].InactivityTimeoutSecs).toEqual({ type: 'DWord', value: 300 });
      for (const step of m.steps) {
        for (const file of step.files) {
          if (file.content.includes('@@HS_SECRET')) continue; // the MDM file: its token is checked below
          expect(await readFile(drive(lab, id, file.path), 'utf8')).toBe(file.content);
        }
        for (const line of (step.vars.HS_PACKAGES ?? '').split('\n').filter(Boolean)) {
          const [wingetId, version] = line.split('=');
          expect(await readFile(sim(lab, id, 'state', 'winget', wingetId), 'utf8')).toBe(`${version}\n`);
        }
      }
    }

    const second = await runCli(['-C', lab.projectDir, 'rollout', '--yes', '--json']);
    expect(second.exitCode).toBe(0);
    expect(machineResults(String(second.stdout)).map((r) => r.status)).toEqual(Array(4).fill('ok'));

    // hostile directory values arrive verbatim and run nothing
    const [hostileId, leadId] = machineIds();
    const name = `${hostile.firstName} ${hostile.lastName}`;
    expect((await readJson(drive(lab, hostileId, 'ProgramData', 'homeshift', 'mailbox.json'))).name).toBe(name);
    expect(existsSync(canary)).toBe(false);

    // the enrolment token reaches its file on the PC, and no output, log file or journal row
    const token = (await readFile(join(lab.dir, 'secrets', 'enrolment-token'), 'utf8')).trim();
    expect(await readFile(drive(lab, leadId, 'ProgramData', 'homeshift', 'mdm-enrolment.conf'), 'utf8')).toContain(`token=${token}`);
    expect((await readFile(drive(lab, leadId, 'ProgramData', 'homeshift', 'mdm-enrolled'), 'utf8')).trim()).toBe('team-leads');
    const log = await runCli(['-C', lab.projectDir, 'log', leadId]);
    const psk = (await readFile(join(lab.dir, 'secrets', 'vpn-psk'), 'utf8')).trim();
    const files = await walk(join(lab.projectDir, '.homeshift'));
    expect(files.length).toBeGreaterThan(1);
    for (const secret of [token, psk]) {
      for (const text of [check.stdout, check.stderr, first.stdout, first.stderr, second.stdout, log.stdout]) expect(String(text)).not.toContain(secret);
      for (const file of files) expect((await readFile(file)).includes(secret)).toBe(false);
    }
  }, 600_000); // four rollouts of real pwsh PCs; a busy 2-core machine needs minutes
});
