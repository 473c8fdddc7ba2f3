import { Command } from 'commander';
import { resolve } from 'node:path';
import { chooseWindowsShare, FaultSpecError, WindowsShareError, formatLabStatus, labDown, labLogon, labPower, labScreenLock, labStatus, labUp, resolveLabDir, serveLab, DEFAULT_MACHINES, DEFAULT_SITES } from '../lab/index.js';
import { generateFleet } from '../lab/generate.js';
import { CliError, EXIT, setExit, usageError } from './exit.js';
import { createOutput } from './output.js';
import { globalOptions } from './project.js';

function whole(text: string, what: string, min: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min) throw usageError(`${what} must be a whole number of at least ${min}, not "${text}"`);
  return Number(text);
}

export function registerLab(program: Command): void {
  const lab = program
    .command('lab')
    .description('a simulated fleet of Windows and Linux PCs served over real SSH on loopback, with fault injection')
    .addHelpText('after', `
Examples:
  $ homeshift lab up --machines 50 --sites 2 --faults offline=2,fail-mailbox=5%:heal=1
  $ homeshift lab up --machines 12 --windows 100%
  $ homeshift -C .homeshift/lab/project rollout --yes
  $ homeshift lab status
  $ homeshift lab down`);

  lab
    .command('up')
    .description('start the lab in the background and write a ready rollout repository for it')
    .option('-n, --machines <n>', 'how many PCs', String(DEFAULT_MACHINES))
    .option('-s, --sites <n>', 'how many sites', String(DEFAULT_SITES))
    .option('--faults <spec>', 'e.g. offline=2%,slow=1%,auth=1,hostkey=1,drop=1,hang=1,fail-mailbox=3%:heal=1,disk-full=1%,unencrypted=1,installer-busy=1,denied-cp850=1,denied-clixml=1')
    .option('--seed <n>', 'seed of the fault assignment', '1')
    .option('--windows <n|p%>', 'how many of the PCs are Windows PCs (real pwsh; default 80% when PowerShell 7 is found)')
    .option('--power <spec>', 'PCs switched off at the start and when each comes on, e.g. off=30%:on-within=120 (seconds)')
    .option('--dir <dir>', 'where the lab keeps its PCs, keys and repository', '.homeshift/lab')
    .action(async (opts: { machines: string; sites: string; faults?: string; seed: string; windows?: string; power?: string; dir: string }, cmd: Command) => {
      const out = createOutput(globalOptions(cmd));
      try {
        const { share, note } = chooseWindowsShare(opts.windows);
        if (note) out.err(note);
        const info = await labUp({ dir: opts.dir, machines: whole(opts.machines, '--machines', 1), sites: whole(opts.sites, '--sites', 1), faults: opts.faults, seed: whole(opts.seed, '--seed', 0), windows: share, power: opts.power, log: out.err });
        const faulty = info.machines.filter((m) => m.fault).length;
        const windows = info.machines.filter((m) => m.os === 'windows').length;
        out.out(`lab up: ${info.machines.length} PCs (${windows} Windows, ${info.machines.length - windows} Linux) at ${info.sites} site(s) on 127.0.0.1 (pid ${info.pid}), ${faulty} with faults`);
        out.out(`rollout repository: ${info.projectDir}`);
        out.out(`try: homeshift -C ${info.projectDir} plan   then   homeshift -C ${info.projectDir} rollout --yes`);
      } catch (err) {
        if (err instanceof FaultSpecError || err instanceof WindowsShareError) throw usageError(err.message);
        throw new CliError((err as Error).message, EXIT.usage);
      }
    });

  lab
    .command('power')
    .description('switch lab PCs off (they stop answering: probes time out, nothing is refused) or on again')
    .argument('<state>', 'on or off')
    .argument('<selector>', 'machine ids, globs (BRU-*), site=SITE or all, comma-separated')
    .option('--dir <dir>', 'the lab folder', '.homeshift/lab')
    .action(async (state: string, selector: string, opts: { dir: string }, cmd: Command) => {
      const out = createOutput(globalOptions(cmd));
      if (state !== 'on' && state !== 'off') throw usageError(`lab power: the state is on or off, not "${state}"`);
      try {
        const machines = await labPower(selector, state === 'on', opts.dir);
        out.out(`lab power ${state}: ${machines.length} PC(s): ${machines.join(', ')}`);
      } catch (err) {
        throw err instanceof FaultSpecError ? usageError(err.message) : new CliError((err as Error).message, EXIT.usage);
      }
    });

  lab
    .command('screen-lock')
    .description('change the screen lock on lab PCs as a colleague would (off: it never locks; on: as it was before), for compliance checks to find')
    .argument('<state>', 'on or off')
    .argument('<selector>', 'machine ids, globs (BRU-*), site=SITE or all, comma-separated')
    .option('--dir <dir>', 'the lab folder', '.homeshift/lab')
    .action(async (state: string, selector: string, opts: { dir: string }, cmd: Command) => {
      const out = createOutput(globalOptions(cmd));
      if (state !== 'on' && state !== 'off') throw usageError(`lab screen-lock: the state is on or off, not "${state}"`);
      try {
        const machines = await labScreenLock(selector, state === 'on', opts.dir);
        out.out(`lab screen-lock ${state}: ${machines.length} PC(s): ${machines.join(', ')}`);
      } catch (err) {
        throw err instanceof FaultSpecError ? usageError(err.message) : new CliError((err as Error).message, EXIT.usage);
      }
    });

  lab
    .command('logon')
    .description('log a user on to lab PCs (on) or off again: their disturbing steps and restarts wait unless whenLoggedOn: true')
    .argument('<state>', 'on or off')
    .argument('<selector>', 'machine ids, globs (BRU-*), site=SITE or all, comma-separated')
    .option('--dir <dir>', 'the lab folder', '.homeshift/lab')
    .action(async (state: string, selector: string, opts: { dir: string }, cmd: Command) => {
      const out = createOutput(globalOptions(cmd));
      if (state !== 'on' && state !== 'off') throw usageError(`lab logon: the state is on or off, not "${state}"`);
      try {
        const machines = await labLogon(selector, state === 'on', opts.dir);
        out.out(`lab logon ${state}: ${machines.length} PC(s): ${machines.join(', ')}`);
      } catch (err) {
        throw err instanceof FaultSpecError ? usageError(err.message) : new CliError((err as Error).message, EXIT.usage);
      }
    });

  lab
    .command('status')
    .description('is the lab running; its PCs, ports and faults')
    .option('--dir <dir>', 'the lab folder', '.homeshift/lab')
    .action(async (opts: { dir: string }, cmd: Command) => {
      const out = createOutput(globalOptions(cmd));
      const status = await labStatus(opts.dir);
      out.out(formatLabStatus(status).join('\n'));
      setExit(status.running ? 0 : 3);
    });

  lab
    .command('down')
    .description('stop the lab by its pid and remove what lab up made; the journal, logs and reports stay unless --purge')
    .option('--dir <dir>', 'the lab folder', '.homeshift/lab')
    .option('--purge', 'remove the lab\'s rollout repository too, with its journal, logs and anything else in it')
    .action(async (opts: { dir: string; purge?: boolean }, cmd: Command) => {
      const out = createOutput(globalOptions(cmd));
      const { stopped, pid, kept, where } = await labDown(opts.dir, { log: out.err, purge: opts.purge === true });
      out.out(stopped ? `lab down: stopped pid ${pid}, removed what lab up made in ${resolveLabDir(opts.dir)}` : 'lab down: no lab was running; its files are removed');
      if (kept.length > 0) out.out(`kept what the lab did not make: ${kept.join(', ')} in ${where} (homeshift lab down --purge removes it)`);
    });

  lab
    .command('serve', { hidden: true })
    .description('the background process of lab up')
    .requiredOption('--dir <dir>', 'the lab folder')
    .action(async (opts: { dir: string }) => {
      await serveLab(resolve(opts.dir));
    });

  lab
    .command('generate')
    .description('write a rollout repository with a large generated fleet (for benchmarks and trials)')
    .argument('<dir>', 'where to write it')
    .option('-n, --machines <n>', 'how many machines', '16000')
    .option('-s, --sites <n>', 'how many sites', '50')
    .option('--seed <n>', 'seed', '1')
    .action(async (dir: string, opts: { machines: string; sites: string; seed: string }, cmd: Command) => {
      const out = createOutput(globalOptions(cmd));
      const summary = await generateFleet(resolve(dir), { machines: whole(opts.machines, '--machines', 1), sites: whole(opts.sites, '--sites', 1), seed: whole(opts.seed, '--seed', 0) });
      out.out(`wrote ${summary.machines} machines at ${summary.sites.length} site(s) to ${resolve(dir)} (${summary.files.length} files)`);
    });
}
