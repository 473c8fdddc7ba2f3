import { formatDiagnostic, type Project } from '../../src/model/index.js';
import { explainMailbox } from '../../src/validate/mailbox-address.js';
import { RULES, validateProject } from '../../src/validate/index.js';
import { GOOD, lines, loadRepo, makeRepo, removeRepos } from '../config/helpers.js';

afterAll(removeRepos);

function run(project: Project, rule: string): string[] {
  return validateProject(project, [RULES.find((r) => r.id === rule)!]).map(formatDiagnostic);
}

describe('mailbox rules', () => {
  it('say what is wrong with a malformed address', () => {
    expect(Object.fromEntries(['', 'anna', 'a@b@c.de', '@x.de', 'anna@', 'an na@x.de', 'anna.@x.de', 'an..na@x.de', 'anna@localhost', 'anna@x..de', 'anna@-x.de', 'anna@x.d3', 'anna@bücher.de', 'änna@x.de', 'аnna@x.de', 'an(na@x.de', 'anna@x.de\u00a0'].map((a) => [a, explainMailbox(a)]))).toEqual({
      '': 'is empty',
      anna: 'has no @',
      'a@b@c.de': 'has a second @ at position 4',
      '@x.de': 'has nothing before the @',
      'anna@': 'has no domain after the @',
      'an na@x.de': 'has a space at position 3',
      'anna.@x.de': 'the part before the @ ends with a dot',
      'an..na@x.de': 'the part before the @ has two dots in a row',
      'anna@localhost': 'domain localhost has no dot (e.g. example-telco.de)',
      'anna@x..de': 'domain x..de has an empty part (a dot at the start, the end or twice in a row)',
      'anna@-x.de': 'domain part -x starts or ends with a dash',
      'anna@x.d3': 'top-level domain d3 must be two or more letters',
      'anna@bücher.de': 'has non-ASCII U+00FC at position 7, which a domain (write international domains as xn-- punycode) may not hold',
      'änna@x.de': 'has non-ASCII U+00E4 at position 1, which the part before the @ may not hold',
      'аnna@x.de': "has U+0430 (a Cyrillic letter that looks like Latin 'a') at position 1, which the part before the @ may not hold",
      'an(na@x.de': "has '(' at position 3, which the part before the @ may not hold",
      'anna@x.de\u00a0': 'ends with U+00A0 NO-BREAK SPACE at position 10',
    });
    expect(explainMailbox('anna.mueller@example-telco.de')).toBeNull();
  });

  it("flags a shared mailbox that is an employee's personal one", async () => {
    const p = (await loadRepo(GOOD)).project!;
    p.sites.get('koeln')!.sharedMailboxes.push('Anna.Mueller@example-telco.de');
    expect(run(p, 'shared-mailbox-is-personal')).toEqual([
      expect.stringMatching(/^inventory\/koeln\.yaml:\d+:\d+ site koeln: shared mailbox Anna\.Mueller@example-telco\.de is the personal mailbox of employee e100001 \(directory\/employees\.csv:2\) \[shared-mailbox-is-personal\]$/),
    ]);
  });

  it('warns about look-alike letters of another script inside one word, naming character and script', async () => {
    const p = (await loadRepo(GOOD)).project!;
    p.employees.get('e100001')!.lastName = 'Mаier'; // Cyrillic a
    p.employees.get('e100002')!.firstName = 'Иван';
    expect(run(p, 'mixed-script')).toEqual([
      "directory/employees.csv:2:14 warning: employee e100001: lastName 'Mаier' mixes scripts: U+0430 is Cyrillic, which looks like Latin 'a', the rest Latin (column \"Last_Name\") [mixed-script]",
    ]);
  });
});

describe('employee ids', () => {
  it('match the default pattern in both formats', async () => {
    const csv = makeRepo({ 'directory/employees.csv': 'id,firstName,lastName,mailbox,site\ne1;x,A,B,a@example-telco.de,bruehl\n' });
    expect(lines(await loadRepo(csv)).filter((l) => l.includes('employee-id'))).toEqual([]);
    const loaded = await loadRepo(csv);
    expect(validateProject(loaded.project!).map(formatDiagnostic).filter((l) => l.includes('[employee-id-pattern]'))).toEqual([
      'directory/employees.csv:2:1 employee e1;x: id does not match employeeIdPattern ^[A-Za-z0-9][A-Za-z0-9._-]*$ [employee-id-pattern]',
    ]);
    const yaml = makeRepo({
      'homeshift.yaml': 'name: t\ninventory: inventory/\ndirectory: d.yaml\nprofiles: [profiles/]\nemployeeIdPattern: "^e[0-9]{6}$"\nsecrets: { vpnPsk: { env: X }, enrolmentToken: { env: Y } }\n',
      'd.yaml': 'employees:\n  - { id: "e100001", firstName: A, lastName: B, mailbox: a@example-telco.de, site: bruehl }\n  - { id: "$(reboot)", firstName: A, lastName: B, mailbox: b@example-telco.de, site: bruehl }\n',
    });
    const project = (await loadRepo(yaml)).project!;
    expect(run(project, 'employee-id-pattern')).toEqual(['d.yaml:3:11 employee $(reboot): id does not match employeeIdPattern ^e[0-9]{6}$ [employee-id-pattern]']);
  });

  it('an employeeIdPattern that is no regular expression is a finding of homeshift.yaml', async () => {
    const dir = makeRepo({ 'homeshift.yaml': 'name: t\nemployeeIdPattern: "([a-z"\n' });
    expect(lines(await loadRepo(dir)).filter((l) => l.includes('employeeIdPattern'))).toEqual([expect.stringMatching(/^homeshift\.yaml:2:20 employeeIdPattern is not a regular expression: .+ \[schema\]$/)]);
  });
});
