import fs from 'node:fs';
import path from 'node:path';
import { complianceIntervals } from '../../src/plan/compliance-every.js';
import { GOOD, lines, loadRepo, makeRepo, removeRepos } from './helpers.js';

afterAll(removeRepos);

const teamLead = fs.readFileSync(path.join(GOOD, 'profiles', 'team-lead.yaml'), 'utf8');

test('compliance.every: a duration, inherited through extends (the nearest profile that sets it wins)', async () => {
  const dir = makeRepo({
    'profiles/team-lead.yaml': `${teamLead.trimEnd()}\ncompliance:\n  every: 12h\n`,
    'profiles/home-office-base.yaml': `${fs.readFileSync(path.join(GOOD, '..', 'shipped', 'profiles', 'home-office-base.yaml'), 'utf8').trimEnd()}\ncompliance:\n  every: 1d\n`,
  });
  const result = await loadRepo(dir);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const every = complianceIntervals(result.project!);
  expect(every.get('team-lead')).toBe(12 * 3_600_000);
  expect(every.get('hotline-agent')).toBe(24 * 3_600_000);
  expect(every.get('home-office-base')).toBe(24 * 3_600_000);
});

test('compliance.every that is no duration is an error at its place in the file', async () => {
  const dir = makeRepo({ 'profiles/team-lead.yaml': `${teamLead.trimEnd()}\ncompliance:\n  every: daily\n` });
  const at = teamLead.trimEnd().split('\n').length + 2;
  expect(lines(await loadRepo(dir))).toContain(`profiles/team-lead.yaml:${at}:10 compliance.every must be a duration such as 24h, 12h or 1d12h [schema]`);
});
