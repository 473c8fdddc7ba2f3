import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installFileFaultTools, installSimTools } from '../../src/lab/sim-tools.js';

let root: string;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hs-sim-'));
  await installSimTools(root);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function tool(args: string[], cwd = root) {
  const r = spawnSync(args[0], args.slice(1), { cwd, encoding: 'utf8', env: { PATH: `${root}/.sim/bin:/usr/bin:/bin` } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('simulated lab tools', () => {
  it('apt-get installs and dpkg-query shows packages in the asked format, one line per package', () => {
    expect(tool(['apt-get', 'install', '-y', '-o', 'Dpkg::Options::=--force-confold', 'libreoffice=7.4.7-1', 'zoiper5']).code).toBe(0);
    expect(tool(['dpkg-query', '-W', '-f=${Package}=${Version}\\n', 'libreoffice', 'zoiper5'])).toEqual({ code: 0, out: 'libreoffice=7.4.7-1\nzoiper5=1.0-1\n', err: '' });
    expect(tool(['dpkg-query', '-W', 'zoiper5']).out).toBe('zoiper5\t1.0-1\n');
    expect(tool(['dpkg-query', '--showformat=${Version} ${Unknown} [${Package}]', '-W', 'libreoffice']).out).toBe('7.4.7-1 ${Unknown} [libreoffice]');
    const missing = tool(['dpkg-query', '-W', '-f', '${Version}', 'zoiper5', 'nothere']);
    expect(missing).toEqual({ code: 1, out: '1.0-1', err: 'dpkg-query: no packages found matching nothere\n' });
  });

  it('nmcli loads only connection files of mode 0600, and shows them by id', () => {
    const conns = join(root, 'etc/NetworkManager/system-connections');
    writeFileSync(join(conns, 'a.nmconnection'), '[connection]\nid=homeshift-vpn\ntype=vpn');
    writeFileSync(join(conns, 'b.nmconnection'), '[connection]\nid=open-to-all\n');
    chmodSync(join(conns, 'a.nmconnection'), 0o600);
    chmodSync(join(conns, 'b.nmconnection'), 0o644);
    expect(tool(['nmcli', 'connection', 'show', 'homeshift-vpn']).code).toBe(10);
    expect(tool(['nmcli', 'connection', 'reload']).code).toBe(0);
    expect(tool(['nmcli', 'con', 'show', 'homeshift-vpn'])).toMatchObject({ code: 0, out: expect.stringContaining('homeshift-vpn') });
    expect(tool(['nmcli', 'connection', 'show', 'open-to-all'])).toEqual({ code: 10, out: '', err: 'Error: open-to-all - no such connection profile.\n' });
  });

  it('apt-get remove and purge take a package away as Debian does, a .deb one too; dpkg-query then shows its status', () => {
    writeFileSync(join(root, 'crm.deb'), 'Package: crm-connector\nVersion: 2.1-1\n\x00binary');
    expect(tool(['apt-get', 'install', '-y', join(root, 'crm.deb'), 'headset-tool=3.0-2']).code).toBe(0);
    const status = (...pkgs: string[]) => tool(['dpkg-query', '-W', '-f=${Package} ${Status} ${Version}|${db:Status-Abbrev}\\n', ...pkgs]);
    expect(status('crm-connector').out).toBe('crm-connector install ok installed 2.1-1|ii \n');

    const removed = tool(['apt-get', 'remove', '-y', 'crm-connector', 'never-installed']);
    expect(removed).toMatchObject({ code: 0, err: '' });
    expect(removed.out).toContain('Removing crm-connector (2.1-1) ...\n');
    expect(removed.out).toContain("Package 'never-installed' is not installed, so not removed\n");
    // removed, not purged: dpkg keeps its configuration files and still shows its version
    expect(status('crm-connector', 'headset-tool')).toEqual({ code: 0, out: 'crm-connector deinstall ok config-files 2.1-1|rc \nheadset-tool install ok installed 3.0-2|ii \n', err: '' });
    expect(existsSync(join(root, 'var/lib/sim/dpkg/crm-connector'))).toBe(false);
    expect(tool(['apt-get', 'remove', '-y', 'crm-connector']).out).toContain("Package 'crm-connector' is not installed, so not removed");

    const purged = tool(['apt-get', 'purge', '-y', 'crm-connector', 'headset-tool']);
    expect(purged.code).toBe(0);
    expect(purged.out).toContain('Purging configuration files for crm-connector (2.1-1) ...\n');
    expect(purged.out).toContain('Removing headset-tool (3.0-2) ...\nPurging configuration files for headset-tool (3.0-2) ...\n');
    expect(status('crm-connector', 'headset-tool').out).toBe('crm-connector purge ok not-installed |pn \nheadset-tool purge ok not-installed |pn \n');
    expect(tool(['apt-get', 'purge', '-y', 'headset-tool']).out).toContain("Package 'headset-tool' is not installed, so not removed");
    expect(status('never-installed')).toEqual({ code: 1, out: '', err: 'dpkg-query: no packages found matching never-installed\n' });
    expect(tool(['apt-get', 'remove', '-y', 'No_Such'])).toMatchObject({ code: 100, err: 'E: Unable to locate package No_Such\n' });

    expect(tool(['apt-get', 'install', '-y', join(root, 'crm.deb')]).code).toBe(0); // installed again
    expect(status('crm-connector').out).toBe('crm-connector install ok installed 2.1-1|ii \n');
  });

  it('nmcli forgets a connection whose keyfile is gone at reload, and deletes a connection with its keyfile', () => {
    const conns = join(root, 'etc/NetworkManager/system-connections');
    writeFileSync(join(conns, 'office.nmconnection'), '[connection]\nid=office vpn\nuuid=0f5c7a44-2b1e-4c55-9b1a-3d2f6a7e8c90\ntype=vpn\n', { mode: 0o600 });
    writeFileSync(join(conns, 'lab.nmconnection'), '[connection]\nid=lab-vpn\ntype=vpn\n', { mode: 0o600 });
    expect(tool(['nmcli', 'connection', 'reload']).code).toBe(0);
    expect(tool(['nmcli', 'connection', 'show', 'lab-vpn']).code).toBe(0);
    rmSync(join(conns, 'lab.nmconnection'));
    expect(tool(['nmcli', 'connection', 'show', 'lab-vpn']).code).toBe(0); // still loaded until NetworkManager reloads
    expect(tool(['nmcli', 'connection', 'reload']).code).toBe(0);
    expect(tool(['nmcli', 'connection', 'show', 'lab-vpn'])).toEqual({ code: 10, out: '', err: 'Error: lab-vpn - no such connection profile.\n' });

    expect(tool(['nmcli', 'connection', 'delete', 'office vpn'])).toEqual({ code: 0, out: "Connection 'office vpn' (0f5c7a44-2b1e-4c55-9b1a-3d2f6a7e8c90) successfully deleted.\n", err: '' });
    expect(existsSync(join(conns, 'office.nmconnection'))).toBe(false);
    expect(tool(['nmcli', 'connection', 'show', 'office vpn']).code).toBe(10);
    expect(tool(['nmcli', 'connection', 'delete', 'id', 'office vpn'])).toEqual({ code: 10, out: '', err: "Error: unknown connection 'office vpn'.\nError: cannot delete unknown connection(s): 'office vpn'.\n" });
  });

  it('dconf update compiles the keyfiles of each .d folder in name order', () => {
    const dir = join(root, 'etc/dconf/db/local.d');
    mkdirSync(join(dir, 'locks'), { recursive: true });
    writeFileSync(join(dir, '10-second'), 'b=2\n');
    writeFileSync(join(dir, '00-first'), 'a=1\n');
    expect(tool(['dconf', 'update']).code).toBe(0);
    expect(readFileSync(join(root, 'etc/dconf/db/local'), 'utf8')).toBe('# simulated GVariant database\na=1\nb=2\n');
  });

  it('finds its root when called by a relative path, and honours .sim/fail/tool_<name>', () => {
    writeFileSync(join(root, '.sim/fail/tool_dconf'), '75\ndconf: database is locked\n');
    expect(tool(['./.sim/bin/dconf', 'update'])).toEqual({ code: 75, out: '', err: 'dconf: database is locked\n' });
    rmSync(join(root, '.sim/fail/tool_dconf'));
    expect(tool(['../../.sim/bin/dpkg-query', '-W', 'zoiper5'], join(root, 'etc/dconf')).out).toBe('zoiper5\t1.0-1\n');
  });

  it('mv moves like mv, except a file a step fault is bound to; apt-get fails for a bound package only', async () => {
    expect(existsSync(join(root, '.sim/bin/mv'))).toBe(false); // a PC without a file fault moves with the real mv
    await installFileFaultTools(root);
    mkdirSync(join(root, 'etc/homeshift'), { recursive: true });
    writeFileSync(join(root, 'etc/homeshift/a.new'), 'a');
    expect(tool(['mv', '-f', join(root, 'etc/homeshift/a.new'), join(root, 'etc/homeshift/a.json')])).toEqual({ code: 0, out: '', err: '' });
    expect(readFileSync(join(root, 'etc/homeshift/a.json'), 'utf8')).toBe('a');
    writeFileSync(join(root, '.sim/fail/mailbox'), '3\nmailbox not found for anna@example.com\n');
    writeFileSync(join(root, '.sim/fail/mailbox.on'), 'file etc/homeshift/mailbox.json\npackage linphone-desktop\n');
    writeFileSync(join(root, 'etc/homeshift/m.new'), 'm');
    expect(tool(['mv', '-f', join(root, 'etc/homeshift/m.new'), join(root, 'etc/homeshift/mailbox.json')])).toEqual({ code: 3, out: '', err: 'mailbox not found for anna@example.com\n' });
    expect(tool(['mv', '-f', join(root, 'etc/homeshift/m.new'), join(root, 'etc/homeshift/other.json')]).code).toBe(0);
    expect(tool(['apt-get', 'install', '-y', 'zoiper5=1.0-1']).code).toBe(0);
    expect(tool(['apt-get', 'install', '-y', 'linphone-desktop=4.4.10-3']).code).toBe(3);
    rmSync(join(root, '.sim/fail/mailbox')); // healed: the binding alone does nothing
    expect(tool(['apt-get', 'install', '-y', 'linphone-desktop=4.4.10-3']).code).toBe(0);
    rmSync(join(root, '.sim/fail/mailbox.on'));
  });
});
