/**
 * The screen lock of a lab PC changed on the PC side, as a colleague or a local admin would: on a Linux PC the
 * homeshift dconf keyfile is replaced by one that never locks and the database recompiled (as `dconf update`
 * does); on a Windows PC the machine inactivity limit is set to 0. `on` puts back what was there before.
 * Nothing of homeshift's is told: its next check finds the PC out of compliance.
 */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { windowsPaths } from './windows/pwsh-launch.js';
import { readRegistry, readTable, registryRows, writeTable } from './windows/state-files.js';

const KEYFILE = join('etc', 'dconf', 'db', 'local.d', '00-homeshift-screen-lock');
const LINUX_SAVED = join('.sim', 'screen-lock.saved');
const NEVER_LOCKS = `# Changed on this PC: the screen never locks.
[org/gnome/desktop/session]
idle-delay=uint32 0

[org/gnome/desktop/screensaver]
idle-activation-enabled=false
lock-enabled=false
`;
const POLICY_KEY = 'SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System';
const VALUE = 'InactivityTimeoutSecs';

const exists = (path: string) => stat(path).then(() => true, () => false);

export interface LabPc {
  id: string;
  os: 'linux' | 'windows';
  root: string;
}

export async function setScreenLock(pc: LabPc, on: boolean): Promise<void> {
  if (pc.os === 'windows') await setWindowsScreenLock(pc.root, on);
  else await setLinuxScreenLock(pc.root, on);
}

async function setLinuxScreenLock(root: string, on: boolean): Promise<void> {
  const keyfile = join(root, KEYFILE);
  const saved = join(root, LINUX_SAVED);
  if (on) {
    if (await exists(saved)) await rename(saved, keyfile);
    else if ((await readFile(keyfile, 'utf8').catch(() => '')) === NEVER_LOCKS) await rm(keyfile);
  } else {
    const current = await readFile(keyfile, 'utf8').catch(() => null);
    if (current === NEVER_LOCKS) return;
    await mkdir(dirname(saved), { recursive: true });
    if (current !== null) await writeFile(saved, current);
    await mkdir(dirname(keyfile), { recursive: true });
    await writeFile(keyfile, NEVER_LOCKS);
  }
  await compileDconf(root);
}

/** What the lab's dconf update does: each db/NAME.d folder's keyfiles in name order into db/NAME. */
async function compileDconf(root: string): Promise<void> {
  const db = join(root, 'etc', 'dconf', 'db');
  for (const dir of (await readdir(db).catch(() => [] as string[])).filter((n) => n.endsWith('.d')).sort()) {
    const names = (await readdir(join(db, dir))).filter((n) => !n.startsWith('.')).sort();
    const parts: string[] = [];
    for (const n of names) {
      if ((await stat(join(db, dir, n))).isFile()) parts.push(await readFile(join(db, dir, n), 'utf8'));
    }
    await writeFile(join(db, dir.slice(0, -2)), `# simulated GVariant database\n${parts.join('')}`);
  }
}

async function setWindowsScreenLock(pcDir: string, on: boolean): Promise<void> {
  const state = windowsPaths(pcDir).state;
  const saved = join(state, 'screen-lock.saved.tsv');
  const keys = await readRegistry(pcDir, 'HKLM');
  const values = (keys[POLICY_KEY] ??= {});
  if (on) {
    const [row] = await readTable(saved);
    if (row) values[VALUE] = { type: 'DWord', value: Number(row[0]) };
    else if (values[VALUE]?.value === 0) delete values[VALUE];
    await rm(saved, { force: true });
  } else {
    if (values[VALUE]?.value === 0) return;
    if (values[VALUE] !== undefined) await writeTable(saved, [[String(values[VALUE].value)]]);
    values[VALUE] = { type: 'DWord', value: 0 };
  }
  await writeTable(join(state, 'registry-HKLM.tsv'), registryRows(keys));
}
