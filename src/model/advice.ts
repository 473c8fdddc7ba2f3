/**
 * What to do about a failure, in the words a supporter or central IT needs: one short sentence per error class
 * and per common cause. Causes are recognised by their message (as the PC or the transport said it), so the same
 * advice appears in `errors`, `status`, the report and the digests.
 */
import type { ErrorClass } from './result.js';

export interface Advice {
  /** Who usually acts: the supporter at the site, central IT, or whoever keeps the directory. */
  who: 'site' | 'central-it' | 'directory';
  /** One sentence, imperative: what to do before re-running. */
  text: string;
}

interface CauseAdvice { when: RegExp; classes?: readonly ErrorClass[]; os?: 'windows' | 'linux'; advice: Advice }

// First match wins; specific causes before the class-wide defaults below.
const CAUSES: readonly CauseAdvice[] = [
  // the control machine (preflight): what a run needs before any PC is contacted
  { when: /^secret \S+(?:: environment variable .* is not set|: cannot read | is used by a profile but not declared)/, advice: { who: 'central-it', text: 'Secret missing on this control machine: set the environment variable or create the file that homeshift.yaml names under secrets:, then try again.' } },
  { when: /SSH identity file|no SSH identity|is encrypted with a passphrase|SSH_AUTH_SOCK is not set|SSH agent socket/, advice: { who: 'central-it', text: 'The service account\'s key is not usable on this control machine: fix the key file or agent that ssh: in homeshift.yaml names, then try again.' } },
  { when: /known_hosts file .* (?:does not exist|cannot be read)/, advice: { who: 'central-it', text: 'Collect the PCs\' host keys into the known_hosts file (ssh-keyscan), or point ssh.knownHosts in homeshift.yaml at the file that holds them, then try again.' } },
  { when: /HOST KEY MISMATCH/, advice: { who: 'central-it', text: 'Host key changed: confirm with the site that the PC was reinstalled, remove its old line from known_hosts, then re-run.' } },
  { when: /host key .* is revoked/i, advice: { who: 'central-it', text: 'Host key is revoked: the PC must not be trusted; have it reinstalled or replaced before re-running.' } },
  { when: /host key check failed|unknown host key|not in known_hosts|is not in \S*known_hosts/i, advice: { who: 'central-it', text: 'Host key unknown: add the PC\'s key to known_hosts (ssh-keyscan), then re-run.' } },
  { when: /ECONNREFUSED/, os: 'windows', advice: { who: 'central-it', text: 'Windows PC is on but its SSH service does not answer: OpenSSH Server is probably not set up there yet; deploy the script of `homeshift bootstrap windows` once (GPO, Intune or MECM; docs/bootstrap-windows.md), or Start-Service sshd where it is installed, then re-run.' } },
  { when: /ECONNREFUSED/, advice: { who: 'site', text: 'PC is on but its SSH service does not answer: start OpenSSH Server on the PC (Windows: Start-Service sshd), then re-run.' } },
  { when: /ENOTFOUND|EAI_AGAIN/, advice: { who: 'central-it', text: 'PC name does not resolve: check its address in the inventory and DNS, then re-run.' } },
  { when: /EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|no SSH handshake within/, advice: { who: 'site', text: 'PC is off, asleep or not cabled: switch it on and plug in the network cable, then re-run.' } },
  { when: /connection lost|ECONNRESET|EPIPE/, advice: { who: 'site', text: 'Connection dropped while the PC was worked on (network or restart): check the cable and re-run; finished steps are not repeated.' } },
  { when: /authentication failed|accepted none of the offered keys/i, advice: { who: 'central-it', text: 'Service account refused: check it is not locked or expired and that its key is installed on the PC (Windows: administrators_authorized_keys), then re-run.' } },
  { when: /disk not encrypted|disk encryption cannot be switched on/i, advice: { who: 'site', text: 'Disk not encrypted: encrypt it on site (BitLocker or LUKS) before the PC goes home, then re-run.' } },
  { when: /no space left|disk full|not enough space|ENOSPC/i, advice: { who: 'site', text: 'Disk full: free space on the PC\'s system disk, then re-run.' } },
  { when: /mailbox/i, classes: ['step-failed', 'validation'], advice: { who: 'directory', text: 'Mailbox unknown or wrong: correct the employee\'s mailbox in the directory, then re-run.' } },
  // msiexec's exit codes, as the bundle step words them (its message names the code and what it means)
  { when: /another installation is already in progress|msiexec .* exited 1618\b/i, classes: ['step-failed'], advice: { who: 'site', text: 'Windows Installer is busy with another installation (updates or a user\'s setup): let it finish or restart the PC, then re-run.' } },
  { when: /installation package could not be opened|msiexec .* exited 16(?:19|20)\b/i, classes: ['step-failed'], advice: { who: 'central-it', text: 'MSI package missing or unreadable: check that the bundle\'s path exists on the share and that the service account may read it, then re-run.' } },
  { when: /forbidden by system policy|msiexec .* exited 1625\b/i, classes: ['step-failed'], advice: { who: 'central-it', text: 'A policy forbids the installation: allow Windows Installer for the service account (group policy), then re-run.' } },
  { when: /fatal error during installation|msiexec .* exited 1603\b/i, classes: ['step-failed'], advice: { who: 'central-it', text: 'The MSI failed while installing: run it on one PC with msiexec /l*v to find the cause (prerequisite, older version, custom action), fix the package, then re-run.' } },
  { when: /winget|msiexec|install(?:er|ation)? failed|package .* not (?:found|available)/i, classes: ['step-failed'], advice: { who: 'central-it', text: 'Software install failed: check the package source (share or winget) is reachable from the PC, then re-run.' } },
];

const BY_CLASS: Record<ErrorClass, Advice> = {
  validation: { who: 'central-it', text: 'Repository data is wrong: fix what `homeshift validate` reports, then re-run.' },
  unreachable: { who: 'site', text: 'PC not reachable: check that it is switched on and cabled, then re-run.' },
  auth: { who: 'central-it', text: 'Login refused: check the service account and its key on the PC, then re-run.' },
  timeout: { who: 'site', text: 'A step ran past its time limit: check whether the PC is slow or an installer hangs; raise the step\'s timeout if that is normal, then re-run.' },
  'step-failed': { who: 'central-it', text: 'A step\'s own script failed on the PC (the template or the tool it called says why): read its message in `homeshift log MACHINE`, fix the cause, then re-run.' },
  interrupted: { who: 'site', text: 'The run ended before this PC was finished: finish it with `homeshift rollout --resume`.' },
  internal: { who: 'central-it', text: 'homeshift itself failed: keep the machine\'s log file and report it; re-run after the fix.' },
};

/** What to do about a failure of this class with this message (or its normalised cause), on a PC of this OS where known. */
export function adviceFor(errorClass: ErrorClass | string | null, message: string | null, os?: 'windows' | 'linux'): Advice {
  const text = message ?? '';
  for (const cause of CAUSES) {
    if (cause.classes && !(cause.classes as readonly string[]).includes(errorClass ?? '')) continue;
    if (cause.os && cause.os !== os) continue;
    if (cause.when.test(text)) return cause.advice;
  }
  return BY_CLASS[errorClass as ErrorClass] ?? BY_CLASS.internal;
}
