import path from 'node:path';
import { loadProject } from '../../src/config/index.js';
import { GOOD, SHIPPED, loadRepo, lines, makeRepo, removeRepos } from './helpers.js';

afterAll(removeRepos);

describe('loadProject on a valid repository', () => {
  it('loads every part without findings', async () => {
    const result = await loadRepo(GOOD);
    expect(lines(result)).toEqual([]);
    const p = result.project!;
    expect(p.root).toBe(GOOD);
    expect(p.machines.map((m) => m.id)).toEqual(['BRU-D0001', 'BRU-D0002', 'BRU-D0003', 'KOE-D0001', 'KOE-D0002']);
    expect([...p.sites.keys()]).toEqual(['bruehl', 'koeln']);
    expect(p.employees.size).toBe(5);
    expect([...p.profiles.keys()].sort()).toEqual(['back-office', 'home-office-base', 'hotline-agent', 'team-lead']);
    expect([...p.bundles.keys()].sort()).toEqual(['office-base', 'softphone', 'team-tools']);
    expect([...p.templates.keys()]).toEqual(['linux/enrol-mdm.sh', 'linux/mdm.conf.hbs', 'windows/enrol-mdm.ps1']);
  });

  it('fills every default of homeshift.yaml', async () => {
    const { config } = (await loadRepo(GOOD)).project!;
    expect(config.ssh).toEqual({ user: 'homeshift', port: 2222, agent: false, hostKeyPolicy: 'strict', knownHosts: 'known_hosts', connectTimeout: 10, stepTimeout: 300, machineTimeout: 1800 });
    expect(config.journal).toBe('.homeshift/journal.db');
    expect(config.escalateAfter).toBe('36h');
    expect(config.escalateAfterAttempts).toBe(3);
    expect(config.inventory).toEqual(['inventory/']);
    expect(config.bundles).toEqual(['bundles/']);
    expect(config.templates).toEqual(['templates/']);
    expect(config.secrets.vpnPsk).toEqual({ env: 'HOMESHIFT_VPN_PSK' });
    expect(config.pos).toEqual({ file: 'homeshift.yaml', line: 2, col: 1 });
  });

  it('keeps the position of every machine and of its fields', async () => {
    const p = (await loadRepo(GOOD)).project!;
    const [m1, , m3] = p.machines;
    expect(m1.pos).toEqual({ file: 'inventory/bruehl.yaml', line: 9, col: 5 });
    expect(m1.fieldPos?.user).toEqual({ file: 'inventory/bruehl.yaml', line: 9, col: 78 });
    expect(m3.pos).toEqual({ file: 'inventory/bruehl.yaml', line: 11, col: 5 });
    expect(m3.fieldPos?.role).toEqual({ file: 'inventory/bruehl.yaml', line: 16, col: 11 });
    expect(m3.port).toBe(2200);
    expect(m3.vars).toEqual({ printer: 'Etage-2' });
    expect(p.machines[3].site).toBe('koeln');
    expect(p.sites.get('bruehl')!.fieldPos?.['sharedMailboxes.0']).toEqual({ file: 'inventory/bruehl.yaml', line: 6, col: 21 });
  });

  it('lets project profiles shadow shipped ones and searches shipped ones last', async () => {
    const p = (await loadRepo(GOOD)).project!;
    expect(p.profiles.get('team-lead')!.file).toBe('profiles/team-lead.yaml');
    expect(p.profiles.get('hotline-agent')!.file).toBe(path.join(SHIPPED, 'profiles', 'hotline-agent.yaml'));
    expect(p.profiles.get('home-office-base')!.steps[0]).toMatchObject({ id: 'enrol-mdm', template: 'enrol-mdm', secrets: ['enrolmentToken'], vars: {} });
  });

  it('lets project templates shadow shipped ones by relative name', async () => {
    const dir = makeRepo({ 'templates/linux/enrol-mdm.sh': 'echo project\n' });
    const p = (await loadRepo(dir)).project!;
    expect(p.templates.get('linux/enrol-mdm.sh')).toMatchObject({ file: 'templates/linux/enrol-mdm.sh', text: 'echo project\n' });
  });

  it('finds homeshift.yaml by walking up from cwd', async () => {
    const result = await loadProject({ cwd: path.join(GOOD, 'inventory'), shippedDir: SHIPPED });
    expect(result.project?.root).toBe(GOOD);
  });

  it('reports a missing homeshift.yaml without a project', async () => {
    const result = await loadProject({ cwd: '/', shippedDir: SHIPPED });
    expect(result.project).toBeNull();
    expect(result.diagnostics[0].rule).toBe('missing-file');
    const named = await loadProject({ projectDir: path.join(GOOD, 'inventory'), shippedDir: SHIPPED });
    expect(named.diagnostics[0].message).toMatch(/no homeshift.yaml in .*inventory/);
  });

  it('accepts a YAML directory and an inventory list of files', async () => {
    const dir = makeRepo({
      'homeshift.yaml': 'name: x\ninventory: [inventory/koeln.yaml]\ndirectory: people.yml\n',
      'people.yml': 'employees:\n  - { id: e100004, firstName: Käthe, lastName: Groß, mailbox: k@example-telco.de, site: koeln }\n  - { id: e100005, firstName: Özlem, lastName: Yılmaz, mailbox: o@example-telco.de, site: koeln, role: hotline-agent }\n',
    });
    const result = await loadRepo(dir);
    expect(lines(result)).toEqual([]);
    expect(result.project!.machines).toHaveLength(2);
    expect(result.project!.employees.get('e100005')).toMatchObject({ role: 'hotline-agent', pos: { file: 'people.yml', line: 3, col: 5 } });
    expect(result.project!.employees.get('e100004')!.role).toBeUndefined();
  });

  it('takes the site of a machine from the machine when the file has no site block', async () => {
    const dir = makeRepo({ 'inventory/zz-loose.yaml': 'machines:\n  - { id: X-1, host: x1, os: linux, site: koeln, user: e100004, role: hotline-agent }\n' });
    const p = (await loadRepo(dir)).project!;
    expect(p.machines.at(-1)).toMatchObject({ id: 'X-1', site: 'koeln' });
  });

  it('gives the same data and positions when a file needs the full parser (anchors)', async () => {
    const dir = makeRepo({ 'inventory/zz.yaml': 'site: { id: bonn, name: Bonn, vpnGateway: v, vars: &v { a: 1 } }\nmachines:\n  - { id: B-1, host: b1, os: linux, user: e100001, role: hotline-agent, vars: *v }\n' });
    const p = (await loadRepo(dir)).project!;
    const m = p.machines.at(-1)!;
    expect(m.vars).toEqual({ a: 1 });
    expect(m.pos).toEqual({ file: 'inventory/zz.yaml', line: 3, col: 5 });
    expect(m.fieldPos?.role).toEqual({ file: 'inventory/zz.yaml', line: 3, col: 58 });
  });
});
