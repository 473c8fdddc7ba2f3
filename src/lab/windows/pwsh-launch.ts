import { join } from 'node:path';
import { decodePowerShellCommand, encodePowerShellCommand } from '../../render/quote.js';

/**
 * How a Windows lab PC starts what it is sent. Win32-OpenSSH hands the command line to cmd.exe; the ssh
 * transport sends `powershell.exe -NoProfile -NonInteractive -EncodedCommand <bootstrap>`. The lab runs that
 * bootstrap in a real pwsh after dot-sourcing the PC's simulated Windows commands; anything else is refused as
 * cmd.exe refuses an unknown program.
 */
const POWERSHELL_RE = /^powershell\.exe -NoProfile -NonInteractive -EncodedCommand ([A-Za-z0-9+/]+={0,2})$/;

export type WindowsCommand = { kind: 'powershell'; bootstrap: string } | { kind: 'refused'; stderr: string; exitCode: number };

export function parseWindowsCommand(command: string): WindowsCommand {
  const match = POWERSHELL_RE.exec(command.trim());
  if (match) return { kind: 'powershell', bootstrap: decodePowerShellCommand(match[1]) };
  const program = /^\s*("([^"]*)"|\S*)/.exec(command)?.[2] ?? /^\s*(\S*)/.exec(command)?.[1] ?? '';
  return {
    kind: 'refused',
    stderr: `'${program}' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n`,
    exitCode: 1,
  };
}

/** Where a Windows lab PC keeps things, relative to its folder. */
export function windowsPaths(pcDir: string) {
  const drive = join(pcDir, 'C');
  return {
    drive, // the PC's C:\ (HS_ROOT of its machine plan)
    temp: join(drive, 'Windows', 'Temp'),
    programData: join(drive, 'ProgramData'),
    users: join(drive, 'Users'),
    sim: join(pcDir, '.sim'),
    bin: join(pcDir, '.sim', 'bin'),
    script: join(pcDir, '.sim', 'lab', 'sim-windows.ps1'),
    state: join(pcDir, '.sim', 'state'),
    fail: join(pcDir, '.sim', 'fail'),
    home: join(pcDir, '.sim', 'home'),
  };
}

/** The pwsh argv for one accepted command: load the simulation, then run the bootstrap as sent. */
export function pwshArgv(pwsh: string, bootstrap: string): [string, ...string[]] {
  const wrapper = `. (Join-Path $env:HS_SIM_ROOT '.sim/lab/sim-windows.ps1')\n${bootstrap}`;
  return [pwsh, '-NoProfile', '-NonInteractive', '-EncodedCommand', encodePowerShellCommand(wrapper)];
}

/**
 * The environment of pwsh on a Windows lab PC: Windows' variables pointing into the PC's folder. `shares` is the
 * folder that stands for the file servers (\\server\share\... is <shares>/server/share/...).
 */
export function windowsEnv(pcDir: string, machineId: string, fromClient: Record<string, string>, shares = join(pcDir, '.sim', 'shares')): Record<string, string> {
  const p = windowsPaths(pcDir);
  return {
    LANG: 'C.UTF-8',
    ...fromClient,
    PATH: `${p.bin}:/usr/bin:/bin`,
    HOME: p.home,
    HS_SIM_ROOT: pcDir,
    HS_SIM_SHARES: shares,
    HS_SIM_OEMCP: '850', // the console code page of a German Windows, which its native tools write
    SystemDrive: 'C:',
    SystemRoot: join(p.drive, 'Windows'),
    windir: join(p.drive, 'Windows'),
    ProgramData: p.programData,
    ALLUSERSPROFILE: p.programData,
    COMPUTERNAME: machineId,
    USERNAME: 'homeshift',
    TEMP: p.temp,
    TMP: p.temp,
    TMPDIR: p.temp,
    POWERSHELL_TELEMETRY_OPTOUT: '1',
    POWERSHELL_UPDATECHECK: 'Off',
    DOTNET_CLI_TELEMETRY_OPTOUT: '1',
    DOTNET_EnableDiagnostics: '0', // no debugger pipes in the PC's temp folder
  };
}
