import type { Os } from '../model/project.js';
import type { ResolvedProfile } from './resolve-profile.js';
import { debVars, type PlannedDeb } from './linux-installers.js';
import { installerVars, type PlannedExe, type PlannedMsi } from './windows-installers.js';

/** The context every config template sees; vars are project < site < machine over the profile's defaults. */
export interface RenderContext {
  machine: { id: string; host: string; os: Os; site: string; role: string };
  site: { id: string; name: string; vpnGateway: string; sharedMailboxes: string[] };
  employee: { id: string; firstName: string; lastName: string; name: string; mailbox: string };
  profile: { name: string; chain: string[]; description: string | null };
  vpn: { type: string; connectionName: string; splitTunnel: boolean; pskSecret: string | null; dnsSuffix: string; gateway: string; identity: string } | null;
  mailbox: { personal: string | null; shared: string[]; client: string };
  checks: { diskEncryption: boolean; screenLockMinutes: number | null; noLocalCustomerData: boolean };
  vars: Record<string, string | number | boolean>;
  root: string;
  paths: { config: string; state: string }; // where homeshift keeps its files, relative to root
}

const LINUX_PATHS: RenderContext['paths'] = { config: 'etc/homeshift', state: 'var/lib/homeshift' };
const WINDOWS_PATHS: RenderContext['paths'] = { config: 'ProgramData/homeshift', state: 'ProgramData/homeshift' };

export function homeshiftPaths(os: Os): RenderContext['paths'] {
  return os === 'linux' ? LINUX_PATHS : WINDOWS_PATHS;
}

/** A bundle as one OS installs it: id is the apt package or the winget id; Windows may add MSI and EXE installers, Linux .deb files. */
export interface PlannedBundle {
  name: string;
  version: string;
  packages: { name: string; version: string }[];
  installs: { id: string; version: string }[];
  msi?: PlannedMsi[];
  exe?: PlannedExe[];
  deb?: PlannedDeb[];
  secrets?: string[]; // the credentials of its unc sources
  disturbs?: true; // a package needs a restart once installed (restart: true)
}

export interface FileSpec {
  path: string; // may itself be a template
  template: string;
  mode: string;
}

/** One step of a (profile, os) before any machine is known. */
export interface StepSpec {
  id: string;
  title: string;
  script: string; // template name of the step script
  checkOnly: boolean;
  timeout?: number;
  files: FileSpec[];
  secrets: string[];
  vars: Record<string, string> | ((ctx: RenderContext) => Record<string, string>); // an object: the same for every machine
  disturbs?: true;
}

const DEFAULT_CUSTOMER_DATA_PATTERNS = ['*kunde*.csv', '*kunden*.xlsx', '*customer*.csv', '*.kdb', 'crm-export*'];

function ext(os: Os): string {
  return os === 'linux' ? 'sh' : 'ps1';
}

function list(value: unknown, fallback: string[]): string {
  if (Array.isArray(value)) return value.map(String).join('\n');
  if (typeof value === 'string' && value.trim()) return value.split(/[\n,]/).map((s) => s.trim()).filter(Boolean).join('\n');
  return fallback.join('\n');
}

function checkSteps(profile: ResolvedProfile, os: Os): StepSpec[] {
  const steps: StepSpec[] = [];
  // machines mostly share one value (the profile's or the project's): listed once for a run of them
  let lastValue: unknown;
  let lastList: string | undefined;
  let lastVars: Record<string, string> | undefined;
  const patterns = (value: unknown): string => {
    if (lastList === undefined || value !== lastValue) [lastValue, lastList] = [value, list(value, DEFAULT_CUSTOMER_DATA_PATTERNS)];
    return lastList;
  };
  if (profile.checks.diskEncryption) {
    steps.push({ id: 'check:disk-encryption', title: 'Disk is encrypted', script: `${os}/check-disk-encryption.${ext(os)}`, checkOnly: true, files: [], secrets: [], vars: {} });
  }
  if (profile.checks.noLocalCustomerData) {
    steps.push({
      id: 'check:customer-data',
      title: 'No customer data stored locally',
      script: `${os}/check-customer-data.${ext(os)}`,
      checkOnly: true,
      files: [],
      secrets: [],
      // the same object while the list stays the same: the step is then one object for those machines
      vars: (ctx) => {
        const list = patterns(ctx.vars.customerDataPatterns);
        if (lastVars?.HS_CUSTOMER_DATA_PATTERNS !== list) lastVars = { HS_CUSTOMER_DATA_PATTERNS: list, HS_CUSTOMER_DATA_DIR: os === 'linux' ? 'home' : 'Users' };
        return lastVars;
      },
    });
  }
  const minutes = profile.checks.screenLockMinutes;
  if (minutes !== undefined) {
    const files: FileSpec[] =
      os === 'linux'
        ? [
            { path: 'etc/dconf/db/local.d/00-homeshift-screen-lock', template: 'linux/screen-lock.dconf.hbs', mode: '0644' },
            { path: 'etc/dconf/db/local.d/locks/homeshift-screen-lock', template: 'linux/screen-lock.locks.hbs', mode: '0644' },
          ]
        : [];
    steps.push({
      id: 'check:screen-lock',
      title: `Screen locks after at most ${minutes} minutes`,
      script: `${os}/check-screen-lock.${ext(os)}`,
      checkOnly: false,
      files,
      secrets: [],
      vars: { HS_SCREEN_LOCK_MINUTES: String(minutes), HS_SCREEN_LOCK_SECONDS: String(minutes * 60) },
    });
  }
  return steps;
}

function vpnStep(profile: ResolvedProfile, os: Os): StepSpec[] {
  const vpn = profile.vpn;
  if (!vpn) return [];
  const linux = os === 'linux';
  return [
    {
      id: 'vpn',
      title: `VPN connection ${vpn.connectionName}`,
      script: `${os}/vpn.${ext(os)}`,
      checkOnly: false,
      files: linux
        ? [{ path: 'etc/NetworkManager/system-connections/homeshift-vpn.nmconnection', template: 'linux/vpn.nmconnection.hbs', mode: '0600' }]
        : [{ path: 'ProgramData/homeshift/vpn.json', template: 'windows/vpn.json.hbs', mode: '0644' }],
      secrets: linux && vpn.pskSecret ? [vpn.pskSecret] : [],
      vars: (ctx) => ({
        HS_VPN_NAME: vpn.connectionName,
        HS_VPN_TYPE: vpn.type,
        HS_VPN_GATEWAY: ctx.site.vpnGateway,
        HS_VPN_IDENTITY: ctx.employee.mailbox,
        HS_VPN_SPLIT_TUNNEL: String(vpn.splitTunnel),
        HS_VPN_DNS_SUFFIX: vpn.dnsSuffix ?? '',
      }),
    },
  ];
}

function mailboxStep(os: Os): StepSpec {
  const files: FileSpec[] =
    os === 'linux'
      ? [
          { path: 'etc/thunderbird/pref/homeshift-mailbox.js', template: 'linux/thunderbird-prefs.js.hbs', mode: '0644' },
          { path: 'etc/homeshift/mailbox.json', template: 'linux/mailbox.json.hbs', mode: '0644' },
        ]
      : [
          { path: 'ProgramData/homeshift/outlook.prf', template: 'windows/outlook.prf.hbs', mode: '0644' },
          { path: 'ProgramData/homeshift/mailbox.json', template: 'windows/mailbox.json.hbs', mode: '0644' },
        ];
  return {
    id: 'mailbox',
    title: 'Mailbox mapping',
    script: `${os}/mailbox.${ext(os)}`,
    checkOnly: false,
    files,
    secrets: [],
    vars: (ctx) => ({
      HS_MAIL_CLIENT: ctx.mailbox.client,
      HS_MAILBOX_PERSONAL: ctx.mailbox.personal ?? '',
      HS_MAILBOX_SHARED: ctx.mailbox.shared.join('\n'),
    }),
  };
}

export function profileStepSpecs(profile: ResolvedProfile, os: Os): StepSpec[] {
  return profile.steps
    .filter((step) => !step.os || step.os.includes(os))
    .map((step) => {
      const vars: Record<string, string> = {};
      for (const [key, value] of Object.entries(step.vars).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) vars[`HS_${key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase()}`] = String(value);
      const spec: StepSpec = {
        id: `step:${step.id}`,
        title: step.title,
        script: /\.(sh|ps1)$/.test(step.template) ? step.template : `${os}/${step.template}.${ext(os)}`,
        checkOnly: false,
        files: (step.files ?? []).map((f) => ({ path: f.path, template: f.template, mode: f.mode ?? '0644' })),
        secrets: [...step.secrets],
        vars,
      };
      if (step.timeout !== undefined) spec.timeout = step.timeout;
      return spec;
    });
}

/** Checks first (an unencrypted PC must not get the VPN), then vpn, bundles, mailbox, profile steps. */
export function stepSpecs(profile: ResolvedProfile, os: Os, bundles: PlannedBundle[]): StepSpec[] {
  const bundleSteps: StepSpec[] = bundles.map((bundle) => {
    const vars = {
      HS_BUNDLE_NAME: bundle.name,
      HS_BUNDLE_VERSION: bundle.version,
      HS_PACKAGES: bundle.installs.map((p) => `${p.id}=${p.version}`).join('\n'),
      ...installerVars(bundle.msi ?? [], bundle.exe ?? []),
      ...debVars(bundle.deb ?? []),
      ...(bundle.disturbs ? { HS__RESTART: '1' } : {}), // the runtime asks for a restart once the step changed something
    };
    return {
      id: `bundle:${bundle.name}`,
      title: `Software bundle ${bundle.name} ${bundle.version}`,
      script: `${os}/bundle.${ext(os)}`,
      checkOnly: false,
      timeout: 1800,
      files: [],
      secrets: bundle.secrets ?? [],
      vars,
      ...(bundle.disturbs ? { disturbs: true as const } : {}),
    };
  });
  const wantsMailbox = Object.keys(profile.mailbox).length > 0;
  return [...checkSteps(profile, os), ...vpnStep(profile, os), ...bundleSteps, ...(wantsMailbox ? [mailboxStep(os)] : []), ...profileStepSpecs(profile, os)];
}
