import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { parse as parseYaml } from 'yaml';
import { findPackageRoot } from '../../config/package-root.js';
import { FaultSpecError, type AssignedFault } from '../faults.js';
import { windowsPaths } from './pwsh-launch.js';
import { bitlockerRows, writeTable } from './state-files.js';

/**
 * Faults of a Windows lab PC, all through the simulated Windows commands the steps call: a fail-<step> fault
 * breaks the command that step's apply (or check) relies on, disk-full makes winget installs fail, unencrypted
 * turns BitLocker protection off, installer-busy makes msiexec answer 1618 and winget installs and uninstalls fail;
 * denied-cp850 makes winget refuse on its error stream in the OEM code page (cp850), denied-clixml as a nested
 * PowerShell's CLIXML.
 * Healing undoes exactly that.
 */

interface CommandRule {
  command: string; // simulated command, or 'registry' for a write below `key`
  key?: string;
  path?: string; // wildcard on the file path (with /)
  message: string;
}

// message: winget's output lines (ASCII); stderr: the bytes it writes to its error stream, as a German PC has them
interface WingetFail { file: string; code: number; message: string; stderr?: Buffer }

type WindowsFault =
  | { rules: CommandRule[] }
  | { wingetFail: WingetFail[] }
  | { plant: { file: string; text: string } }
  | { bitlocker: 'off' };

const OUTLOOK_SETUP = 'HKLM:\\SOFTWARE\\Microsoft\\Office\\16.0\\Outlook\\Setup';
const SCREEN_LOCK_POLICY = 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System';
const DISK_FULL = { code: 112, message: 'There is not enough space on the disk. (0x80070070)' };
// another installation holds Windows Installer's mutex: msiexec answers 1618, winget fails with the installer's code
const INSTALLER_BUSY = [
  { file: 'winget_install', code: 1618 & 0xff, message: 'Installer failed with exit code: 1618 (another installation is already in progress)' },
  { file: 'winget_uninstall', code: 1618 & 0xff, message: 'Uninstall failed with exit code: 1618 (another installation is already in progress)' },
  { file: 'msiexec', code: 1618, message: 'Another installation is already in progress.' },
];

const DENIED = 'Zugriff verweigert für C:\\ProgramData\\Package Cache';
const CLIXML_NS = 'http://schemas.microsoft.com/powershell/2004/04';
// A nested Windows PowerShell's error stream as it reaches its caller: a progress record, the error (its line end
// escaped, its text in the console's code page), then a line of the batch file that ran it.
const DENIED_CLIXML = '#< CLIXML\r\n' +
  `<Objs Version="1.1.0.1" xmlns="${CLIXML_NS}"><Obj S="progress" RefId="0"><TN RefId="0"><T>System.Management.Automation.PSCustomObject</T>` +
  '<T>System.Object</T></TN><MS><I64 N="SourceId">1</I64><PR N="Record"><AV>Preparing modules for first use.</AV><AI>0</AI><Nil />' +
  '<PI>-1</PI><PC>-1</PC><T>Completed</T><SR>-1</SR><SD> </SD></PR></MS></Obj>' +
  `<S S="Error">${DENIED}_x000D__x000A_</S></Objs>\r\nwinget-wrapper: Fehler 5\r\n`;

/** A native tool's words in a German Windows' OEM code page. */
const oem = (text: string): Buffer => iconv.encode(text, 'cp850');

/** The steps a Windows lab PC can be made to fail, as fail-<step>: every step the shipped profiles plan. */
export function windowsFailSteps(): string[] {
  return ['vpn', 'mailbox', 'check:disk-encryption', 'check:screen-lock', 'check:customer-data', 'step:enrol-mdm', ...Object.keys(shippedBundles()).map((b) => `bundle:${b}`)];
}

function describe(fault: AssignedFault, context: { mailbox?: string; user: string }): WindowsFault | null {
  if (fault.kind === 'disk-full') return { wingetFail: [{ file: 'winget_install', ...DISK_FULL }] };
  if (fault.kind === 'unencrypted') return { bitlocker: 'off' };
  if (fault.kind === 'installer-busy') return { wingetFail: INSTALLER_BUSY };
  if (fault.kind === 'denied-cp850') return { wingetFail: [{ file: 'winget_install', code: 5, message: '', stderr: oem(`${DENIED}\r\n`) }] };
  if (fault.kind === 'denied-clixml') return { wingetFail: [{ file: 'winget_install', code: 5, message: '', stderr: oem(DENIED_CLIXML) }] };
  if (!fault.kind.startsWith('fail-')) return null;
  const step = fault.kind.slice('fail-'.length);
  const message = `${step}: simulated failure`;
  if (step === 'vpn') return { rules: ['Add-VpnConnection', 'Set-VpnConnection'].map((command) => ({ command, message })) };
  if (step === 'mailbox') return { rules: [{ command: 'registry', key: OUTLOOK_SETUP, message: `mailbox not found for ${context.mailbox ?? 'unknown mailbox'}` }] };
  if (step === 'check:screen-lock') return { rules: [{ command: 'registry', key: SCREEN_LOCK_POLICY, message }] };
  if (step === 'check:disk-encryption') return { rules: [{ command: 'Get-BitLockerVolume', message }] };
  if (step === 'step:enrol-mdm') return { rules: [{ command: 'Set-Content', path: '*/ProgramData/homeshift/mdm-enrolled', message }] };
  if (step === 'check:customer-data') return { plant: { file: join('Users', context.user, 'Documents', 'kunden-export-2024.csv'), text: 'Kundennummer;Name\n4711;Erika Mustermann\n' } };
  if (step.startsWith('bundle:')) {
    const ids = shippedBundles()[step.slice('bundle:'.length)];
    if (ids) return { wingetFail: ids.map((id) => ({ file: `winget_install_${id}`, code: 1, message })) };
  }
  throw new FaultSpecError(`fault fail-${step}: a Windows lab PC simulates failures of ${windowsFailSteps().join(', ')}`);
}

/** Check that every fault a Windows PC would carry can be simulated (throws naming the ones that cannot). */
export function checkWindowsFault(fault: AssignedFault): void {
  describe(fault, { user: 'agent' });
}

export async function applyWindowsFault(pcDir: string, fault: AssignedFault, context: { mailbox?: string; user: string }): Promise<void> {
  const p = windowsPaths(pcDir);
  const what = describe(fault, context);
  if (!what) return;
  await mkdir(p.fail, { recursive: true });
  if ('rules' in what) await writeTable(join(p.fail, 'commands.tsv'), what.rules.map((r) => [r.command, r.key ?? '', r.path ?? '', r.message]));
  if ('wingetFail' in what) {
    for (const f of what.wingetFail) {
      await writeFile(join(p.fail, f.file), f.message ? `${f.code}\n${f.message}\n` : `${f.code}\n`);
      if (f.stderr) await writeFile(join(p.fail, `${f.file}.err`), f.stderr);
    }
  }
  if ('plant' in what) {
    const file = join(p.drive, what.plant.file);
    await mkdir(join(file, '..'), { recursive: true });
    await writeFile(file, what.plant.text);
  }
  if ('bitlocker' in what) await writeTable(join(p.state, 'bitlocker.tsv'), bitlockerRows(false));
}

export async function healWindowsFault(pcDir: string, fault: AssignedFault, context: { user: string }): Promise<void> {
  const p = windowsPaths(pcDir);
  const what = describe(fault, context);
  if (!what) return;
  if ('rules' in what) await rm(join(p.fail, 'commands.tsv'), { force: true });
  if ('wingetFail' in what) for (const f of what.wingetFail) for (const name of [f.file, `${f.file}.err`]) await rm(join(p.fail, name), { force: true });
  if ('plant' in what) await rm(join(p.drive, what.plant.file), { force: true });
  if ('bitlocker' in what) await writeTable(join(p.state, 'bitlocker.tsv'), bitlockerRows(true));
}

let bundles: Record<string, string[]> | null = null;

/** bundle name -> winget ids, from the shipped profiles/bundles (the lab's repository uses the shipped profiles). */
function shippedBundles(): Record<string, string[]> {
  if (bundles) return bundles;
  const dir = join(findPackageRoot(), 'profiles', 'bundles');
  const found: Record<string, string[]> = {};
  for (const name of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n)).sort()) {
    const doc = parseYaml(readFileSync(join(dir, name), 'utf8')) as { bundles?: { name: string; packages?: { windows?: { wingetId?: string } }[] }[] } | null;
    for (const b of doc?.bundles ?? []) found[b.name] = (b.packages ?? []).map((pkg) => pkg.windows?.wingetId).filter((id): id is string => typeof id === 'string');
  }
  return (bundles = found);
}
