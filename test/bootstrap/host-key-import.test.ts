import { generateEd25519 } from '../../src/transport/key-pair.js';
import { knownHostsName, machineFor, mergeKnownHosts, parseHostKeyLines } from '../../src/bootstrap/host-key-import.js';

const key = () => generateEd25519().public.split(' ')[1];

describe('collected host key lines', () => {
  it('reads one file per PC and one line per PC, with a BOM and CRLF as Windows writes them', () => {
    const [a, b] = [key(), key()];
    const { lines, problems } = parseHostKeyLines([
      { file: 'BRU-D0001.hostkey', text: `\uFEFFBRU-D0001 ssh-ed25519 ${a}\r\n` },
      { file: 'all.txt', text: `# collected\nBRU-D0002 ssh-ed25519 ${b}\n\n` },
    ]);
    expect(problems).toEqual([]);
    expect(lines.map((l) => [l.file, l.line, l.name, l.keyBase64])).toEqual([['BRU-D0001.hostkey', 1, 'BRU-D0001', a], ['all.txt', 2, 'BRU-D0002', b]]);
  });

  it('names every bad line by file:line', () => {
    const { problems } = parseHostKeyLines([{ file: 'k.txt', text: `BRU-D0001 ssh-ed25519\nBRU-D0002 ssh-dss ${key()}\nBRU-D0003 ecdsa-sha2-nistp256 ${key()}\n$(x) ssh-ed25519 ${key()}\n` }]);
    expect(problems).toEqual([
      'k.txt:1: expected "<computer name> <key type> <key>"',
      'k.txt:2: unknown key type "ssh-dss" (known: ssh-ed25519, ecdsa-sha2-nistp256, ecdsa-sha2-nistp384, ecdsa-sha2-nistp521, ssh-rsa)',
      'k.txt:3: the key is not a ecdsa-sha2-nistp256 public key',
      'k.txt:4: "$(x)" is not a computer name',
    ]);
  });

  it('maps a computer name to its machine by id, host or the host\'s first label', () => {
    const machines = [{ id: 'BRU-D0042', host: 'bru-d0042.bruehl.example-telco.de', port: 22 }, { id: 'pc7', host: 'koe-pc7.koeln.example', port: 2222 }];
    expect(machineFor('bru-d0042', machines)?.id).toBe('BRU-D0042');
    expect(machineFor('KOE-PC7', machines)?.id).toBe('pc7');
    expect(machineFor('KOE-PC8', machines)).toBeNull();
    expect(machines.map(knownHostsName)).toEqual(['bru-d0042.bruehl.example-telco.de', '[koe-pc7.koeln.example]:2222']);
  });

  it('merges: a collected key replaces its host\'s line of that type, every other line stays', () => {
    const [old, fresh, other] = [key(), key(), key()];
    const before = `# fleet\nbru-d0001.example ssh-ed25519 ${old} BRU-D0001\nbru-d0001.example ecdsa-sha2-nistp256 AAAA kept\n[x]:2222 ssh-ed25519 ${other}\n`;
    const after = mergeKnownHosts(before, [{ hostName: 'bru-d0001.example', keyType: 'ssh-ed25519', keyBase64: fresh, comment: 'BRU-D0001' }]);
    expect(after).toBe(`# fleet\nbru-d0001.example ecdsa-sha2-nistp256 AAAA kept\n[x]:2222 ssh-ed25519 ${other}\nbru-d0001.example ssh-ed25519 ${fresh} BRU-D0001\n`);
    expect(mergeKnownHosts(after, [{ hostName: 'bru-d0001.example', keyType: 'ssh-ed25519', keyBase64: fresh, comment: 'BRU-D0001' }])).toBe(after);
    expect(mergeKnownHosts('', [{ hostName: 'h', keyType: 'ssh-ed25519', keyBase64: fresh, comment: 'H' }])).toBe(`h ssh-ed25519 ${fresh} H\n`);
  });
});
