import { CauseError, resolveCause } from '../../src/journal/queries.js';

const open = ['step-failed:mailbox:3f2a9c1b', 'unreachable:connect:0a1b2c3d', 'unreachable:handshake:9e8d7c6b'];

test('a whole fingerprint, a unique prefix or the hash names one cause', () => {
  expect(resolveCause(open, 'unreachable:handshake:9e8d7c6b')).toBe('unreachable:handshake:9e8d7c6b');
  expect(resolveCause(open, 'step-failed')).toBe('step-failed:mailbox:3f2a9c1b');
  expect(resolveCause(open, '0a1b2c3d')).toBe('unreachable:connect:0a1b2c3d');
});

test('an ambiguous prefix lists its matches', () => {
  expect(() => resolveCause(open, 'unreachable')).toThrow(CauseError);
  expect(() => resolveCause(open, 'unreachable')).toThrow(
    '--cause unreachable matches 2 causes; name one of them:\n  unreachable:connect:0a1b2c3d\n  unreachable:handshake:9e8d7c6b',
  );
});

test('an unknown cause suggests the nearest open ones', () => {
  expect(() => resolveCause(open, 'step-faild')).toThrow(/no open case has this cause; did you mean step-failed:mailbox:3f2a9c1b, /);
  expect(() => resolveCause([], 'deadbeef')).toThrow(/no open case has this cause \(there are no open cases\)/);
});
