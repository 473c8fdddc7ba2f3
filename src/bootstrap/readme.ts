import { BOOTSTRAP_SCRIPT_NAME, HOST_KEY_FILE_SUFFIX, type WindowsBootstrapOptions } from './windows-script.js';

/** The how-to written next to the day-zero script. */
export function bootstrapReadme(opts: WindowsBootstrapOptions): string {
  const collect = opts.collect ?? '<a share the PCs may write to>';
  return `# OpenSSH Server for homeshift: day zero on Windows PCs

\`${BOOTSTRAP_SCRIPT_NAME}\` makes a Windows 10/11 PC reachable by homeshift. Run it once on every PC, as SYSTEM or
an administrator, with Windows PowerShell 5.1:

- Group Policy: Computer Configuration > Policies > Windows Settings > Scripts > Startup > PowerShell Scripts.
- Intune: Devices > Scripts and remediations > Platform scripts (run as system, 64-bit PowerShell).
- MECM: a package or script running \`powershell.exe -NoProfile -ExecutionPolicy Bypass -File ${BOOTSTRAP_SCRIPT_NAME}\`.

What it does (safe to run again):

1. ${opts.msi ? `installs OpenSSH Server from \`${opts.msi}\` (msiexec), unless the sshd service exists` : 'adds the Windows capability OpenSSH.Server~~~~0.0.1.0 (needs Windows Update or a WSUS/feature-on-demand source; for PCs without one, write the script with `--msi PATH`)'};
2. sets the sshd service to start automatically and starts it (its first start writes the host keys);
3. writes ${opts.keys.length} public key(s) of the control machines to \`%ProgramData%\\ssh\\administrators_authorized_keys\`
   and gives that file the ACL sshd demands (Administrators and SYSTEM full control, no inheritance: icacls);
4. replaces the OpenSSH firewall rule that admits every address by one for port 22 from ${opts.allowFrom.join(', ')} only;
5. writes the PC's host key line \`<computer name> <key type> <key>\` to \`${collect}\\<computer name>${HOST_KEY_FILE_SUFFIX}\`
   (the computer account needs write access there: a share with "Domain Computers: write") and prints it.

homeshift's service account is a member of the local Administrators group (domain group via GPO
"Restricted Groups" or Intune "Local user group membership"): its key is the one in administrators_authorized_keys.

Then, on the control machine:

\`\`\`
homeshift known-hosts import '${collect}'    # every collected line into ssh.knownHosts
homeshift preflight                            # strict host-key checking holds from the first contact
\`\`\`

Parameters override what was written into the script: \`-AuthorizedKeys\`, \`-AllowFrom\`, \`-CollectPath\`, \`-MsiPath\`.
`;
}
