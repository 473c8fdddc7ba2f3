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
