import type { InitAnswers } from './answers.js';

/** README.md of the new rollout repository: what is where, and the next steps. */
export function renderReadme(a: InitAnswers, shadowed: string[]): string {
  const sites = a.sites.map((s) => `- \`${s.id}\` — ${s.name} (VPN gateway ${s.vpnGateway}): \`inventory/${s.id}.yaml\``).join('\n');
  const roles = a.roles.length > 0 ? a.roles.map((r) => `\`${r}\``).join(', ') : 'none chosen yet';
  const shadowNote = shadowed.length > 0
    ? `\n\`profiles/\` holds local copies of ${shadowed.map((s) => `\`${s}\``).join(', ')} with mailboxes in ${a.domains[0]}; a profile there replaces the shipped one of the same name.\n`
    : '';
  return `# ${a.name}

Rollout repository for homeshift: the desktop PCs of ${a.sites.length === 1 ? 'one service center' : `${a.sites.length} service centers`}, the employees who
work on them, and how each PC is personalised for home office.

## What is where

- \`homeshift.yaml\` — mail domains (${a.domains.join(', ')}), secrets by name, SSH settings (user \`${a.sshUser}\`, host keys \`${a.hostKeyPolicy}\`).
${sites}
- \`directory/employees.csv\` — the employees: \`id,firstName,lastName,mailbox,site,role\`.
- Roles for the PCs: ${roles} (shipped profiles; run \`homeshift plan --machine ID\` to see what a role gets).
${shadowNote}
## Next steps

1. Fill the inventory from an asset-management export:
   \`homeshift inventory import assets.csv --map "Asset Tag=id" --map Hostname=host\`
   (or add one line per PC under \`machines:\` by hand).
2. Export the employee directory to \`directory/employees.csv\`.
3. Provide the secrets: \`export HOMESHIFT_VPN_PSK=...\` and the enrolment token in \`secrets/enrolment.token\`
   (\`secrets/\` is ignored by git).
4. ${a.hostKeyPolicy === 'strict' ? 'Collect the PCs\' host keys into `known_hosts` (e.g. `ssh-keyscan -f hosts.txt > known_hosts`).' : 'Check the host key policy in `homeshift.yaml` before the first rollout.'}
5. Check everything without touching a PC: \`homeshift validate\` and \`homeshift plan --limit site=${a.sites[0]?.id ?? 'SITE'}\`.
6. Roll out in waves: \`homeshift rollout --limit site=${a.sites[0]?.id ?? 'SITE'} --waves 1,10%,100% --max-failures 5%\`.
7. Follow up: \`homeshift status\`, \`homeshift errors --group\`, \`homeshift rerun --failed\`.

## Your own installers

Software that winget does not have goes into \`bundles/*.yaml\` as an MSI or EXE package. A PC reached by an SSH key
has no network credentials, so it cannot read \`\\\\fileserver\\software\` by itself: give each installer a source
and its SHA-256, and the PC fetches it into its package cache and checks it before anything runs:

\`\`\`yaml
msi:
  source: { url: "https://software.${a.domains[0] ?? 'example.com'}/crm/app.msi" }   # or { push: files/app.msi }, or
  sha256: "…"                                             # { unc: '\\\\server\\share\\app.msi', credential: SECRET }
  productCode: "{…}"
\`\`\`

\`homeshift bundle hash\` fills in the hashes of the files this machine can reach; \`homeshift bundle hash --check\`
compares them (for CI).

The journal lives in \`.homeshift/\` (ignored by git).
`;
}
