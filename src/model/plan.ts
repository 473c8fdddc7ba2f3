import type { CheckSettings, Os, VpnSettings } from './project.js';

/** Where a template put a secret: the placeholder SECRET_PLACEHOLDER(name) starts at offset `at` of the content. */
export interface SecretRef {
  name: string;
  at: number; // UTF-16 offset into PlannedFile.content
}

/**
 * A file a step writes: content rendered by the template engine; secrets stay as placeholders until run time.
 * Only the placeholders listed in `secrets` are filled: the same text coming from a value stays as it is.
 */
export interface PlannedFile {
  path: string; // relative to the machine's root, forward slashes (e.g. etc/NetworkManager/system-connections/homeshift.nmconnection)
  content: string; // may contain secret placeholders: see SECRET_PLACEHOLDER
  mode: string; // octal, e.g. "0600"; ignored on windows
  secrets?: SecretRef[]; // present only when a template asked for a secret, in content order
}

/**
 * One idempotent unit on one machine. Its code is a script template (functions hs_check, hs_apply,
 * hs_verify in sh; Test-HsState, Invoke-HsApply, Test-HsVerify in PowerShell) that never sees a
 * value spliced into it: values arrive as `vars` through a quoted prelude.
 */
export interface PlannedStep {
  id: string; // unique within the machine: check:disk-encryption, vpn, bundle:softphone, mailbox, step:enrol-mdm
  title: string;
  script: string; // template name, e.g. linux/vpn.sh; its text is in Plan.scripts
  vars: Record<string, string>; // names as the script sees them, e.g. HS_VPN_GATEWAY
  files: PlannedFile[];
  secrets: string[]; // secret names the step needs at run time
  checkOnly: boolean; // a check that can only report (disk encryption): its apply fails with a message
  timeout: number; // seconds
  disturbs?: true; // disturbs the colleague at the PC (an install that needs a restart, the restart): waits for the site's window of time
}

export interface MachinePlan {
  machine: { id: string; host: string; port: number; os: Os; site: string; role: string; retire?: true }; // retire: only removal steps
  ssh: { user: string; identityFile?: string; agent: boolean; hostKeyPolicy: 'strict' | 'accept-new' | 'off'; knownHosts?: string; connectTimeout: number; machineTimeout: number; startTimeout?: number };
  employee: { id: string; name: string; mailbox: string };
  profile: { name: string; chain: string[] }; // chain: base first, e.g. [home-office-base, hotline-agent]
  mailbox: { personal: string | null; shared: string[]; client: string };
  vpn: (VpnSettings & { gateway: string; identity: string }) | null;
  bundles: { name: string; version: string; packages: { name: string; version: string }[] }[];
  checks: CheckSettings;
  root: string; // "/" (linux) or "C:\\" (windows) on real PCs; a folder per PC in the lab
  steps: PlannedStep[];
  hash: string; // sha256 of the canonical JSON of everything above plus the scripts' hashes
}

export interface Plan {
  format: 1;
  project: string;
  scripts: Record<string, { hash: string; text: string }>; // every script template the steps use, once
  machines: MachinePlan[];
  summary: {
    machines: number;
    steps: number;
    bySite: Record<string, number>;
    byProfile: Record<string, number>;
    byOs: Record<string, number>;
  };
  hash: string; // sha256 over the machine hashes in order
}

/** The step keep and `rollout --reboot` add to restart a PC that waits for a reboot. */
export const REBOOT_STEP_ID = 'reboot';

/** The vars a run's window-of-time gate gives a disturbing step (run/disturb-gate.ts); never part of a plan. */
export const GATE_VARS = { defer: 'HS__DEFER', unlessLoggedOn: 'HS__UNLESS_LOGGED_ON' } as const;

/** How a secret looks inside planned content until the run puts the value in (where PlannedFile.secrets says so). */
export const SECRET_PLACEHOLDER = (name: string): string => `@@HS_SECRET:${name}@@`;
export const SECRET_PLACEHOLDER_RE = /@@HS_SECRET:([A-Za-z0-9_.-]+)@@/g;
