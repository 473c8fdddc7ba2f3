import fs from 'node:fs';
import path from 'node:path';
import { MAX_FILE_BYTES } from '../../src/config/index.js';
import { loadRepo, lines, makeRepo, removeRepos } from './helpers.js';

afterAll(removeRepos);

const MACHINE = (extra: string) => `site: { id: bonn, name: Bonn, vpnGateway: vpn-bon }\nmachines:\n  - { id: BON-D0001, host: bon-1, os: linux, user: e100001, role: hotline-agent${extra} }\n`;

async function findingsFor(files: Record<string, string | Buffer | null>): Promise<string[]> {
  return lines(await loadRepo(makeRepo(files)));
}

describe('hostile inventory input gives one clear message each', () => {
  it('malformed YAML: yaml-syntax at the line', async () => {
    const out = await findingsFor({ 'inventory/zz.yaml': 'site:\n  id: bonn\nmachines:\n  - { id: X, host: [unclosed\n' });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^inventory\/zz\.yaml:\d+:\d+ YAML syntax error: .* \[yaml-syntax\]$/);
  });

  it('an alias bomb: yaml-aliases', async () => {
    const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const out = await findingsFor({ 'inventory/zz.yaml': `${bomb.join('\n')}\nmachines: []\n` });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^inventory\/zz\.yaml:2:\d+ too many YAML alias expansions .*\[yaml-aliases\]$/);
  });

  it('a wrong type names the machine, the field and the node', async () => {
    const out = await findingsFor({ 'inventory/zz.yaml': MACHINE(', port: "22"') });
    expect(out).toEqual(['inventory/zz.yaml:3:88 machine BON-D0001: port must be a whole number [schema]']);
  });

  it('a bad enum value reads like a sentence', async () => {
    const out = await findingsFor({ 'inventory/zz.yaml': MACHINE('').replace('os: linux', 'os: macos') });
    expect(out).toEqual(['inventory/zz.yaml:3:39 machine BON-D0001: os must be windows or linux [schema]']);
  });

  it('an unknown key points at the key and suggests the right one', async () => {
    const out = await findingsFor({ 'inventory/zz.yaml': MACHINE(', hots: x') });
    expect(out).toEqual(["inventory/zz.yaml:3:82 machine BON-D0001: unknown key 'hots' (did you mean 'host'?) [schema]"]);
  });

  it('a missing required key and a nested unknown key', async () => {
    const out = await findingsFor({ 'inventory/zz.yaml': 'site: { id: bonn, name: Bonn }\nmachines:\n  - { id: B-1, host: b1, os: linux, user: e100001, role: x, ssh: { prot: 22 } }\n' });
    expect(out).toEqual([
      "inventory/zz.yaml:1:7 missing required key 'vpnGateway' in site [schema]",
      "inventory/zz.yaml:3:68 machine B-1: unknown key 'prot' in ssh (did you mean 'port'?) [schema]",
    ]);
  });

  it('leaves out only the broken machine when the rest of the file is fine', async () => {
    const dir = makeRepo({ 'inventory/zz.yaml': `${MACHINE('')}  - { id: BON-D0002, host: bon-2, os: beos, user: e100002, role: x }\n` });
    const result = await loadRepo(dir);
    expect(result.diagnostics).toHaveLength(1);
    expect(result.project!.machines.map((m) => m.id)).toContain('BON-D0001');
    expect(result.project!.machines.map((m) => m.id)).not.toContain('BON-D0002');
  });

  it('a file over the size limit is refused without reading it', async () => {
    const dir = makeRepo();
    const big = path.join(dir, 'inventory', 'zz-big.yaml');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, MAX_FILE_BYTES + 1); // sparse: the test does not write 20 MB
    const out = lines(await loadRepo(dir));
    expect(out).toEqual([expect.stringMatching(/^inventory\/zz-big\.yaml:1:1 inventory\/zz-big\.yaml is 20\.0 MB, over the limit of 20\.0 MB \[file-too-large\]$/)]);
  });

  it('an empty file and a comments-only file', async () => {
    const out = await findingsFor({ 'inventory/zz-a.yaml': '', 'inventory/zz-b.yaml': '# nothing here\n' });
    expect(out).toEqual(['inventory/zz-a.yaml:1:1 inventory/zz-a.yaml is empty [empty-file]', 'inventory/zz-b.yaml:1:1 inventory/zz-b.yaml has no content [empty-file]']);
  });

  it('a missing inventory folder and a missing directory file', async () => {
    const out = await findingsFor({ 'homeshift.yaml': 'name: x\ninventory: [inventory/, sites/]\ndirectory: nobody.csv\n' });
    expect(out).toEqual([
      'homeshift.yaml:2:25 inventory sites/ does not exist [missing-file]',
      'homeshift.yaml:3:12 directory nobody.csv does not exist [missing-file]',
    ]);
  });

  it('a missing profiles folder named in homeshift.yaml', async () => {
    const out = await findingsFor({ 'homeshift.yaml': 'name: x\nprofiles: roles/\n' });
    expect(out).toEqual(['homeshift.yaml:2:11 profiles folder roles/ does not exist [missing-file]']);
  });

  it('duplicate keys', async () => {
    const out = await findingsFor({ 'inventory/zz.yaml': 'machines: []\nsite: { id: a, name: A, vpnGateway: v }\nmachines: []\n' });
    expect(out).toEqual(["inventory/zz.yaml:3:1 duplicate key 'machines' (each key may appear once) [yaml-duplicate-key]"]);
  });

  it('several documents in one file', async () => {
    const out = await findingsFor({ 'inventory/zz.yaml': 'machines: []\n---\nmachines: []\n' });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^inventory\/zz\.yaml:2:1 .*more than one YAML document.*\[yaml-multiple-documents\]$/);
  });

  it('a file that is not UTF-8', async () => {
    const out = await findingsFor({ 'inventory/zz.yaml': Buffer.from('site: { id: k, name: "K\xf6ln", vpnGateway: v }\nmachines: []\n', 'latin1') });
    expect(out).toEqual(['inventory/zz.yaml:1:1 inventory/zz.yaml is not valid UTF-8 text (save it as UTF-8) [not-utf8]']);
  });

  it('a list where a mapping belongs', async () => {
    const out = await findingsFor({ 'inventory/zz.yaml': '- a\n- b\n' });
    expect(out).toEqual(['inventory/zz.yaml:1:1 the file must be a mapping [schema]']);
  });

  it('a duplicate site id across files', async () => {
    const out = await findingsFor({ 'inventory/zz.yaml': 'site: { id: koeln, name: K, vpnGateway: v }\nmachines: []\n' });
    expect(out).toEqual(['inventory/zz.yaml:1:13 site koeln is already defined at inventory/koeln.yaml:2:3 [duplicate-site]']);
  });
});

describe('hostile homeshift.yaml gives no project', () => {
  it.each([
    ['unknown key', 'name: x\nsshh: {}\n', /^homeshift\.yaml:2:1 unknown key 'sshh' \(did you mean 'ssh'\?\) \[schema\]$/],
    ['bad secret source', 'name: x\nsecrets:\n  vpnPsk: { value: hunter2 }\n', /^homeshift\.yaml:3:11 secrets\.vpnPsk must be \{ env: VARIABLE \} or \{ file: path \} \[schema\]$/],
    ['bad duration', 'name: x\nescalateAfter: 2 days\n', /^homeshift\.yaml:2:16 escalateAfter must be a duration such as 36h or 2d \[schema\]$/],
    ['bad host key policy', 'name: x\nssh: { hostKeyPolicy: yolo }\n', /^homeshift\.yaml:2:23 ssh\.hostKeyPolicy must be strict, accept-new or off \[schema\]$/],
    ['syntax', 'name: [x\n', /\[yaml-syntax\]$/],
    ['empty', '', /\[empty-file\]$/],
  ])('%s', async (_label, text, expected) => {
    const result = await loadRepo(makeRepo({ 'homeshift.yaml': text }));
    expect(result.project).toBeNull();
    expect(lines(result)).toEqual([expect.stringMatching(expected)]);
  });
});

describe('profiles and bundles', () => {
  it('reports schema errors in a profile with its name', async () => {
    const out = await findingsFor({ 'profiles/x.yaml': 'name: x\nmailbox: { shared: everyone }\nchecks: { screenLockMinutes: 0 }\n' });
    expect(out).toEqual([
      'profiles/x.yaml:2:20 mailbox.shared must be site, none or a list of addresses [schema]',
      'profiles/x.yaml:3:30 checks.screenLockMinutes must be at least 1 [schema]',
    ]);
  });

  it('reports a profile defined twice in one folder', async () => {
    const out = await findingsFor({ 'profiles/zz.yaml': 'name: team-lead\n' });
    expect(out).toEqual(['profiles/zz.yaml:1:7 profile team-lead is also defined in profiles/team-lead.yaml [duplicate-profile]']);
  });

  it('reports a bad bundle by name and keeps the others', async () => {
    const dir = makeRepo({ 'bundles/zz.yaml': 'bundles:\n  - { name: a, version: "1", packages: [] }\n  - { name: b, version: "1", packages: [{ name: B, version: 2 }] }\n' });
    const result = await loadRepo(dir);
    expect(lines(result)).toEqual([
      'bundles/zz.yaml:2:40 bundle a: packages must have at least 1 entry [schema]',
      'bundles/zz.yaml:3:61 bundle b: packages[0].version must be a string [schema]',
    ]);
    expect(result.project!.bundles.has('team-tools')).toBe(true);
  });
});
