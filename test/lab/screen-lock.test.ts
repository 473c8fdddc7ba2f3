import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setScreenLock } from '../../src/lab/screen-lock.js';
import { windowsPaths } from '../../src/lab/windows/pwsh-launch.js';
import { readRegistry, registryRows, writeTable } from '../../src/lab/windows/state-files.js';

const POLICY = 'SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System';
let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'hs-screen-lock-'))));
afterEach(async () => rm(dir, { recursive: true, force: true }));

test('Linux: off replaces the homeshift keyfile with one that never locks and recompiles the database; on puts it back', async () => {
  const keyfile = join(dir, 'etc/dconf/db/local.d/00-homeshift-screen-lock');
  await mkdir(join(dir, 'etc/dconf/db/local.d'), { recursive: true });
  const managed = '# Managed by homeshift\n[org/gnome/desktop/session]\nidle-delay=uint32 600\n';
  await writeFile(keyfile, managed);
  await setScreenLock({ id: 'PC', os: 'linux', root: dir }, false);
  expect(await readFile(keyfile, 'utf8')).toContain('lock-enabled=false');
  expect(await readFile(join(dir, 'etc/dconf/db/local'), 'utf8')).toContain('idle-delay=uint32 0');
  await setScreenLock({ id: 'PC', os: 'linux', root: dir }, false); // twice off keeps the first saved state
  await setScreenLock({ id: 'PC', os: 'linux', root: dir }, true);
  expect(await readFile(keyfile, 'utf8')).toBe(managed);
  expect(await readFile(join(dir, 'etc/dconf/db/local'), 'utf8')).toBe(`# simulated GVariant database\n${managed}`);
});

test('Windows: off sets the machine inactivity limit to 0; on restores the value before', async () => {
  await mkdir(windowsPaths(dir).state, { recursive: true });
  await writeTable(join(windowsPaths(dir).state, 'registry-HKLM.tsv'), registryRows({ [POLICY]: { InactivityTimeoutSecs: { type: 'DWord', value: 600 } } }));
  await setScreenLock({ id: 'PC', os: 'windows', root: dir }, false);
  expect((await readRegistry(dir, 'HKLM'))[POLICY].InactivityTimeoutSecs).toEqual({ type: 'DWord', value: 0 });
  await setScreenLock({ id: 'PC', os: 'windows', root: dir }, true);
  expect((await readRegistry(dir, 'HKLM'))[POLICY].InactivityTimeoutSecs).toEqual({ type: 'DWord', value: 600 });
});
