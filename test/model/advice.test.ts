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

