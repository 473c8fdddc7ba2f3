import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { parse } from 'yaml';
import { BIN } from './run-cli.js';
import { importAssets, mapOsName, mergeSiteFile, parseColumnMap, readSiteFiles } from '../../src/config/import/index.js';

// The binary under test; HOMESHIFT_BIN may name another entry point with the same commands.
const bin = process.env.HOMESHIFT_BIN ?? BIN;
const FIXTURES = fileURLToPath(new URL('../fixtures/import/', import.meta.url));
const cli = (args: string[], cwd: string) => execa(process.execPath, [bin, ...args], { cwd, reject: false, stdin: 'ignore', env: { NO_COLOR: '1' } });

const SITE = (id: string, name: string) => `# yaml-language-server: $schema=../schema/inventory.schema.json\nsite:\n  id: ${id}\n  name: ${name}\n  vpnGateway: vpn-${id}.example-telco.de\n# a comment that stays\nmachines: []\n`;

let repo: string;
beforeEach(() => {
  repo = fs.mkdtempSync(path.join(os.tmpdir(), 'homeshift-import-'));
  fs.mkdirSync(path.join(repo, 'inventory'));
  fs.writeFileSync(path.join(repo, 'homeshift.yaml'), 'name: import-test\n');
  fs.writeFileSync(path.join(repo, 'inventory', 'bruehl.yaml'), SITE('bruehl', 'Service Center Brühl'));
  fs.writeFileSync(path.join(repo, 'inventory', 'koeln.yaml'), SITE('koeln', 'Service Center Köln'));
});
afterEach(() => { fs.rmSync(repo, { recursive: true, force: true }); });

const machinesOf = (site: string) => (parse(fs.readFileSync(path.join(repo, 'inventory', `${site}.yaml`), 'utf8')) as { machines: Record<string, unknown>[] }).machines;
const copyFixture = (name: string) => fs.copyFileSync(path.join(FIXTURES, name), path.join(repo, name));

describe('import parts', () => {
  test('operating system names', () => {
    expect(mapOsName('Windows 10 Enterprise')).toBe('windows');
    expect(mapOsName('Microsoft Windows 11 Pro')).toBe('windows');
    expect(mapOsName('Ubuntu 22.04')).toBe('linux');
    expect(mapOsName('Red Hat Enterprise Linux 9')).toBe('linux');
    expect(mapOsName('macOS 14')).toBeNull();
  });

  test('--map entries', () => {
    expect([...parseColumnMap(['Asset Tag=id', 'Hostname=host'])]).toEqual([['assettag', 'id'], ['hostname', 'host']]);
    expect(() => parseColumnMap(['Asset Tag=serial'])).toThrow(/unknown field 'serial'/);
    expect(() => parseColumnMap(['=id'])).toThrow(/expected COLUMN=FIELD/);
  });

  test('merge keeps the site block, comments and other machines; replaces by id in place', () => {
    const text = 'site:\n  id: a\n  name: A\n  vpnGateway: v\nmachines:\n  # first\n  - { id: A-1, host: h1, os: windows, user: u1, role: r }\n  - id: A-2\n    host: h2\n    os: linux\n    user: u2\n    role: r\n';
    const merged = mergeSiteFile(text, [
      { id: 'A-2', host: 'h2b', os: 'windows', user: 'u9', role: 'r', line: 2 },
      { id: 'A-3', host: 'h3', os: 'linux', user: '100042', role: 'r', line: 3 },
    ]);
    expect(merged).toMatchObject({ added: 1, replaced: 1, total: 3 });
    expect(merged.text).toContain('  # first\n  - { id: A-1, host: h1, os: windows, user: u1, role: r }\n  - { id: A-2, host: h2b');
    const data = parse(merged.text);
    expect(data.site).toEqual({ id: 'a', name: 'A', vpnGateway: 'v' });
    expect(data.machines.map((m: { id: string }) => m.id)).toEqual(['A-1', 'A-2', 'A-3']);
    expect(data.machines[2].user).toBe('100042'); // quoted, stays a string
  });

  test('rows go to the site their location names', () => {
    const diags: never[] = [];
    const files = readSiteFiles(path.join(repo, 'inventory'), (a) => path.basename(a), diags);
    const result = importAssets({ file: 'assets.csv', text: fs.readFileSync(path.join(FIXTURES, 'assets.csv'), 'utf8'), map: new Map(), siteFiles: files });
    expect(result.diagnostics).toEqual([]);
    expect([...result.bySite].map(([f, ms]) => [f.site?.id, ms.map((m) => m.id)])).toEqual([['bruehl', ['BRU-D0001', 'BRU-D0002', 'BRU-D0003']], ['koeln', ['KOE-D0001']]]);
  });
});

describe('homeshift inventory import (binary)', () => {
  test('imports an export into the site files, and again (replaced by id)', async () => {
    copyFixture('assets.csv');
    const r = await cli(['inventory', 'import', 'assets.csv'], repo);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('inventory/bruehl.yaml: 3 added, 0 replaced, 3 machines');
    expect(machinesOf('bruehl')).toEqual([
      { id: 'BRU-D0001', host: 'bru-d0001.example-telco.de', os: 'windows', user: 'e100001', role: 'hotline-agent' },
      { id: 'BRU-D0002', host: 'bru-d0002.example-telco.de', os: 'windows', user: 'e100002', role: 'team-lead' },
      { id: 'BRU-D0003', host: '10.1.0.3', os: 'linux', user: 'e100003', role: 'hotline-agent' },
    ]);
    expect(machinesOf('koeln')).toEqual([{ id: 'KOE-D0001', host: 'koe-d0001.example-telco.de', os: 'windows', user: 'e200001', role: 'back-office' }]);
    const text = fs.readFileSync(path.join(repo, 'inventory', 'bruehl.yaml'), 'utf8');
    expect(text).toContain('# a comment that stays\nmachines:\n  - { id: BRU-D0001,');
    const again = await cli(['inventory', 'import', 'assets.csv'], repo);
    expect(again.stdout).toContain('inventory/bruehl.yaml: 0 added, 3 replaced, 3 machines');
    expect(fs.readFileSync(path.join(repo, 'inventory', 'bruehl.yaml'), 'utf8')).toBe(text);
  });

  test('every bad row is reported with file:line:col; nothing is written (exit 2)', async () => {
    copyFixture('broken.csv');
    const before = fs.readFileSync(path.join(repo, 'inventory', 'bruehl.yaml'), 'utf8');
    const r = await cli(['inventory', 'import', 'broken.csv'], repo);
    expect(r.exitCode).toBe(2);
    const lines = r.stderr.split('\n');
    expect(lines).toEqual(expect.arrayContaining([
      'broken.csv:3:1 machine id is empty (column "Asset Tag") [missing-field]',
      expect.stringMatching(/^broken\.csv:4:47 machine BRU-D0003: unknown operating system 'macOS 14 Sonoma'.*\[unknown-os\]$/),
      'broken.csv:5:1 machine BRU-D0001 is already on line 2 (column "Asset Tag") [duplicate-id]',
      'broken.csv:6:11 machine BRU-D0005: host bru-d0001.example-telco.de is already on line 2 (column "Hostname") [duplicate-host]',
      expect.stringMatching(/^broken\.csv:7:69 machine BRU-D0006: unknown site 'Hamburg' \(sites: bruehl, koeln\).*\[unknown-site\]$/),
    ]));
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fs.readFileSync(path.join(repo, 'inventory', 'bruehl.yaml'), 'utf8')).toBe(before);
  });

  test('German column names and ; are recognised without --map', async () => {
    copyFixture('semicolon.csv');
    const r = await cli(['inventory', 'import', 'semicolon.csv'], repo);
    expect(r.stderr).toBe('');
    expect(machinesOf('bruehl').map((m) => m.id)).toEqual(['BRU-D0100', 'BRU-D0101']);
  });

  test.each(['--check', '--dry-run'])('--map, --site, ; separated, %s prints and writes nothing', async (check) => {
    copyFixture('semicolon.csv');
    const r = await cli(['inventory', 'import', 'semicolon.csv', '--map', 'Inventarnummer=id', '--map', 'DNS Name=host', '--map', 'Betriebssystem=os',
      '--map', 'Mitarbeiter=user', '--map', 'Rolle=role', '--site', 'bruehl', check], repo);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('  - { id: BRU-D0101, host: bru-d0101.example-telco.de, os: linux, user: e100101, role: team-lead }');
    expect(machinesOf('bruehl')).toEqual([]);
  });

  test('missing columns and unknown --site are explained', async () => {
    copyFixture('semicolon.csv');
    fs.writeFileSync(path.join(repo, 'few.csv'), 'Serial,Hostname,Location\nX1,h1,bruehl\n');
    const cols = await cli(['inventory', 'import', 'few.csv', '--map', 'Model=os'], repo);
    expect(cols.exitCode).toBe(2);
    expect(cols.stderr).toContain("few.csv:1:1 --map names column 'model', which the header does not have");
    expect(cols.stderr).toContain('few.csv:1:1 no column for id, os, user, role');
    const site = await cli(['inventory', 'import', 'semicolon.csv', '--site', 'hamburg'], repo);
    expect(site.exitCode).toBe(1);
    expect(site.stderr).toContain('--site: no site hamburg (sites: bruehl, koeln)');
    const out = await cli(['inventory', 'import', 'nothing.csv', '--out', 'elsewhere'], repo);
    expect(out.exitCode).toBe(2);
    expect(out.stderr).toContain('no inventory file with a site: block in elsewhere/');
  });
});
