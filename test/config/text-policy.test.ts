import { loadEmployeesCsv } from '../../src/config/directory-csv.js';
import { csvTextNeedsCellChecks, describeCharacter, findTextProblem, hasSuspectText } from '../../src/config/text-policy.js';
import { formatDiagnostic, type Diagnostic } from '../../src/model/index.js';
import { lines, loadRepo, makeRepo, removeRepos } from './helpers.js';

afterAll(removeRepos);

const HEADER = 'id,firstName,lastName,mailbox,site,role\n';
const YAML_HEAD = 'employees:\n';

function csv(text: string): string[] {
  const diags: Diagnostic[] = [];
  loadEmployeesCsv(HEADER + text, 'employees.csv', diags);
  return diags.map(formatDiagnostic);
}

async function yamlDirectory(body: string): Promise<string[]> {
  const dir = makeRepo({
    'homeshift.yaml': 'name: t\ninventory: inventory/\ndirectory: directory/employees.yaml\nprofiles: [profiles/]\nsecrets: { vpnPsk: { env: X }, enrolmentToken: { env: Y } }\n',
    'directory/employees.yaml': YAML_HEAD + body,
  });
  return lines(await loadRepo(dir)).filter((l) => l.includes('[text-character]'));
}

describe('one text policy for CSV and YAML', () => {
  it('names the character and its column; nothing is trimmed', () => {
    expect(findTextProblem('anna@x.de\u00a0')).toMatchObject({ where: 'ends with', char: '\u00a0', fatal: false });
    expect(describeCharacter('\u202e')).toBe('U+202E RIGHT-TO-LEFT OVERRIDE');
    expect(describeCharacter('\u0000')).toBe('U+0000 NULL');
    expect(describeCharacter('\u009b')).toBe('U+009B C1 CONTROL');
    expect(findTextProblem('Anna Müller')).toBeNull();
    expect(csv('e1,Anna,Mül\u0000ler,anna.mueller@example-telco.de\u00a0,bruehl,\n')).toEqual([
      'employees.csv:2:12 employee e1: lastName has U+0000 NULL at column 12 [text-character]',
      'employees.csv:2:46 employee e1: mailbox ends with U+00A0 NO-BREAK SPACE at column 46 [text-character]',
    ]);
  });

  it('is an error in ids and addresses, a warning in names, NUL an error everywhere', () => {
    expect(csv(' e1,Anna\u200b,Ma\u202eier,a@x.de,bruehl, hotline-agent\n')).toEqual([
      'employees.csv:2:1 employee on line 2: id starts with U+0020 SPACE at column 1 [text-character]',
      'employees.csv:2:9 warning: employee on line 2: firstName has U+200B ZERO WIDTH SPACE at column 9 [text-character]',
      'employees.csv:2:13 warning: employee on line 2: lastName has U+202E RIGHT-TO-LEFT OVERRIDE at column 13 [text-character]',
      'employees.csv:2:32 employee on line 2: role starts with U+0020 SPACE at column 32 [text-character]',
    ]);
  });

  // A character written as an escape (\0, \u00e9) is pointed at its escape.
  it('gives a YAML directory the same findings with file:line:col', async () => {
    const found = await yamlDirectory(
      '  - { id: e100001, firstName: "Anna", lastName: "M\\u00fcl\\0ler", mailbox: "anna.mueller@example-telco.de\u00a0", site: bruehl }\n' +
        '  - id: e100002\n    firstName: "J\u200börg"\n    lastName: Schäfer\n    mailbox: joerg.schaefer@example-telco.de\n    site: bruehl\n',
    );
    expect(found).toEqual([
      'directory/employees.yaml:2:58 employee e100001: lastName has U+0000 NULL at column 58 [text-character]',
      'directory/employees.yaml:2:105 employee e100001: mailbox ends with U+00A0 NO-BREAK SPACE at column 105 [text-character]',
      'directory/employees.yaml:4:18 warning: employee e100002: firstName has U+200B ZERO WIDTH SPACE at column 18 [text-character]',
    ]);
  });

  it('checks inventory values and, in every other file, NUL', async () => {
    const dir = makeRepo({
      'inventory/koeln.yaml': 'site:\n  id: koeln\n  name: "K\\u00f6ln\\e[2J"\n  vpnGateway: vpn-koe.example-telco.de\nmachines:\n  - { id: KOE-D0001, host: koe-d0001.sc.example-telco.de, os: linux, user: e100004, role: hotline-agent, vars: { note: "a\\0b" } }\n',
      'profiles/team-lead.yaml': 'name: team-lead\nextends: hotline-agent\ndescription: "lead\\0"\n',
    });
    const found = lines(await loadRepo(dir)).filter((l) => l.includes('[text-character]'));
    expect(found).toEqual([
      'inventory/koeln.yaml:3:19 warning: site koeln: name has U+001B ESCAPE at column 19 [text-character]',
      'inventory/koeln.yaml:6:122 machine KOE-D0001: vars.note has U+0000 NULL at column 122 [text-character]',
      'profiles/team-lead.yaml:3:19 description has U+0000 NULL at column 19 [text-character]',
    ]);
  });
});

describe('templates', () => {
  it('a NUL byte in a script or file template is a finding at its line and column', async () => {
    const dir = makeRepo({ 'templates/linux/mailbox.sh': '#!/bin/sh\nhs_apply() { :\0; }\n' });
    expect(lines(await loadRepo(dir)).filter((l) => l.includes('[text-character]'))).toEqual(['templates/linux/mailbox.sh:2:15 template linux/mailbox.sh has U+0000 NULL at column 15 [text-character]']);
  });
});

describe('the whole-text check of a plain CSV', () => {
  // every character the policy names, a plain letter, spaces at a cell's edges and inside, a surrogate pair
  const values = ['plain', 'Zoë', 'a b', ' lead', 'trail ', '\t', 'x\u00a0y', 'x\u200by', 'x\u0000', 'x\u001f', 'x\u007f', 'x\u0085', 'x\ud83d\ude00', 'x\ud83d', '\ude00x', 'x\u2028', 'x\ufeff', 'x\u3000', ''];
  it('says a cell needs checking exactly when the text may hold a finding, never missing one', () => {
    for (const a of values) {
      for (const b of values) {
        const text = `${HEADER}e1,${a},Last,e1@example.de,bruehl,agent\n#${b} comment\ne2,First,${b},e2@example.de,bruehl,\n`;
        const cells = text.split('\n').filter((l) => l && !l.startsWith('#')).flatMap((l) => l.split(','));
        if (cells.some(hasSuspectText)) expect(csvTextNeedsCellChecks(text)).toBe(true);
        if (!`${a}${b}`.match(/[\s\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202f\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff]/)) {
          expect(csvTextNeedsCellChecks(text)).toBe(false);
        }
      }
    }
  });
});
