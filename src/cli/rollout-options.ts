import { Command, Option } from 'commander';
import { DEFAULT_PUSH_FORKS } from '../run/push.js';
import type { RolloutSettings } from '../run/rollout.js';
import { OptionError, parseAmount, parseWaves } from '../run/waves.js';
import { usageError } from './exit.js';

export interface RunFlags {
  forks: string;
  pushForks?: string;
  waves?: string;
  maxFailures?: string;
  maxUnreachable?: string;
  retries: string;
  check?: boolean;
  waitBusy?: boolean;
  yes?: boolean;
  json?: boolean;
  format?: string;
}

export interface RunSettings extends RolloutSettings {
  yes: boolean;
  json: boolean;
}

/** The options rollout and rerun share. */
export function addRunOptions(cmd: Command): Command {
  return cmd
    .option('-f, --forks <n>', 'machines worked on at the same time', '20')
    .option('--push-forks <n>', 'PCs receiving push sources\' installer files at the same time (the site\'s uplink)', String(DEFAULT_PUSH_FORKS))
    .option('-w, --waves <sizes>', "wave sizes, counts or shares; the last repeats (e.g. 1,10%,100%); default: homeshift.yaml's rollout.waves, else 100%")
    .option('--max-failures <amount>', "halt (exit 4) when more of the PCs reached failed than this count or share (e.g. 5 or 5%); default: homeshift.yaml's rollout.maxFailures, else never halt")
    .option('--max-unreachable <amount>', 'halt (exit 4) when more of the PCs tried were unreachable than this count or share; default: never halt for them')
    .option('--retries <n>', 'connection retries (with backoff) for unreachable or timed-out PCs', '2')
    .option('--check', 'run only the read-only checks and report what would change')
    .option('--wait-busy', 'wait for PCs another run is working on (leased in the journal) instead of leaving them busy')
    .option('-y, --yes', 'do not ask for confirmation (required when not on a terminal)')
    .addOption(new Option('--json', 'one JSON object per line per machine result on stdout, instead of progress'))
    .addOption(new Option('--format <format>', 'text: progress for people; json: the same as --json').choices(['text', 'json']));
}

function positiveInt(text: string, what: string, min: number): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < min) throw usageError(`${what} must be a whole number of at least ${min}, not "${text}"`);
  return Number(text);
}

/** The run settings: the flags, then homeshift.yaml's rollout: defaults, then the built-in ones. */
export function readRunSettings(flags: RunFlags, defaults: { waves?: string; maxFailures?: string } = {}): RunSettings {
  if (flags.json && flags.format === 'text') throw usageError('--json and --format text ask for two formats: choose one');
  const maxFailures = flags.maxFailures ?? defaults.maxFailures;
  try {
    return {
      forks: positiveInt(flags.forks, '--forks', 1),
      pushForks: positiveInt(flags.pushForks ?? String(DEFAULT_PUSH_FORKS), '--push-forks', 1),
      waves: parseWaves(flags.waves ?? defaults.waves ?? '100%'),
      maxFailures: maxFailures === undefined || maxFailures.trim() === 'none' ? null : parseAmount(maxFailures, '--max-failures'),
      maxUnreachable: flags.maxUnreachable === undefined || flags.maxUnreachable.trim() === 'none' ? null : parseAmount(flags.maxUnreachable, '--max-unreachable'),
      retries: positiveInt(flags.retries, '--retries', 0),
      check: flags.check === true,
      waitBusy: flags.waitBusy === true,
      yes: flags.yes === true,
      json: flags.json === true || flags.format === 'json',
    };
  } catch (err) {
    if (err instanceof OptionError) throw usageError(err.message);
    throw err;
  }
}
