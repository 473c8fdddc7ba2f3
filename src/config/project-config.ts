import path from 'node:path';
import type { Diagnostic, ImportSettings, ProjectConfig, SecretSource, SourcePos, SshSettings, Vars } from '../model/index.js';
import { isPostgresUrl, urlHasPassword } from '../model/journal-url.js';
import { DEFAULT_OFFLINE_AFTER, parseOfflineAfter, type OfflineAfter } from '../model/offline-after.js';
import { createDiagnostic } from './diagnostics.js';
import { buildDisturbConfig, type RawDisturb, type RawSiteSettings } from './disturb-config.js';
import { buildRouting, type RawRouting } from './routing-config.js';
import type { YamlSource } from './yaml-source.js';
import { posAtPath } from './yaml-source.js';

export const DEFAULT_SSH: Required<Omit<SshSettings, 'identityFile' | 'startTimeout'>> = {
  user: 'homeshift',
  port: 22,
  agent: false,
  hostKeyPolicy: 'strict',
  knownHosts: 'known_hosts',
  connectTimeout: 10,
  stepTimeout: 300,
  machineTimeout: 1800,
};

/** The machine id pattern of the inventory schema: letters, digits, dots, dashes and underscores. */
export const DEFAULT_EMPLOYEE_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]*$';

export const DEFAULT_PATHS = { inventory: 'inventory/', directory: 'directory/employees.csv', profiles: 'profiles/', bundles: 'bundles/', templates: 'templates/' };

interface RawConfig {
  name?: string;
  inventory?: string | string[];
  directory?: string;
  employeeIdPattern?: string;
  profiles?: string | string[];
  bundles?: string | string[];
  templates?: string | string[];
  mail?: { allowedDomains?: string[] };
  secrets?: Record<string, SecretSource>;
  ssh?: SshSettings;
  journal?: string;
  journalPasswordSecret?: string;
  escalateAfter?: string;
  escalateAfterAttempts?: number;
  leaseTimeout?: string;
  routing?: RawRouting;
  notify?: { from: string; fromName?: string; subjectPrefix?: string; smtpPasswordSecret?: string };
  bootstrap?: { allowFrom?: string[] };
  import?: ImportSettings;
  rollout?: { waves?: string; maxFailures?: string };
  keep?: { offlineCaseAfter?: string };
  vars?: Vars;
  timeZone?: string;
  disturb?: RawDisturb;
  sites?: Record<string, RawSiteSettings>;
}

/** Which search folders were named in homeshift.yaml (a missing one is then an error, a missing default is not). */
export interface ConfigOrigins {
  explicit: Set<'inventory' | 'directory' | 'profiles' | 'bundles' | 'templates'>;
}

/** homeshift.yaml data (already schema-checked) with every default filled in. */
export function buildProjectConfig(src: YamlSource, root: string): { config: ProjectConfig; origins: ConfigOrigins; diagnostics: Diagnostic[] } {
  const raw = (src.data ?? {}) as RawConfig;
  const explicit = new Set<ConfigOrigins['explicit'] extends Set<infer T> ? T : never>();
  for (const key of ['inventory', 'directory', 'profiles', 'bundles', 'templates'] as const) if (raw[key] !== undefined) explicit.add(key);
  const disturb = buildDisturbConfig(src, raw);
  const config: ProjectConfig = {
    name: raw.name ?? path.basename(root),
    inventory: toList(raw.inventory ?? DEFAULT_PATHS.inventory),
    directory: raw.directory ?? DEFAULT_PATHS.directory,
    employeeIdPattern: raw.employeeIdPattern ?? DEFAULT_EMPLOYEE_ID_PATTERN,
    profiles: toList(raw.profiles ?? DEFAULT_PATHS.profiles),
    bundles: toList(raw.bundles ?? DEFAULT_PATHS.bundles),
    templates: toList(raw.templates ?? DEFAULT_PATHS.templates),
    mail: { allowedDomains: raw.mail?.allowedDomains ?? [] },
    secrets: raw.secrets ?? {},
    ssh: { ...DEFAULT_SSH, ...(raw.ssh ?? {}) },
    journal: journalSetting(raw.journal),
    ...(raw.journalPasswordSecret !== undefined ? { journalPasswordSecret: raw.journalPasswordSecret } : {}),
    escalateAfter: raw.escalateAfter ?? '2d',
    escalateAfterAttempts: raw.escalateAfterAttempts ?? 3,
    leaseTimeoutMs: parseLeaseTimeout(raw.leaseTimeout ?? '5m'),
    routing: buildRouting(src, raw.routing),
    ...(raw.notify !== undefined ? {
      notify: {
        from: raw.notify.from, fromName: raw.notify.fromName ?? null, subjectPrefix: raw.notify.subjectPrefix ?? '[homeshift]',
        ...(raw.notify.smtpPasswordSecret !== undefined ? { smtpPasswordSecret: raw.notify.smtpPasswordSecret } : {}),
      },
    } : {}),
    ...(raw.bootstrap?.allowFrom !== undefined ? { bootstrap: { allowFrom: raw.bootstrap.allowFrom } } : {}),
    ...(raw.import !== undefined ? { import: raw.import } : {}),
    ...(raw.rollout !== undefined ? { rollout: raw.rollout } : {}),
    keep: { offlineCaseAfter: offlineAfterSetting(raw.keep?.offlineCaseAfter) },
    vars: raw.vars ?? {},
    ...(disturb.config !== undefined ? { disturb: disturb.config } : {}),
    pos: posAtPath(src, []),
  };
  return { config, origins: { explicit }, diagnostics: disturb.diagnostics };
}

/** HOMESHIFT_JOURNAL (a file or a postgres:// URL) overrides homeshift.yaml's `journal:`. */
function journalSetting(fromYaml: string | undefined): string {
  const fromEnv = process.env.HOMESHIFT_JOURNAL?.trim();
  return fromEnv || fromYaml || '.homeshift/journal.db';
}

/**
 * homeshift.yaml's journal settings: a PostgreSQL password never lives in the YAML (PGPASSWORD, ~/.pgpass or
 * journalPasswordSecret instead), and the secret named for it is declared. The message never repeats the URL.
 */
export function checkJournalConfig(src: YamlSource, config: ProjectConfig, locate: (key: string) => SourcePos): Diagnostic[] {
  const raw = (src.data ?? {}) as RawConfig;
  const out: Diagnostic[] = [];
  if (typeof raw.journal === 'string' && isPostgresUrl(raw.journal) && urlHasPassword(raw.journal)) {
    out.push(createDiagnostic('journal-password', 'journal: the PostgreSQL URL holds a password; remove it and give it through PGPASSWORD, ~/.pgpass or journalPasswordSecret (a secret declared under secrets:)', locate('journal')));
  }
  const secret = config.journalPasswordSecret;
  if (secret !== undefined && !Object.hasOwn(config.secrets, secret)) {
    out.push(createDiagnostic('unknown-secret', `journalPasswordSecret: secret ${secret} is not declared under secrets: in homeshift.yaml`, locate('journalPasswordSecret')));
  }
  const smtpSecret = config.notify?.smtpPasswordSecret;
  if (smtpSecret !== undefined && !Object.hasOwn(config.secrets, smtpSecret)) {
    out.push(createDiagnostic('unknown-secret', `notify.smtpPasswordSecret: secret ${smtpSecret} is not declared under secrets: in homeshift.yaml`, posAtPath(src, ['notify', 'smtpPasswordSecret'])));
  }
  return out;
}

/** keep.offlineCaseAfter; the schema has refused any other text with its position before this runs. */
function offlineAfterSetting(text: string | undefined): OfflineAfter {
  if (text === undefined) return DEFAULT_OFFLINE_AFTER;
  const after = parseOfflineAfter(text);
  if (!after) throw new RangeError(`not a keep.offlineCaseAfter: ${text}`);
  return after;
}

function toList(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

/** leaseTimeout ("90s", "5m", "1h"; the schema keeps it at 3 s or more) in milliseconds. */
export function parseLeaseTimeout(text: string): number {
  const m = /^(\d+)([smh])$/.exec(text);
  if (!m) throw new RangeError(`not a lease timeout: ${text}`);
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 's' | 'm' | 'h'];
}

/** Parses escalateAfter ("36h", "2d", "90m") into milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+)([mhd])$/.exec(text);
  if (!m) throw new RangeError(`not a duration: ${text}`);
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}
