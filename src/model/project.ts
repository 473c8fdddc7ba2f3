import type { DisturbConfig } from './time-window.js';
import type { SourcePos } from './source.js';
import type { ErrorClass } from './result.js';
import type { OfflineAfter } from './offline-after.js';

export type Os = 'windows' | 'linux';
export type HostKeyPolicy = 'strict' | 'accept-new' | 'off';
export type VarValue = string | number | boolean;
export type Vars = Record<string, VarValue>;
/** Positions of an entity's field values by dotted path, so messages can point at the value at fault. */
export type FieldPositions = Record<string, SourcePos>;

/** SSH settings: project defaults in homeshift.yaml, overridden per site, then per machine. */
export interface SshSettings {
  user?: string;
  port?: number;
  identityFile?: string; // path, relative to the project root or absolute; ~ expands
  agent?: boolean; // use $SSH_AUTH_SOCK
  hostKeyPolicy?: HostKeyPolicy;
  knownHosts?: string; // file checked under strict, and where accept-new pins new keys
  connectTimeout?: number; // seconds
  stepTimeout?: number; // seconds, per step
  machineTimeout?: number; // seconds, whole machine deadline
  startTimeout?: number; // seconds the PC's shell may take until its first step begins; default the first step's limit
}

/** A secret is referenced by name in profiles; its value comes from the environment or a file, never from YAML. */
export type SecretSource = { env: string } | { file: string };

/** homeshift.yaml */
export interface ProjectConfig {
  name: string;
  inventory: string[]; // files or folders of inventory YAML, relative to the project root
  directory: string; // employees: .yaml/.yml or .csv
  employeeIdPattern?: string; // every employee id matches it (a regular expression); default DEFAULT_EMPLOYEE_ID_PATTERN
  profiles: string[]; // extra profile folders; the shipped profiles/ are searched last
  bundles: string[]; // extra bundle folders; the shipped profiles/bundles/ are searched last
  templates: string[]; // extra template folders; the shipped templates/ are searched last
  mail: { allowedDomains: string[] };
  secrets: Record<string, SecretSource>;
  ssh: SshSettings;
  journal: string; // a SQLite file (default .homeshift/journal.db) or a postgres:// URL; HOMESHIFT_JOURNAL overrides it
  journalPasswordSecret?: string; // the secret holding the PostgreSQL journal's password
  escalateAfter: string; // e.g. "2d", "36h"
  escalateAfterAttempts: number; // escalate after this many failed attempts
  leaseTimeoutMs?: number; // a machine lease whose holder stopped renewing expires after this long (default 5 minutes)
  routing?: Routing; // who owns a case, and how soon they react; without it a site's supporters own its cases
  notify?: NotifySettings; // the digests' sender; notify refuses to run without it
  bootstrap?: { allowFrom: string[] }; // the day-zero script's management networks (homeshift bootstrap windows)
  import?: ImportSettings; // how directory import reads exports
  rollout?: { waves?: string; maxFailures?: string }; // rollout's and rerun's defaults for --waves and --max-failures
  keep?: { offlineCaseAfter: OfflineAfter }; // when a PC keep does not see becomes a case; default DEFAULT_OFFLINE_AFTER
  vars: Vars; // project-wide template variables (e.g. root, mailServer)
  disturb?: DisturbConfig; // windows of time for disturbing steps, per site; without it they run any time
  pos: SourcePos;
}

/** homeshift.yaml's import: column names and values of the exports the rollout team gets. */
export interface ImportSettings {
  directory?: {
    columns?: Record<string, string>; // header -> field
    sites?: Record<string, string>; // export value -> site id
    roles?: Record<string, string>; // export value -> profile name
    encoding?: string;
  };
}

/** homeshift.yaml's notify: who the digests come from, how their subjects start, where an SMTP password comes from. */
export interface NotifySettings {
  from: string; // mail address
  fromName: string | null;
  subjectPrefix: string; // default "[homeshift]"
  smtpPasswordSecret?: string; // a secret under secrets: (else the --smtp URL's password, else HOMESHIFT_SMTP_PASSWORD)
}

/** The group every site has: its supporters, in inventory order. */
export const SITE_SUPPORTERS = 'site-supporters';

/** People who share cases: an owner is picked among the members; the lead receives escalations. */
export interface RoutingGroup {
  members: string[]; // mail addresses
  lead: string | null;
}

/** A routing rule: every condition given must hold (first matching rule wins). */
export interface RoutingRule {
  classes: ErrorClass[] | null; // any of these error classes
  cause: string | null; // a fingerprint pattern, `*` for any text: step-failed:mailbox:*
  site: string | null;
  to: string; // a group name, or SITE_SUPPORTERS
  reactWithin: string; // "4h", "1d12h"
  reactWithinMs: number;
  pos: SourcePos;
}

export interface Routing {
  groups: Record<string, RoutingGroup>;
  rules: RoutingRule[];
}

export interface Supporter {
  name: string;
  email: string;
}

/** The languages digests and worklists are written in. */
export type Language = 'de' | 'en';

/** A service center. Defined by the `site:` block of an inventory file. */
export interface Site {
  id: string;
  name: string;
  vpnGateway: string;
  supporters: Supporter[];
  sharedMailboxes: string[];
  language: Language; // the supporters' language: digests and worklists
  ssh: SshSettings;
  vars: Vars;
  pos: SourcePos;
  fieldPos?: FieldPositions; // where each field's value was written (keys like user, steps.0.template)
}

/** One desktop PC. */
export interface Machine {
  id: string;
  host: string;
  port?: number;
  os: Os;
  site: string; // site id; from the file's site block when the machine does not name one
  user: string; // employee id
  role: string; // profile name
  retire?: true; // leaves home office: its plan only takes away what homeshift put on it
  ssh: SshSettings;
  vars: Vars;
  pos: SourcePos;
  fieldPos?: FieldPositions; // where each field's value was written (keys like user, steps.0.template)
}

/** One employee of the directory (YAML or CSV export). */
export interface Employee {
  id: string;
  firstName: string;
  lastName: string;
  mailbox: string;
  site: string;
  role?: string;
  pos: SourcePos;
  fieldPos?: FieldPositions; // where each field's value was written (keys like user, steps.0.template)
}

export interface VpnSettings {
  type: 'ikev2' | 'openvpn';
  connectionName: string;
  splitTunnel: boolean;
  pskSecret?: string; // name of a secret in homeshift.yaml
  dnsSuffix?: string;
}

export interface MailboxSettings {
  personal: boolean;
  shared: 'site' | 'none' | string[]; // the site's shared mailboxes, none, or fixed addresses
  client: 'outlook' | 'thunderbird';
}

export interface CheckSettings {
  diskEncryption: boolean;
  screenLockMinutes?: number; // at most N minutes until the screen locks
  noLocalCustomerData: boolean;
}

/** How often keep runs a profile's checks again (a duration such as 24h); none: only with the rollout. */
export interface ComplianceSettings {
  every?: string;
}

/** An extra step of a profile: a script template (and files) run like the built-in steps. */
export interface ProfileStep {
  id: string;
  title: string;
  template: string; // script template name without extension: resolves <os>/<template>.sh|.ps1
  os?: Os[];
  files?: { path: string; template: string; mode?: string }[];
  vars: Vars;
  secrets: string[];
  timeout?: number; // seconds
  pos: SourcePos;
}

/** A role profile as written in its file (before `extends` is resolved). */
export interface Profile {
  name: string;
  extends?: string;
  description?: string;
  vpn?: Partial<VpnSettings>;
  bundles: string[];
  mailbox?: Partial<MailboxSettings>;
  checks?: Partial<CheckSettings>;
  compliance?: ComplianceSettings;
  steps: ProfileStep[];
  vars: Vars;
  pos: SourcePos;
  fieldPos?: FieldPositions; // where each field's value was written (keys like user, steps.0.template)
  file: string;
}

export interface BundlePackage {
  name: string;
  version: string;
  windows?: WindowsInstall; // exactly one of wingetId, msi, exe (the bundle-windows-install rule)
  restart?: boolean; // needs the PC restarted after it is installed: its bundle step disturbs the colleague
  linux?: LinuxInstall; // exactly one of apt, deb (the bundle-linux-install rule)
}

/** How a package gets onto a Linux PC: from the PC's apt repositories, or a .deb file from a source. */
export interface LinuxInstall {
  apt?: string; // "name" or "name=debian-version"; detected by dpkg-query
  deb?: DebInstall;
}

/**
 * A .deb file from a source (url or push; a Linux PC maps no share), verified in the PC's package cache, installed with
 * apt-get (which resolves its dependencies from the PC's repositories); detected by dpkg-query as package=version.
 */
export interface DebInstall {
  source?: PackageSource;
  sha256?: string;
  package?: string; // the Debian package name (default: the package's name)
  version?: string; // the version dpkg-query reports once installed (default: the package's version), e.g. 4.2.1-1
}

/** How a package gets onto a Windows PC: winget, a Windows Installer package, or an EXE installer. */
export interface WindowsInstall {
  wingetId?: string; // detected by winget list
  msi?: MsiInstall;
  exe?: ExeInstall;
}

/**
 * Where a PC gets an installer file (docs/package-sources.md): it downloads it from a distribution point (url), homeshift
 * sends it over the PC's SSH connection (push: a file of the rollout repository or an absolute path on the control
 * machine), or it copies it from a share mapped with an explicit credential (unc; credential: a secret under secrets:
 * whose value is "user:password"). Every file lands in the PC's package cache and is verified by its sha256 first.
 */
export type PackageSource = { url: string } | { push: string } | { unc: string; credential: string };

/** The installer file of an MSI or EXE package: a source and its hash, or a bare path already reachable from the PC. */
export interface InstallerFile {
  path?: string; // C:\... or \\server\share\... as the PC sees it (a bare UNC path fails over SSH key logins)
  source?: PackageSource;
  sha256?: string; // 64 hex digits; required with a source
}

/** An .msi on a drive or a share: msiexec /i PATH /qn /norestart PROPERTIES; detected by product code and version. */
export interface MsiInstall extends InstallerFile {
  productCode: string; // {GUID}
  properties?: Record<string, string | number | boolean>;
}

/** An installer run with its silent arguments; detected by a file's version or an uninstall key. */
export interface ExeInstall extends InstallerFile {
  arguments?: string;
  uninstall?: string; // a silent uninstall command line; default: the uninstall key's QuietUninstallString, else UninstallString
  detect: { file?: { path: string; version?: string }; uninstallKey?: { key?: string; displayName?: string; version?: string } };
}

export interface Bundle {
  name: string;
  version: string;
  description?: string;
  onRemove?: 'remove' | 'keep'; // when a PC no longer gets the bundle: uninstall what homeshift installed (default), or leave it
  packages: BundlePackage[];
  pos: SourcePos;
  fieldPos?: FieldPositions; // where each field's value was written (keys like user, steps.0.template)
}

export interface TemplateSource {
  name: string; // relative name with forward slashes, e.g. linux/vpn.sh, linux/vpn.nmconnection.hbs
  file: string; // path for messages (relative to project root when inside it)
  text: string;
}

/** Everything loaded from a rollout repository. Positions are kept for every message. */
/** Names of entries left out at load because of their own errors (already reported); `all`: the whole kind is missing. */
export interface Rejected {
  employees: Set<string> | 'all';
  sites: Set<string>;
  profiles: Set<string>;
  bundles: Set<string>;
}

/** True when validate should not report `name` as unknown: it was written, but left out for its own errors. */
export function wasRejected(rejected: Rejected | undefined, kind: keyof Rejected, name: string): boolean {
  const set = rejected?.[kind];
  return set === 'all' || (set !== undefined && set.has(name));
}

export interface Project {
  root: string; // absolute path of the folder holding homeshift.yaml
  configFile: string; // absolute path of homeshift.yaml
  config: ProjectConfig;
  sites: Map<string, Site>;
  machines: Machine[]; // in load order (files sorted by name, then file order)
  employees: Map<string, Employee>;
  employeeList: Employee[]; // in directory order, duplicates included (validate reports them)
  profiles: Map<string, Profile>;
  bundles: Map<string, Bundle>;
  templates: Map<string, TemplateSource>;
  rejected?: Rejected; // what load left out for its errors, so that validate does not report it missing as well
}
