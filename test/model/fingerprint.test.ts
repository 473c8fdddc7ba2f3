import { fingerprintMessage, normaliseMessage } from '../../src/model/fingerprint.js';

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

describe('normaliseMessage', () => {
  it.each([
    ['apply exited 3: mailbox not found for anna.schmidt@example.com', 'apply exited <n>: mailbox not found for <mailbox>'],
    ['connect to 10.20.30.40:2222 timed out after 30s', 'connect to <ip>:<port> timed out after <duration>'],
    ['connect ECONNREFUSED 127.0.0.1:22', 'connect ECONNREFUSED <ip>:<port>'],
    ['host key mismatch for bru-d0042.corp.example.net port 22', 'host key mismatch for <host> port <port>'],
    ['machine BRU-D0042: user e100123 has no profile', 'machine <machine>: user <employee> has no profile'],
    ["package 'softphone-4.2.1' failed", 'package <value> failed'],
    ['cannot write /home/e100123/.config/homeshift/vpn.conf', 'cannot write /home/<user>/.config/homeshift/vpn.conf'],
    ['cannot write C:\\Users\\anna\\AppData\\Local\\x.txt', 'cannot write C:\\Users\\<user>\\AppData\\Local\\x.txt'],
    ['lock held by /tmp/hs-Ab12Cd/lock for 1500 ms', 'lock held by /tmp/<tmp>/lock for <duration>'],
    ['request 3f2a9c1b7d id 123e4567-e89b-12d3-a456-426614174000 failed', 'request <hex> id <uuid> failed'],
    ['step exceeded 300 seconds', 'step exceeded <duration>'],
    ['dial fe80::1:2 failed', 'dial <ip> failed'],
    ['script linux/vpn.sh exited 2', 'script linux/vpn.sh exited <n>'],
  ])('%s', (input, expected) => {
    expect(normaliseMessage(input)).toBe(expected);
  });
});

describe('fingerprintMessage', () => {
  it('gives 300 messages differing only in ids, hosts and numbers one fingerprint', () => {
    const prints = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const msg = `apply exited ${(i % 7) + 1}: mailbox not found for user${i}@site${i % 9}.example.com on BRU-D${pad(i, 4)} ` +
        `(employee e${100000 + i}, host pc${i}.bruehl.corp.example, ${10 + (i % 200)}.0.${i % 250}.${i % 199}:${2000 + i}, ` +
        `took ${i * 13}ms, file /home/e${100000 + i}/mail-${i}.cfg, '${i}-x', id ${(0xabc000 + i).toString(16)}ff00)`;
      prints.add(fingerprintMessage('step-failed', msg, 'mailbox'));
    }
    expect(prints.size).toBe(1);
    expect([...prints][0]).toMatch(/^step-failed:mailbox:[0-9a-f]{8}$/);
  });

  it('tells different causes apart', () => {
    const causes = [
      fingerprintMessage('step-failed', 'apply exited 3: mailbox not found for a@b.de', 'mailbox'),
      fingerprintMessage('step-failed', 'apply exited 3: mailbox quota exceeded for a@b.de', 'mailbox'),
      fingerprintMessage('step-failed', 'apply exited 3: mailbox not found for a@b.de', 'vpn'),
      fingerprintMessage('unreachable', 'apply exited 3: mailbox not found for a@b.de'),
      fingerprintMessage('unreachable', 'connect ECONNREFUSED 127.0.0.1:22'),
      fingerprintMessage('unreachable', 'connect ETIMEDOUT 127.0.0.1:22'),
    ];
    expect(new Set(causes).size).toBe(causes.length);
  });

  it('makes a dropped connection one cause whatever step it cut', () => {
    const cut = ['vpn', 'mailbox', 'bundles', 'disk-encryption'].map((step) => fingerprintMessage('unreachable', `${step}: connection lost before the machine program ended`, step));
    expect(new Set(cut).size).toBe(1);
    expect(cut[0]).toMatch(/^unreachable:[0-9a-f]{8}$/);
    expect(fingerprintMessage('interrupted', 'vpn: interrupted by the operator', 'vpn')).toBe(fingerprintMessage('interrupted', 'mailbox: interrupted by the operator', 'mailbox'));
    // a step's own failure keeps its step
    expect(fingerprintMessage('timeout', 'vpn: step exceeded its time limit', 'vpn')).toMatch(/^timeout:vpn:/);
  });

  it('is stable across calls and omits an unknown step', () => {
    expect(fingerprintMessage('auth', 'host key mismatch for 10.0.0.1')).toBe(fingerprintMessage('auth', 'host key mismatch for 10.9.9.9'));
    expect(fingerprintMessage('auth', 'x')).toMatch(/^auth:[0-9a-f]{8}$/);
    expect(fingerprintMessage(null, null)).toMatch(/^error:[0-9a-f]{8}$/);
  });
});

describe('package ids and host names', () => {
  it.each([
    ['apply exited 1: winget install Mozilla.Firefox.ESR 128.3.1 exited 5: Zugriff verweigert', 'apply exited <n>: winget install Mozilla.Firefox.ESR <n>.<n> exited <n>: Zugriff verweigert'],
    ['winget install Cyanfish.NAPS2 7.5.3 exited 1', 'winget install Cyanfish.NAPS2 <n>.<n> exited <n>'],
    ['winget install 7zip.7zip 24.08 exited 1', 'winget install 7zip.7zip <n> exited <n>'],
    ['winget install dbeaver.dbeaver 24.2.3 exited 1', 'winget install dbeaver.dbeaver <n>.<n> exited <n>'],
    ['winget install Google.Chrome failed on KeePassXCTeam.KeePassXC', 'winget install Google.Chrome failed on KeePassXCTeam.KeePassXC'],
  ])('keeps the package id in %s', (input, expected) => {
    expect(normaliseMessage(input)).toBe(expected);
  });

  it.each([
    ['cannot reach fileserver.corp.example-telco.de', 'cannot reach <host>'],
    ['cannot reach BRU-D0042.bruehl.corp.example', 'cannot reach <host>'],
    ['cannot reach PC12.CORP.EXAMPLE.NET', 'cannot reach <host>'],
    ['cannot reach mail.example.com:993', 'cannot reach <host>:<port>'],
    ['cannot reach 10.1.2.3 or fe80::1', 'cannot reach <ip> or <ip>'],
  ])('still normalises the host in %s', (input, expected) => {
    expect(normaliseMessage(input)).toBe(expected);
  });

  it('gives one package the same cause on every PC, and two packages two causes', () => {
    const on = (pkg: string, host: string) => fingerprintMessage('step-failed', `bundle:office-base: apply exited 1: winget install ${pkg} exited 5 on ${host}`, 'bundle:office-base');
    expect(on('Mozilla.Firefox.ESR', 'pc1.bruehl.example.net')).toBe(on('Mozilla.Firefox.ESR', 'pc2.koeln.example.net'));
    expect(on('Mozilla.Firefox.ESR', 'pc1.bruehl.example.net')).not.toBe(on('Mozilla.Thunderbird', 'pc1.bruehl.example.net'));
  });
});

describe('transport messages', () => {
  it('groups host key mismatches of different PCs and keys into one cause, keeping the key type', () => {
    const a = normaliseMessage('KOE-D0059: HOST KEY MISMATCH for [127.0.0.1]:45923: expected ssh-ed25519 SHA256:JA/ThZPYEaCoFr0Qaa/gRINNnpQswQcruBXW98APJDA (/x/known_hosts:159), seen ssh-ed25519 SHA256:q4sXK6lNln9/jB9nlLBvXJXbpaxuyTWiUIyRkSNUp10');
    const b = normaliseMessage('BRU-D0001: HOST KEY MISMATCH for [127.0.0.1]:41000: expected ssh-ed25519 SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG (/x/known_hosts:3), seen ssh-ed25519 SHA256:ZZZdefghijklmnopqrstuvwxyz0123456789ABCDEFG');
    expect(a).toBe(b);
    expect(a).toContain('ssh-ed25519 <key-fingerprint>');
  });
  it('reads user@ip:port as one placeholder', () => {
    expect(normaliseMessage('BRU-D0055 (homeshift@127.0.0.1:45199): unreachable: connect ECONNREFUSED 127.0.0.1:45199')).toBe('<machine> (<user>@<ip>:<port>): unreachable: connect ECONNREFUSED <ip>:<port>');
  });
});

describe('the pattern shown for a cause', () => {
  it('drops the step a connection failure cut, and keeps a step failure whole', async () => {
    const { causePattern } = await import('../../src/model/fingerprint.js');
    const a = causePattern('unreachable', 'check:customer-data: connection lost before the machine program ended');
    const b = causePattern('unreachable', 'vpn: connection lost before the machine program ended');
    expect(a).toBe('connection lost before the machine program ended');
    expect(b).toBe(a);
    expect(causePattern('step-failed', 'mailbox: apply exited 3')).toBe('mailbox: apply exited <n>');
    expect(causePattern('unreachable', 'BRU-D0001 (root@10.0.0.1:22): unreachable: connect ECONNREFUSED 10.0.0.1:22')).toMatch(/^<machine> \(<user>@<ip>:<port>\): unreachable/);
  });
});

describe('a connection cause whose step is not passed', () => {
  it('has the fingerprint of the same drop with its step named', async () => {
    const { fingerprintMessage } = await import('../../src/model/fingerprint.js');
    const message = 'connection lost before the machine program ended';
    expect(fingerprintMessage('unreachable', `mailbox: ${message}`, null)).toBe(fingerprintMessage('unreachable', `vpn: ${message}`, 'vpn'));
  });
});
