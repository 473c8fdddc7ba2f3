import { escalationTarget, groupOfCase } from '../../src/cases/escalation-target.js';
import { createRecipientResolver } from '../../src/cases/recipients.js';
import { deliveryState, planDigests, rerunCommand, type NotifyCase } from '../../src/cases/digests.js';
import type { OpenCaseView } from '../../src/journal/index.js';
import type { Routing } from '../../src/model/index.js';

const pos = { file: 'homeshift.yaml', line: 1, col: 1 };
const routing: Routing = {
  groups: { 'central-it': { members: ['it-ops@example.com'], lead: 'it-lead@example.com' }, 'directory-team': { members: ['hr@example.com'], lead: null } },
  rules: [
    { classes: ['auth'], cause: null, site: null, to: 'central-it', reactWithin: '1h', reactWithinMs: 3_600_000, pos },
    { classes: null, cause: 'step-failed:mailbox:*', site: null, to: 'directory-team', reactWithin: '1d', reactWithinMs: 86_400_000, pos },
  ],
};
const supporters = (site: string) => (site === 'bruehl' ? [{ name: 'Anna Berg', email: 'anna@example.com' }, { name: 'Ben Kurz', email: 'ben@example.com' }] : [{ name: 'Cem Aydin', email: 'cem@example.com' }]);

describe('escalation targets', () => {
  it('goes to the group lead, else the site\'s second supporter, else nobody', () => {
    expect(groupOfCase(routing, { errorClass: 'auth', fingerprint: 'auth:1', site: 'bruehl' })).toBe('central-it');
    expect(escalationTarget(routing, supporters, { errorClass: 'auth', fingerprint: 'auth:1', site: 'bruehl' })).toBe('it-lead@example.com');
    expect(escalationTarget(routing, supporters, { errorClass: 'step-failed', fingerprint: 'step-failed:mailbox:2', site: 'bruehl' })).toBe('Ben Kurz <ben@example.com>');
    expect(escalationTarget(routing, supporters, { errorClass: 'unreachable', fingerprint: 'unreachable:3', site: 'bruehl' })).toBe('Ben Kurz <ben@example.com>');
    expect(escalationTarget(undefined, supporters, { errorClass: 'unreachable', fingerprint: 'unreachable:3', site: 'koeln' })).toBeNull();
  });
});

describe('digest planning', () => {
  const view = (machine: string, owner: string, fingerprint: string): OpenCaseView =>
    ({ machine, site: 'bruehl', errorClass: 'auth', message: 'authentication failed', fingerprint, cause: 'authentication failed', owner, ageMs: 1, age: '1s', dueAt: null, overdue: false, attempts: 1, firstFailed: '2026-11-20T08:00:00.000Z' }) as OpenCaseView;
  const recipientOf = createRecipientResolver([{ name: 'Anna "A", Bcc: x@evil.example\r\n', email: 'Anna@Example.com' }]);

  it('resolves supporters by their exact case name and refuses what is no plain address', () => {
    expect(recipientOf('Anna "A", Bcc: x@evil.example\r\n <Anna@Example.com>')).toEqual({ address: 'anna@example.com', name: 'Anna "A", Bcc: x@evil.example' });
    expect(recipientOf('it-ops@example.com')).toEqual({ address: 'it-ops@example.com', name: null });
    expect(recipientOf('Mallory <m@example.com>, x@evil.example')).toBeNull();
  });

  it('leaves out cases already reported in their state and sends again when the owner changes', () => {
    const a: NotifyCase = { view: view('BRU-D0001', 'it-ops@example.com', 'auth:1'), group: 'central-it', escalatedTo: null };
    const b: NotifyCase = { view: view('BRU-D0002', 'it-ops@example.com', 'auth:1'), group: 'central-it', escalatedTo: 'it-lead@example.com' };
    const first = planDigests([a, b], [], recipientOf);
    expect(first.digests.map((d) => [d.kind, d.to.address, d.cases.map((c) => c.view.machine)])).toEqual([
      ['escalation', 'it-lead@example.com', ['BRU-D0002']],
      ['owner', 'it-ops@example.com', ['BRU-D0001', 'BRU-D0002']],
    ]);
    const delivered = first.digests.flatMap((d) => d.cases.map((c) => ({ recipient: d.to.address, digest: d.kind, machine: c.view.machine, state: deliveryState(c), deliveredAt: 'x' })));
    expect(planDigests([a, b], delivered, recipientOf).digests).toEqual([]);
    const moved: NotifyCase = { ...a, view: { ...a.view, owner: 'hr@example.com' } };
    const next = planDigests([moved, b], delivered, recipientOf);
    expect(next.digests.map((d) => [d.to.address, d.cases.map((c) => c.view.machine), d.reportedBefore])).toEqual([['hr@example.com', ['BRU-D0001'], 0]]);
  });

  it('quotes a fingerprint for the shell only when it needs it', () => {
    expect(rerunCommand('auth:e5af1381')).toBe('homeshift rerun --cause auth:e5af1381');
    expect(rerunCommand("step-failed:it's")).toBe("homeshift rerun --cause 'step-failed:it'\\''s'");
  });
});
