import fs from 'node:fs';
import path from 'node:path';
import { GOOD, lines, loadRepo, makeRepo, removeRepos } from './helpers.js';

const BASE = fs.readFileSync(path.join(GOOD, 'homeshift.yaml'), 'utf8');
const withRouting = (routing: string) => makeRepo({ 'homeshift.yaml': `${BASE}${routing}` });
const line = (text: string) => BASE.split('\n').length - 1 + text.split('\n').findIndex((l) => l.includes('@here')) + 1;

afterAll(removeRepos);

describe('routing in homeshift.yaml', () => {
  it('loads groups and rules in order, with reaction times', async () => {
    const result = await loadRepo(withRouting(`routing:
  groups:
    central-it: { members: [it-ops@example-telco.de], lead: it-lead@example-telco.de }
    directory-team: { members: [hr-data@example-telco.de] }
  rules:
    - { class: [auth], to: central-it, reactWithin: 1h }
    - { cause: "step-failed:mailbox:*", to: directory-team, reactWithin: 1d }
    - { class: unreachable, site: bruehl, to: site-supporters, reactWithin: 1d12h }
`));
    expect(lines(result)).toEqual([]);
    const routing = result.project!.config.routing!;
    expect(routing.groups['central-it']).toEqual({ members: ['it-ops@example-telco.de'], lead: 'it-lead@example-telco.de' });
    expect(routing.groups['directory-team'].lead).toBeNull();
    expect(routing.rules.map((r) => [r.classes, r.cause, r.site, r.to, r.reactWithinMs])).toEqual([
      [['auth'], null, null, 'central-it', 3_600_000],
      [null, 'step-failed:mailbox:*', null, 'directory-team', 86_400_000],
      [['unreachable'], null, 'bruehl', 'site-supporters', 36 * 3_600_000],
    ]);
  });

  it('without routing, every case goes to the site supporters: no rules, no groups', async () => {
    const result = await loadRepo(makeRepo());
    expect(result.project!.config.routing).toEqual({ groups: {}, rules: [] });
  });

  it('names an unknown group and a bad duration at their place', async () => {
    const text = `routing:
  groups:
    central-it: { members: [it-ops@example-telco.de] }
  rules:
    - class: [auth]
      to: central-itt # @here
      reactWithin: 1h
    - class: [timeout]
      to: central-it
      reactWithin: soon
`;
    const result = await loadRepo(withRouting(text));
    const to = line(text);
    expect(lines(result)).toEqual([
      `homeshift.yaml:${to}:11 routing.rules[0]: to: no group central-itt (known: site-supporters, central-it) [routing]`,
      `homeshift.yaml:${to + 4}:20 routing.rules[1]: reactWithin "soon" is not a duration (examples: 1h, 4h, 1d, 1d12h) [routing]`,
    ]);
  });

  it('finds rules that can never match: shadowed by an earlier one, a cause of another class, a site the inventory lacks', async () => {
    const text = `routing:
  rules:
    - { class: [auth, unreachable], to: site-supporters, reactWithin: 1h }
    - { class: [auth], site: bruehl, to: site-supporters, reactWithin: 4h }
    - { class: [auth], cause: "step-failed:*", to: site-supporters, reactWithin: 4h }
    - { cause: "step-failed:mailbox:*", to: site-supporters, reactWithin: 4h }
    - { cause: "step-failed:mailbox:ab12cd34", to: site-supporters, reactWithin: 4h }
    - { site: atlantis, to: site-supporters, reactWithin: 4h }
    - { to: site-supporters, reactWithin: 1d }
    - { class: [timeout], to: site-supporters, reactWithin: 1d }
`;
    const result = await loadRepo(withRouting(text));
    const first = BASE.split('\n').length - 1 + 3;
    expect(lines(result)).toEqual([
      `homeshift.yaml:${first + 1}:7 routing.rules[1] can never match: routing.rules[0] above it takes every case it would [routing]`,
      `homeshift.yaml:${first + 2}:31 routing.rules[2] can never match: cause step-failed:* starts with a class not in class: [auth] [routing]`,
      `homeshift.yaml:${first + 4}:7 routing.rules[4] can never match: routing.rules[3] above it takes every case it would [routing]`,
      `homeshift.yaml:${first + 7}:7 routing.rules[7] can never match: routing.rules[6] above it takes every case it would [routing]`,
      `homeshift.yaml:${first + 5}:7 routing.rules[5] can never match: no site atlantis in the inventory [routing]`,
    ]);
  });

  it('rejects a member that is not a mail address through the schema', async () => {
    const result = await loadRepo(withRouting(`routing:
  groups:
    central-it: { members: ["Eve <eve@example-telco.de>\\r\\nBcc: all@example-telco.de"] }
`));
    expect(lines(result).join('\n')).toMatch(/^homeshift\.yaml:\d+:\d+ routing\.groups\.central-it\.members\[0\] must be a mail address/);
  });
});
