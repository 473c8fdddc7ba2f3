/**
 * Rollout over a real OpenSSH sshd on loopback: three Linux PCs (127.0.0.1-3, one sshd listening on all three),
 * each with its own root folder and the lab's simulated package tools, which sshd puts on the PATH of the
 * sessions on that PC's address. The shipped profiles do the work.
 */
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installSimTools } from '../../src/lab/sim-tools.js';
import { generateKeyPair } from '../support/keys.js';
import { SSHD_MISSING, sshdAvailable, startSshd, type Sshd as RunningSshd } from '../support/sshd.js';
import { machineResults, runCli } from './run-cli.js';

const PSK = 'psk-Zq8!never-in-logs';
const TOKEN = 'tok-3x9-never-in-logs';
const env = { HS_TEST_VPN_PSK: PSK, HS_TEST_ENROLMENT_TOKEN: TOKEN };
const HOSTS = ['127.0.0.1', '127.0.0.2', '127.0.0.3'];
const MACHINES = [
  { id: 'TST-L001', user: 'e1', role: 'hotline-agent' },
  { id: 'TST-L002', user: 'e2', role: 'team-lead' },
  { id: 'TST-L003', user: 'e3', role: 'back-office' },
];

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}

/** The PCs' roots stay where sshd was told they are; every test starts them afresh. */
const pcRoot = (base: string, i: number) => join(base, 'pcs', MACHINES[i].id);

async function writeProject(dir: string, sshd: RunningSshd, knownHosts: string, base: string): Promise<string[]> {
  const roots: string[] = [];
  await mkdir(join(dir, 'inventory'), { recursive: true });
  await mkdir(join(dir, 'directory'), { recursive: true });
  for (const i of MACHINES.keys()) {
    const root = pcRoot(base, i);
    await rm(root, { recursive: true, force: true });
    await installSimTools(root);
    roots.push(root);
  }
  await writeFile(join(dir, 'homeshift.yaml'), [
    'name: sshd-test',
    'inventory: inventory/',
    'directory: directory/employees.csv',
    'mail: { allowedDomains: [example-telco.de] }',
    'secrets:',
    '  vpnPsk: { env: HS_TEST_VPN_PSK }',
    '  enrolmentToken: { env: HS_TEST_ENROLMENT_TOKEN }',
    `ssh: { user: ${sshd.user}, port: ${sshd.port}, identityFile: ${sshd.clientKeyFile}, hostKeyPolicy: strict, knownHosts: ${knownHosts}, connectTimeout: 10, stepTimeout: 60 }`,
    '',
  ].join('\n'));
  await writeFile(join(dir, 'inventory', 'test.yaml'), [
    'site:',
    '  id: testsite',
    '  name: Test Site',
    '  vpnGateway: vpn-test.example-telco.de',
    '  supporters: [{ name: Tess Ter, email: tess.ter@example-telco.de }]',
    '  sharedMailboxes: [hotline-test@example-telco.de]',
    'machines:',
    ...MACHINES.map((m, i) => `  - { id: ${m.id}, host: ${HOSTS[i]}, os: linux, user: ${m.user}, role: ${m.role}, vars: { root: "${roots[i]}" } }`),
    '',
  ].join('\n'));
  await writeFile(join(dir, 'directory', 'employees.csv'), [
    'id,firstName,lastName,mailbox,site,role',
    "e1,Siobhan,O'Brien,siobhan.obrien@example-telco.de,testsite,hotline-agent",
    'e2,Jürgen,Weiß,juergen.weiss@example-telco.de,testsite,team-lead',
    'e3,"Eve $(reboot)","`id`; rm -rf /",eve.x@example-telco.de,testsite,back-office',
    '',
  ].join('\n'));
  return roots;
}

const suite = sshdAvailable() ? describe : describe.skip;
if (!sshdAvailable()) console.warn(`rollout over OpenSSH skipped: ${SSHD_MISSING}`);

suite('rollout over a real OpenSSH sshd', () => {
  let sshd: RunningSshd;
  let base: string;
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'homeshift-sshd-rollout-'));
    const simRoots = HOSTS.map((address, i) => ({ address, root: pcRoot(base, i) }));
    sshd = await startSshd({ extraConfig: ['ListenAddress 127.0.0.2', 'ListenAddress 127.0.0.3'], simRoots });
  });
  afterAll(async () => {
    await sshd?.stop();
    if (base) await rm(base, { recursive: true, force: true });
  });

  const knownHostsFor = (keys: string[]) => keys.map((k, i) => `[${HOSTS[i]}]:${sshd.port} ${k}`).join('\n') + '\n';

  it('personalises three PCs, then a second rollout changes nothing; secrets stay out of every output', async () => {
    const dir = join(base, 'good');
    await mkdir(dir, { recursive: true });
    const knownHosts = join(dir, 'known_hosts');
    await writeFile(knownHosts, knownHostsFor([sshd.hostPublicKey, sshd.hostPublicKey, sshd.hostPublicKey]));
    const roots = await writeProject(dir, sshd, knownHosts, base);

    const first = await runCli(['-C', dir, 'rollout', '--yes', '--json'], { env });
    expect(first.stderr).not.toMatch(/internal error/);
    const results = machineResults(String(first.stdout));
    expect(results.map((r) => [r.machine, r.status]).sort()).toEqual(MACHINES.map((m) => [m.id, 'changed']));
    expect(first.exitCode).toBe(0);

    for (const [i, root] of roots.entries()) {
      const files = await walk(root);
      const vpn = files.find((f) => f.endsWith('.nmconnection'));
      expect(vpn).toBeDefined();
      const vpnText = await readFile(vpn!, 'utf8');
      expect(vpnText).toContain('vpn-test.example-telco.de');
      const mailbox = files.find((f) => /mailbox/.test(f) && !f.includes('/.sim/'));
      expect(mailbox).toBeDefined();
      expect(await readFile(mailbox!, 'utf8')).toContain(['siobhan.obrien', 'juergen.weiss', 'eve.x'][i]);
      expect(files.some((f) => f.includes('/var/lib/sim/dpkg/'))).toBe(true); // bundles really installed
    }
    // hostile names were data: nothing ran, no root was touched outside the PCs
    expect(existsSync(join(roots[2], 'etc', 'homeshift'))).toBe(true);

    const second = await runCli(['-C', dir, 'rollout', '--yes', '--json'], { env });
    const again = machineResults(String(second.stdout));
    expect(again.map((r) => r.status)).toEqual(['ok', 'ok', 'ok']);
    expect(again.flatMap((r) => r.steps).filter((s) => s.status === 'changed')).toEqual([]);
    expect(second.exitCode).toBe(0);

    const status = await runCli(['-C', dir, 'status', '--format', 'json'], { env });
    const errors = await runCli(['-C', dir, 'errors', '--format', 'csv'], { env });
    const log = await runCli(['-C', dir, 'log', 'TST-L001'], { env });
    const everything = [first, second, status, errors, log].map((r) => `${r.stdout}\n${r.stderr}`).join('\n');
    const journalDir = join(dir, '.homeshift');
    const journalBytes = (await Promise.all((await walk(journalDir)).map((f) => readFile(f)))).map((b) => b.toString('latin1')).join('\n');
    for (const secret of [PSK, TOKEN]) {
      expect(everything).not.toContain(secret);
      expect(journalBytes).not.toContain(secret);
    }
  });

  it('a changed host key fails that PC with class auth, runs nothing on it, and the others succeed (exit 3)', async () => {
    const dir = join(base, 'hostkey');
    await mkdir(dir, { recursive: true });
    const other = await generateKeyPair(dir, 'other-host-key');
    const knownHosts = join(dir, 'known_hosts');
    await writeFile(knownHosts, knownHostsFor([sshd.hostPublicKey, other.publicKey, sshd.hostPublicKey]));
    const roots = await writeProject(dir, sshd, knownHosts, base);
    const before = (await walk(roots[1])).sort();

    const run = await runCli(['-C', dir, 'rollout', '--yes', '--json'], { env });
    const results = machineResults(String(run.stdout));
    const byId = new Map(results.map((r) => [r.machine, r]));
    expect(byId.get('TST-L002')).toMatchObject({ status: 'failed', errorClass: 'auth' });
    expect(byId.get('TST-L001')?.status).toBe('changed');
    expect(byId.get('TST-L003')?.status).toBe('changed');
    expect((await walk(roots[1])).sort()).toEqual(before);
    expect(run.exitCode).toBe(3);
  });
});
