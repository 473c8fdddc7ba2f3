/**
 * Who is logged on to a lab PC, and its restart. `lab logon on|off` leaves or removes .sim/logged-on (the user's
 * name), which the PC's simulated quser.exe (Windows) and loginctl (Linux) report as a session at the console. The
 * simulated shutdown(.exe) leaves .sim/restart-requested; the lab then switches the PC off for a moment and on again
 * (restartPc), which ends its pending reboot (.sim/reboot-pending, left by msiexec's 3010/1641) and is logged in
 * .sim/restarts.log, one line a restart.
 */
import { appendFile, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const LOGGED_ON = join('.sim', 'logged-on');
const RESTART_REQUEST = join('.sim', 'restart-requested');
const REBOOT_PENDING = join('.sim', 'reboot-pending');
export const RESTARTS_LOG = join('.sim', 'restarts.log');

export const QUSER_TOOL = `#!/bin/sh
# homeshift lab: simulated quser.exe - the sessions of users logged on to the PC
if [ -f "$HS_SIM_ROOT/.sim/logged-on" ]; then
  user=$(head -n 1 "$HS_SIM_ROOT/.sim/logged-on")
  echo ' USERNAME              SESSIONNAME        ID  STATE   IDLE TIME  LOGON TIME'
  printf '>%-21s console             1  Active      none   07.12.2026 08:02\\n' "$user"
  exit 0
fi
echo 'No User exists for *' >&2
exit 1
`;

export const WINDOWS_SHUTDOWN_TOOL = `#!/bin/sh
# homeshift lab: simulated shutdown.exe - /r asks the lab to restart the PC
for arg in "$@"; do
  case $arg in /r|-r) : >"$HS_SIM_ROOT/.sim/restart-requested"; exit 0 ;; esac
done
echo 'shutdown.exe: only /r is simulated' >&2
exit 87
`;

// Linux tools find the PC's root from their own path, as the other simulated tools do.
const LINUX_ROOT = `case $0 in
  /*/.sim/bin/*) sim_root=\${0%/.sim/bin/*} ;;
  *) sim_root=$(cd "$(dirname "$0")/../.." && pwd) ;;
esac
`;

export const LOGINCTL_TOOL = `#!/bin/sh
# homeshift lab: simulated loginctl list-sessions - a session at seat0 while a user is logged on
${LINUX_ROOT}[ "\${1-}" = list-sessions ] || { echo "loginctl: only list-sessions is simulated" >&2; exit 1; }
[ ! -f "$sim_root/.sim/logged-on" ] || printf '%5s %5s %-8s %-6s %s\\n' 2 1000 "$(head -n 1 "$sim_root/.sim/logged-on")" seat0 tty2
exit 0
`;

export const LINUX_SHUTDOWN_TOOL = `#!/bin/sh
# homeshift lab: simulated shutdown - -r asks the lab to restart the PC
${LINUX_ROOT}for arg in "$@"; do
  case $arg in -r|--reboot) : >"$sim_root/.sim/restart-requested"; echo "Reboot scheduled"; exit 0 ;; esac
done
echo 'shutdown: only -r is simulated' >&2
exit 1
`;

const exists = (path: string) => stat(path).then(() => true, () => false);

export async function setLoggedOn(root: string, on: boolean, user = 'agent'): Promise<void> {
  if (!on) return rm(join(root, LOGGED_ON), { force: true });
  await mkdir(join(root, '.sim'), { recursive: true });
  await writeFile(join(root, LOGGED_ON), `${user}\n`);
}

/** Whether the PC asked to be restarted since the last call (the request is taken). */
export async function takeRestartRequest(root: string): Promise<boolean> {
  if (!(await exists(join(root, RESTART_REQUEST)))) return false;
  await rm(join(root, RESTART_REQUEST), { force: true });
  return true;
}

/** The PC is up again after a restart: nothing waits for one any more. */
export async function finishRestart(root: string, at = new Date()): Promise<void> {
  await rm(join(root, REBOOT_PENDING), { force: true });
  await appendFile(join(root, RESTARTS_LOG), `${at.toISOString()}\n`);
}
