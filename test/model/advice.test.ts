import { adviceFor } from '../../src/model/advice.js';

describe('what to do about a failure', () => {
  it('knows the common causes by their message', () => {
    expect(adviceFor('unreachable', 'BRU-D0001 (root@127.0.0.1:2201): unreachable: connect ECONNREFUSED 127.0.0.1:2201').text).toMatch(/SSH service/);
    expect(adviceFor('timeout', 'BRU-D0001 (root@10.0.0.1:22): no SSH handshake within 5000 ms').text).toMatch(/switch it on/);
    expect(adviceFor('auth', 'BRU-D0001: HOST KEY MISMATCH for [127.0.0.1]:2201: expected …').who).toBe('central-it');
    expect(adviceFor('step-failed', 'apply exited 3: mailbox not found').who).toBe('directory');
    expect(adviceFor('step-failed', 'disk not encrypted: no luks entry in /etc/crypttab').text).toMatch(/encrypt it on site/);
    expect(adviceFor('unreachable', 'BRU-D0001 (root@127.0.0.1:2201): connection lost').text).toMatch(/dropped/);
  });

  it('knows what a run needs on the control machine (preflight findings)', () => {
    expect(adviceFor('validation', 'secret vpnPsk: environment variable VPN_PSK is not set').text).toMatch(/^Secret missing on this control machine/);
    expect(adviceFor('validation', 'secret vpnPsk: cannot read secrets/psk (ENOENT)').text).toMatch(/^Secret missing/);
    expect(adviceFor('validation', 'SSH identity file /k/id does not exist (ssh.identityFile in homeshift.yaml)').text).toMatch(/key is not usable/);
    expect(adviceFor('auth', 'PC-1: not contacted: SSH identity file /k/id is encrypted with a passphrase, which homeshift cannot ask for').text).toMatch(/key is not usable/);
    expect(adviceFor('validation', 'known_hosts file /x does not exist: with hostKeyPolicy strict no PC is contacted').text).toMatch(/ssh-keyscan/);
    expect(adviceFor('auth', 'PC-1: host [127.0.0.1]:22 is not in /x/known_hosts (it offered ssh-ed25519 SHA256:x); …').text).toMatch(/^Host key unknown/);
  });

  it('falls back to the error class, and never fails on an unknown one', () => {
    expect(adviceFor('interrupted', null).text).toMatch(/--resume/);
    expect(adviceFor('step-failed', 'exit 1').text).toMatch(/homeshift log/);
    expect(adviceFor('no-such-class', 'x').who).toBe('central-it');
    expect(adviceFor(null, null).text.length).toBeGreaterThan(10);
  });

  it('sends a connection error to the site even when its text names a mailbox host', () => {
    expect(adviceFor('unreachable', 'mailbox host unreachable: connect ECONNREFUSED 10.0.0.1:25').who).toBe('site');
  });

  it('names what to do for msiexec\'s common exit codes, as the bundle step words them', () => {
    const msi = (code: number, meaning: string) => adviceFor('step-failed', `apply exited ${code}: msiexec contoso-agent 1.2.0 exited ${code} (${meaning})`);
    expect(msi(1618, 'another installation is already in progress')).toMatchObject({ who: 'site', text: expect.stringMatching(/Windows Installer is busy/) });
    expect(msi(1619, 'the installation package could not be opened (missing or no access on the share)').text).toMatch(/share/);
    expect(msi(1625, 'the installation is forbidden by system policy').text).toMatch(/policy/);
    expect(msi(1603, 'fatal error during installation').text).toMatch(/msiexec \/l\*v/);
  });
});

describe('a closed SSH port', () => {
  it('on a Windows PC points to the day-zero script; on Linux or unknown to starting sshd', () => {
    const refused = 'BRU-D0001 (homeshift@10.1.2.3:22): unreachable: connect ECONNREFUSED 10.1.2.3:22';
    expect(adviceFor('unreachable', refused, 'windows').text).toMatch(/homeshift bootstrap windows/);
    expect(adviceFor('unreachable', refused, 'linux').text).not.toMatch(/bootstrap/);
    expect(adviceFor('unreachable', refused).text).toMatch(/SSH service/);
  });
});
