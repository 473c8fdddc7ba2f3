import fs from 'node:fs';
import path from 'node:path';
import { formatDiagnostic, type Project } from '../../src/model/index.js';
import { explainHost } from '../../src/validate/host-name.js';
import { RULES, validateProject } from '../../src/validate/index.js';
import { GOOD, loadRepo, makeRepo, removeRepos } from '../config/helpers.js';

afterAll(removeRepos);

function run(project: Project, rule: string): string[] {
  return validateProject(project, RULES.filter((r) => r.id === rule)).map(formatDiagnostic);
}

describe('explainHost', () => {
  it.each(['127.0.0.1', '10.20.30.4', '::1', 'fe80::1', 'bru-d0001.sc.example-telco.de', 'localhost', 'vpn.example.de.'])('accepts %s', (host) => {
    expect(explainHost(host)).toBeNull();
  });

  it.each([
    ['10.20.300.4', 'is not a valid IPv4 address (300 is above 255)'],
    ['10.20.30', 'is not a valid IPv4 address (3 parts instead of 4)'],
    ['10.020.30.4', 'is not a valid IPv4 address (a part has a leading zero)'],
    ['fe80::1::2', 'is not a valid IPv6 address'],
    ['vpn_koe.example.de', "has '_' in vpn_koe (a host name holds letters, digits, dashes and dots)"],
    ['vpn..example.de', 'has an empty part (a dot at the start or two in a row)'],
    ['-vpn.example.de', 'part -vpn starts or ends with a dash'],
    ['', 'is empty'],
  ])('rejects %s', (host, why) => {
    expect(explainHost(host)).toBe(why);
  });
});

describe('address rules', () => {
  it('invalid-email: a list in one field, and not an address (sorted by position; an added one at the list)', async () => {
    const p = (await loadRepo(GOOD)).project!;
    const site = [...p.sites.values()][0];
    site.supporters[0].email = 'a@example-telco.de, b@example-telco.de';
    site.supporters.push({ name: 'Nobody', email: 'not an address' });
    const out = run(p, 'invalid-email');
    expect(out).toHaveLength(2);
    expect(out[1]).toMatch(/^inventory\/\w+\.yaml:\d+:\d+ site \w+: supporter .*: e-mail "a@example-telco.de, b@example-telco.de" holds 2 addresses .*\[invalid-email\]$/);
    expect(out[0]).toMatch(/supporter Nobody: e-mail "not an address" has a space at position 4 \[invalid-email\]$/);
  });

  it('routing members and leads that are not one address are schema errors at file:line:col of homeshift.yaml', async () => {
    const base = fs.readFileSync(path.join(GOOD, 'homeshift.yaml'), 'utf8');
    const dir = makeRepo({ 'homeshift.yaml': `${base}routing:
  groups:
    central-it:
      members: [it-ops@example-telco.de, "it-a@example-telco.de, it-b@example-telco.de"]
      lead: central it lead
  rules:
    - { class: [auth], to: central-it, reactWithin: 1h }
` });
    const baseLines = base.split('\n').length - 1;
    expect((await loadRepo(dir)).diagnostics.map(formatDiagnostic)).toEqual([
      `homeshift.yaml:${baseLines + 4}:42 routing.groups.central-it.members[1] must be a mail address such as it-ops@example-telco.de [schema]`,
      `homeshift.yaml:${baseLines + 5}:13 routing.groups.central-it.lead must be a mail address such as it-ops@example-telco.de [schema]`,
    ]);
  });

  it('invalid-host: machine host and site vpnGateway', async () => {
    const p = (await loadRepo(GOOD)).project!;
    p.machines[0].host = '10.1.256.1';
    [...p.sites.values()][0].vpnGateway = 'vpn gateway';
    const out = run(p, 'invalid-host');
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(/^inventory\/\w+\.yaml:\d+:\d+ site \w+: vpnGateway vpn gateway has ' ' in vpn gateway .*\[invalid-host\]$/);
    expect(out[1]).toMatch(/^inventory\/\w+\.yaml:\d+:\d+ machine \S+: host 10.1.256.1 is not a valid IPv4 address \(256 is above 255\) \[invalid-host\]$/);
  });

  it('unknown-employee-site and unknown-employee-role point at the cell', async () => {
    const p = (await loadRepo(GOOD)).project!;
    p.employeeList[0].site = 'bonn';
    p.employeeList[1].role = 'teamleiter';
    expect(run(p, 'unknown-employee-site')).toEqual([expect.stringMatching(/^directory\/\S+:\d+:\d+ employee \S+: site bonn is not defined in any inventory file \(known: .*\) \[unknown-employee-site\]$/)]);
    expect(run(p, 'unknown-employee-role')).toEqual([expect.stringMatching(/^directory\/\S+:\d+:\d+ employee \S+: role teamleiter is not a profile \(known: .*\) \[unknown-employee-role\]$/)]);
  });
});
