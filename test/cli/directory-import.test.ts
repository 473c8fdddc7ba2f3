import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { runCli } from './run-cli.js';
import { decodeExport, importDirectory, readExportCsv } from '../../src/config/import/index.js';
import type { Diagnostic } from '../../src/model/index.js';

// A German HR export as Excel writes it: `;`, German headers, "Nachname, Vorname" nowhere but Name/Vorname, a
// Kostenstelle nobody needs, site and role values in words, trailing separator-only rows and a blank line.
const EXPORT = [
  'Personalnummer;Name;Vorname;E-Mail;Standort;Rolle;Kostenstelle',
  'e200001;Müller;Jörg;joerg.mueller@example-telco.de;Münster;Teamleiter;4711',
  'e200002;Weiß;Käthe;kaethe.weiss@example-telco.de;Münster;Agent;4711',
  ';;;;;;',
  'e200003;Groß;Sören;soeren.gross@example-telco.de;Brühl;Agent;4712',
  '',
  'e200004;Schäfer;Anna;anna.schaefer@example-telco.de;Service Center Brühl;hotline-agent;4712',
  ';;;;;;',
  ';;;;;;',
  '',
].join('\r\n');

const SITE = (id: string, name: string, machines: string[]) => `site:
  id: ${id}
  name: ${name}
  vpnGateway: vpn-${id}.example-telco.de
  supporters:
    - { name: Ute Sommer, email: ute.sommer@example-telco.de }
machines:
${machines.map((m) => `  - ${m}`).join('\n')}
`;

const MAPPING = `import:
  directory:
    sites: { "Münster": muenster }
    roles: { Teamleiter: team-lead, Agent: hotline-agent }
`;

let repo: string;
beforeEach(() => {
  repo = fs.mkdtempSync(path.join(os.tmpdir(), 'homeshift-directory-'));
  fs.mkdirSync(path.join(repo, 'inventory'));
  fs.mkdirSync(path.join(repo, 'directory'));
  fs.writeFileSync(path.join(repo, 'homeshift.yaml'), `name: directory-test\ninventory: inventory/\ndirectory: directory/employees.csv\nmail:\n  allowedDomains: [example-telco.de]\nsecrets:\n  vpnPsk: { env: HOMESHIFT_VPN_PSK }\n  enrolmentToken: { env: HOMESHIFT_ENROLMENT_TOKEN }\n${MAPPING}`);
  fs.writeFileSync(path.join(repo, 'inventory', 'muenster.yaml'), SITE('muenster', 'Service Center Münster', [
    '{ id: MS-D0001, host: 10.4.0.1, os: windows, user: e200001, role: team-lead }',
    '{ id: MS-D0002, host: ms-d0002.example-telco.de, os: windows, user: e200002, role: hotline-agent }',
  ]));
  fs.writeFileSync(path.join(repo, 'inventory', 'bruehl.yaml'), SITE('bruehl', 'Service Center Brühl', [
    '{ id: BRU-D0003, host: bru-d0003.example-telco.de, os: linux, user: e200003, role: hotline-agent }',
    '{ id: BRU-D0004, host: bru-d0004.example-telco.de, os: windows, user: e200004, role: hotline-agent }',
  ]));
  fs.writeFileSync(path.join(repo, 'directory', 'employees.csv'), 'id,firstName,lastName,mailbox,site,role\n');
});
afterEach(() => fs.rmSync(repo, { recursive: true, force: true }));

const write = (name: string, bytes: Buffer) => fs.writeFileSync(path.join(repo, name), bytes);
const directory = () => fs.readFileSync(path.join(repo, 'directory', 'employees.csv'), 'utf8');

describe('homeshift directory import', () => {
  it.each([
    ['a Windows-1252 export', 'sap.csv', iconv.encode(EXPORT, 'windows-1252'), 'windows-1252 (detected)'],
    ['a UTF-8 export with a BOM', 'excel.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(EXPORT, 'utf8')]), 'utf-8 with BOM (detected)'],
  ])('imports %s with German headers, the mapping and ;;;; rows into a directory that validates', async (_what, name, bytes, encoding) => {
    write(name, bytes);
    const check = await runCli(['directory', 'import', name, '--check'], { cwd: repo });
    expect(check.stderr).toBe('');
    expect(check.exitCode).toBe(0);
    expect(check.stdout).toContain(`${name}: ${encoding}, separated by ';', 4 row(s), 4 blank or separator-only row(s) skipped`);
    expect(check.stdout).toContain("mapped: site 'Münster' -> muenster, role 'Teamleiter' -> team-lead, role 'Agent' -> hotline-agent, site 'Brühl' -> bruehl");
    expect(check.stdout).toContain('--check: nothing written');
    expect(directory()).toBe('id,firstName,lastName,mailbox,site,role\n'); // --check wrote nothing

    const run = await runCli(['directory', 'import', name], { cwd: repo });
    expect(run.exitCode).toBe(0);
    expect(directory()).toBe([
      'id,firstName,lastName,mailbox,site,role',
      'e200001,Jörg,Müller,joerg.mueller@example-telco.de,muenster,team-lead',
      'e200002,Käthe,Weiß,kaethe.weiss@example-telco.de,muenster,hotline-agent',
      'e200003,Sören,Groß,soeren.gross@example-telco.de,bruehl,hotline-agent',
      'e200004,Anna,Schäfer,anna.schaefer@example-telco.de,bruehl,hotline-agent',
      '',
    ].join('\n'));
    expect(`${run.stdout}${run.stderr}${directory()}`).not.toContain('\ufffd');
    const validate = await runCli(['validate'], { cwd: repo });
    expect(`${validate.stdout}${validate.stderr}`).toMatch(/^valid/m);
    expect(validate.exitCode).toBe(0);
  });

  it('with a wrong mapping names line, column and header of every error, and writes nothing', async () => {
    write('sap.csv', iconv.encode(EXPORT, 'windows-1252'));
    // the site read from the wrong column, and a role mapping that misses Agent
    fs.writeFileSync(path.join(repo, 'homeshift.yaml'), fs.readFileSync(path.join(repo, 'homeshift.yaml'), 'utf8').replace(MAPPING, ''));
    const r = await runCli(['directory', 'import', 'sap.csv', '--map', 'Kostenstelle=site', '--map-role', 'Teamleiter=team-lead'], { cwd: repo });
    expect(r.exitCode).toBe(2);
    expect(String(r.stderr).split('\n')).toEqual([
      `sap.csv:2:71 employee e200001: site '4711' is not a site of the inventory (sites: bruehl, muenster); map it with --map-site "4711=SITE" or under import.directory.sites in homeshift.yaml (the same on 1 more row) (column "Kostenstelle") [import-value]`,
      `sap.csv:3:58 employee e200002: role 'Agent' is not a profile (profiles: back-office, home-office-base, hotline-agent, team-lead); map it with --map-role "Agent=PROFILE" or under import.directory.roles in homeshift.yaml (the same on 1 more row) (column "Rolle") [import-value]`,
      `sap.csv:5:62 employee e200003: site '4712' is not a site of the inventory (sites: bruehl, muenster); map it with --map-site "4712=SITE" or under import.directory.sites in homeshift.yaml (the same on 1 more row) (column "Kostenstelle") [import-value]`,
      '3 error(s); nothing was written',
    ]);
    expect(`${r.stderr}${r.stdout}`).not.toContain('\ufffd');
    expect(directory()).toBe('id,firstName,lastName,mailbox,site,role\n');
  });

  it('checks the result with the validate rules, at the export cells', async () => {
    write('dup.csv', Buffer.from('Personalnummer;Vorname;Nachname;E-Mail;Standort\ne1;A;B;a@example-telco.de;bruehl\ne2;C;D;a@example-telco.de, c@example-telco.de;bruehl\n'));
    const r = await runCli(['directory', 'import', 'dup.csv'], { cwd: repo });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`dup.csv:3:8 employee e2: mailbox 'a@example-telco.de, c@example-telco.de' is not a valid address: it has a space at position 20 (column "E-Mail") [malformed-mailbox]`);
  });

  it('an unknown --map target or encoding is a usage error', async () => {
    write('x.csv', Buffer.from('id;Vorname;Nachname;E-Mail;Standort\n'));
    expect((await runCli(['directory', 'import', 'x.csv', '--map-site', 'Münster=munster'], { cwd: repo })).stderr).toMatch(/munster is not a site of the inventory/);
    expect((await runCli(['directory', 'import', 'x.csv', '--encoding', 'ebcdic'], { cwd: repo })).exitCode).toBe(1);
  });
});

describe('reading exports', () => {
  const decode = (bytes: Buffer, forced?: 'utf-8' | 'windows-1252') => {
    const diags: Diagnostic[] = [];
    return { decoded: decodeExport(bytes, 'x.csv', forced, diags), diags: diags.map((d) => `${d.pos?.line}:${d.pos?.col} ${d.message}`) };
  };

  it('never reads Windows-1252 as UTF-8 silently, and never lets U+FFFD through', () => {
    const cp = iconv.encode('Standort\nMünster\n', 'windows-1252');
    expect(decode(cp).decoded?.text).toBe('Standort\nMünster\n');
    expect(decode(cp, 'utf-8').diags).toEqual(['2:2 byte 0xFC is not UTF-8; the file is probably Windows-1252 (give --encoding windows-1252)']);
    expect(decode(Buffer.from('Standort\nM\ufffdnster\n', 'utf8')).diags).toEqual(['2:2 x.csv holds U+FFFD REPLACEMENT CHARACTER: a character was already lost by a wrong conversion; export the file again']);
    expect(decode(Buffer.from([0x41, 0x0a, 0x42, 0x81]), 'windows-1252').diags[0]).toMatch(/^2:2 x.csv has a byte Windows-1252 leaves undefined/);
  });

  it('sniffs ; , and tab, and counts blank rows', () => {
    for (const d of [';', ',', '\t']) {
      const table = readExportCsv(`a${d}b${d}c\n1${d}"2${d}x"${d}3\n${d}${d}\n\n`, 'x.csv', []);
      expect(table).toMatchObject({ delimiter: d, skipped: 2, rows: [{ cells: ['1', `2${d}x`, '3'], line: 2 }] });
    }
  });

  it('reads a full name column as "Nachname, Vorname" or "Vorname Nachname"', () => {
    const result = importDirectory({
      file: 'x.csv', text: 'Mitarbeiter-ID;Anzeigename;Mail;Standort\n1;Müller, Anna;a@x.de;bruehl\n2;Jörg Weiß;j@x.de;bruehl\n',
      columns: new Map([['mitarbeiterid', 'id']]), sites: [{ id: 'bruehl', name: 'Brühl' }], profiles: [], siteMap: new Map(), roleMap: new Map(),
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.employees.map((e) => [e.firstName, e.lastName])).toEqual([['Anna', 'Müller'], ['Jörg', 'Weiß']]);
  });
});
