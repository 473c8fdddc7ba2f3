import { execa } from 'execa';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkHostKey,
  fingerprintKey,
  formatHostName,
  formatKnownHostsLine,
  indexKnownHosts,
  listKnownKeyTypes,
  parseKnownHosts,
} from '../../src/transport/known-hosts.js';
import { generateKeyPair } from '../support/keys.js';
import type { KeyPair } from '../support/keys.js';

let dir: string;
let ed: KeyPair;
let ecdsa: KeyPair;
let rsa: KeyPair;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'homeshift-kh-'));
  [ed, ecdsa, rsa] = await Promise.all([
    generateKeyPair(dir, 'ed', 'ed25519'),
    generateKeyPair(dir, 'ec', 'ecdsa'),
    generateKeyPair(dir, 'rsa', 'rsa'),
  ]);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('known_hosts', () => {
  it('names port 22 plainly and other ports in brackets', () => {
    expect(formatHostName('pc1', 22)).toBe('pc1');
    expect(formatHostName('10.0.0.5', 2222)).toBe('[10.0.0.5]:2222');
  });

  it('matches plain, bracketed, comma-listed and wildcard names, all key types', () => {
    const text = [
      '# comment',
      '',
      `pc1,10.0.0.1 ${ed.publicKey}`,
      `[pc2]:2222 ${ecdsa.publicKey} a comment`,
      `bru-* ${rsa.publicKey}`,
      `!bru-x,bru-? ${ed.publicKey}`,
    ].join('\n');
    const { entries, problems } = parseKnownHosts(text);
    expect(problems).toEqual([]);
    expect(checkHostKey(entries, '10.0.0.1', ed.blob).status).toBe('match');
    expect(checkHostKey(entries, 'PC1', ed.blob).status).toBe('match');
    expect(checkHostKey(entries, '[pc2]:2222', ecdsa.blob).status).toBe('match');
    expect(checkHostKey(entries, 'pc2', ecdsa.blob).status).toBe('unknown');
    expect(checkHostKey(entries, 'bru-d0042', rsa.blob).status).toBe('match');
    expect(checkHostKey(entries, 'bru-x', ed.blob).status).toBe('mismatch'); // negated, only bru-* (rsa) left
    expect(checkHostKey(entries, 'bru-y', ed.blob).status).toBe('match');
    expect(checkHostKey(entries, 'other', ed.blob).status).toBe('unknown');
  });

  it('reports a different key for a known host as mismatch with the expected entries', () => {
    const { entries } = parseKnownHosts(`pc1 ${ed.publicKey}\n`);
    const verdict = checkHostKey(entries, 'pc1', ecdsa.blob);
    expect(verdict).toMatchObject({ status: 'mismatch', expected: [{ line: 1, keyType: 'ssh-ed25519' }] });
  });

  it('reads hashed entries written by ssh-keygen -H', async () => {
    const file = join(dir, 'hashed_known_hosts');
    await writeFile(file, `pc7 ${ed.publicKey}\n[10.1.1.1]:2200 ${rsa.publicKey}\n`);
    await execa('ssh-keygen', ['-H', '-f', file]);
    const text = await readFile(file, 'utf8');
    expect(text).toMatch(/^\|1\|/);
    const { entries } = parseKnownHosts(text);
    expect(checkHostKey(entries, 'pc7', ed.blob).status).toBe('match');
    expect(checkHostKey(entries, '[10.1.1.1]:2200', rsa.blob).status).toBe('match');
    expect(checkHostKey(entries, 'pc8', ed.blob).status).toBe('unknown');
  });

  it('respects @revoked and skips @cert-authority', () => {
    const text = `@revoked * ${ecdsa.publicKey}\n@cert-authority * ${rsa.publicKey}\npc1 ${ecdsa.publicKey}\n`;
    const { entries } = parseKnownHosts(text);
    expect(checkHostKey(entries, 'pc1', ecdsa.blob)).toMatchObject({ status: 'revoked', entry: { line: 1 } });
    expect(checkHostKey(entries, 'pc2', rsa.blob).status).toBe('unknown');
  });

  it('skips malformed lines with their line number instead of throwing', () => {
    const text = `pc1\npc2 ssh-ed25519 !!!notbase64\n|1|short|x ${ed.publicKey}\n@weird pc3 ${ed.publicKey}\npc4 ${ed.publicKey}\n`;
    const { entries, problems } = parseKnownHosts(text);
    expect(problems.map((p) => p.line)).toEqual([1, 2, 3, 4]);
    expect(entries).toHaveLength(1);
  });

  it('prints fingerprints as ssh-keygen -l does and writes lines it can read back', async () => {
    const { stdout } = await execa('ssh-keygen', ['-l', '-f', ed.publicKeyFile]);
    expect(stdout).toContain(fingerprintKey(ed.blob));
    const line = formatKnownHostsLine('[127.0.0.1]:2022', ed.blob);
    const { entries } = parseKnownHosts(line);
    expect(checkHostKey(entries, '[127.0.0.1]:2022', ed.blob).status).toBe('match');
  });

  it('answers from the index exactly as from the whole file: plain, listed, wildcard, negated, hashed, revoked', async () => {
    const hashedFile = join(dir, 'index_hashed');
    await writeFile(hashedFile, `pc9 ${ecdsa.publicKey}\n`);
    await execa('ssh-keygen', ['-H', '-f', hashedFile]);
    const hashedLine = (await readFile(hashedFile, 'utf8')).split('\n').find((l) => l.startsWith('|1|'))!;
    const text = [
      `pc1,PC2 ${ed.publicKey}`,
      `*.lab,!bad.lab ${rsa.publicKey}`,
      hashedLine,
      `@revoked pc1 ${rsa.publicKey}`,
      `[127.0.0.1]:2022 ${ecdsa.publicKey}`,
      `pc2 ${ecdsa.publicKey}`,
      ...Array.from({ length: 50 }, (_, i) => `[127.0.0.1]:${3000 + i} ${ed.publicKey}`),
    ].join('\n');
    const { entries } = parseKnownHosts(text);
    const entriesFor = indexKnownHosts(entries);
    for (const name of ['pc1', 'pc2', 'Pc2', 'x.lab', 'bad.lab', 'pc9', '[127.0.0.1]:2022', '[127.0.0.1]:3007', 'nobody']) {
      for (const key of [ed, ecdsa, rsa]) expect(checkHostKey(entriesFor(name), name, key.blob)).toEqual(checkHostKey(entries, name, key.blob));
      expect(listKnownKeyTypes(entriesFor(name), name)).toEqual(listKnownKeyTypes(entries, name));
    }
    expect(entriesFor('[127.0.0.1]:3007').filter((e) => e.patterns.includes('[127.0.0.1]:3007'))).toHaveLength(1);
    expect(entriesFor('[127.0.0.1]:3007').length).toBeLessThan(5); // its own line and the hashed and wildcard ones
  });
});
