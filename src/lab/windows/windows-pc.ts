import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { QUSER_TOOL, WINDOWS_SHUTDOWN_TOOL } from '../session-tools.js';
import { join } from 'node:path';
import { windowsPaths } from './pwsh-launch.js';
import { SIM_WINDOWS_PS1 } from './sim-windows.js';
import { bitlockerRows, registryRows, writeTable, type RegValue } from './state-files.js';
import { EXE_INSTALLER_TOOL, INSTALLER_LIB, MSIEXEC_TOOL, UNINSTALLER_TOOL } from './installer-tools.js';
import { WINGET_TOOL } from './winget-tool.js';
import { ICACLS_TOOL } from './sim-openssh.js';

const value = (name: string, type: string, v: string | number): Record<string, RegValue> => ({ [name]: { type, value: v } });

/** The registry a fresh Windows 10 PC of a service center starts with, as far as the templates look. */
function baseHklm(): Record<string, Record<string, RegValue>> {
  return {
    SOFTWARE: {},
    'SOFTWARE\\Microsoft': {},
    'SOFTWARE\\Microsoft\\Windows': {},
    'SOFTWARE\\Microsoft\\Windows\\CurrentVersion': value('ProgramFilesDir', 'String', 'C:\\Program Files'),
    'SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies': {},
    'SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System': value('EnableLUA', 'DWord', 1),
    'SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall': {},
    'SOFTWARE\\Microsoft\\Office': {},
    'SOFTWARE\\Microsoft\\Office\\16.0': {},
    'SOFTWARE\\Microsoft\\Office\\16.0\\Outlook': {},
    'SOFTWARE\\Microsoft\\Office\\16.0\\Outlook\\Setup': value('FirstRun', 'DWord', 1),
  };
}

function baseHkcu(): Record<string, Record<string, RegValue>> {
  return { Software: {}, 'Software\\Microsoft': {}, 'Software\\Microsoft\\Office': {}, 'Software\\Microsoft\\Office\\16.0': {} };
}

/** Builds a Windows lab PC under pcDir: its C:\ (C/), the simulated commands and their state (.sim/). */
export async function installWindowsPc(pcDir: string, opts: { user?: string } = {}): Promise<void> {
  const p = windowsPaths(pcDir);
  const user = opts.user ?? 'agent';
  for (const dir of [p.temp, p.programData, join(p.users, user, 'Documents'), join(p.drive, 'Program Files'), p.bin, join(p.sim, 'lab'), p.state, p.fail, p.home]) {
    await mkdir(dir, { recursive: true });
  }
  for (const [name, text] of [['winget', WINGET_TOOL], ['msiexec.exe', MSIEXEC_TOOL], ['exe-installer', EXE_INSTALLER_TOOL], ['uninstaller', UNINSTALLER_TOOL], ['icacls.exe', ICACLS_TOOL], ['quser.exe', QUSER_TOOL], ['shutdown.exe', WINDOWS_SHUTDOWN_TOOL]] as const) {
    await writeFile(join(p.bin, name), text);
    await chmod(join(p.bin, name), 0o755);
  }
  await writeFile(join(p.sim, 'lab', 'installer.sh'), INSTALLER_LIB);
  await writeFile(p.script, SIM_WINDOWS_PS1);
  await writeTable(join(p.state, 'bitlocker.tsv'), bitlockerRows(true));
  await writeTable(join(p.state, 'registry-HKLM.tsv'), registryRows(baseHklm()));
  await writeTable(join(p.state, 'registry-HKCU.tsv'), registryRows(baseHkcu()));
}
