import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { BOOTSTRAP_SCRIPT_NAME, renderWindowsBootstrap } from '../bootstrap/windows-script.js';
import { bootstrapReadme } from '../bootstrap/readme.js';
import { knownHostsName, machineFor, mergeKnownHosts, parseHostKeyLines, type Reachable } from '../bootstrap/host-key-import.js';
import { loadProject } from '../config/index.js';
import type { Project } from '../model/project.js';
import { resolveProjectPath } from '../run/target.js';
import { inputError, usageError } from './exit.js';
import { createOutput } from './output.js';
import { globalOptions, type GlobalOptions } from './project.js';

interface BootstrapOptions { out: string; key?: string[]; allowFrom?: string; collect?: string; msi?: string }

const collect = (value: string, prev: string[] = []) => [...prev, value];
const NETWORK = /^[0-9A-Fa-f.:]+(\/\d{1,3})?$/;

async function project(g: GlobalOptions): Promise<Project> {
  const loaded = await loadProject({ cwd: process.cwd(), projectDir: g.project });
  if (!loaded.project) throw inputError(`${loaded.diagnostics.map((d) => d.message).join('\n') || 'no rollout repository here'}\nrun homeshift validate for details`);
  return loaded.project;
}

function readKeys(files: string[]): string[] {
  return files.flatMap((file) => {
    if (!existsSync(file)) throw inputError(`${file}: no such public key file`);
    const lines = readFileSync(file, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    lines.forEach((line, i) => {
      if (!/^(ssh-ed25519|ecdsa-sha2-nistp(256|384|521)|ssh-rsa) [A-Za-z0-9+/]+={0,2}( .*)?$/.test(line)) throw inputError(`${file}:${i + 1}: not an SSH public key line (a private key? use the .pub file)`);
    });
    return lines;
  });
}

export function registerBootstrap(program: Command): void {
  program
    .command('bootstrap')
    .description('day zero: what a Windows admin deploys once so that homeshift can reach the PCs over SSH')
    .command('windows')
    .description('write a Windows PowerShell 5.1 script (OpenSSH Server, keys, firewall, host key line) and a how-to into DIR')
    .requiredOption('--out <dir>', 'folder to write the script and its README into')
    .option('--key <file>', 'a control machine\'s public key (repeatable; default: the .pub of ssh.identityFile in homeshift.yaml)', collect)
    .option('--allow-from <cidrs>', 'management networks that may reach port 22, comma-separated (default: bootstrap.allowFrom in homeshift.yaml)')
    .option('--collect <path>', 'where every PC writes its host key line, e.g. \'\\\\server\\hostkeys$\'')
    .option('--msi <path>', 'install OpenSSH from this MSI (PCs without Windows Update) instead of the Windows capability')
    .action(async (opts: BootstrapOptions, cmd: Command) => {
      const g = globalOptions(cmd);
      const out = createOutput(g);
      const needProject = !opts.key || !opts.allowFrom;
      const repo = needProject ? await project(g) : null;
      const identity = repo?.config.ssh.identityFile;
      const keyFiles = opts.key ?? (identity ? [`${resolveProjectPath(identity, repo!.root)}.pub`] : []);
      if (keyFiles.length === 0) throw usageError('bootstrap windows: no public key: give --key FILE or set ssh.identityFile in homeshift.yaml');
      const allowFrom = opts.allowFrom ? opts.allowFrom.split(',').map((s) => s.trim()).filter(Boolean) : repo?.config.bootstrap?.allowFrom ?? [];
      if (allowFrom.length === 0) throw usageError('bootstrap windows: which networks may reach port 22? give --allow-from CIDR,... or set bootstrap.allowFrom in homeshift.yaml');
      const bad = allowFrom.filter((n) => !NETWORK.test(n));
      if (bad.length > 0) throw usageError(`bootstrap windows: --allow-from ${bad.join(', ')}: not an address or network such as 10.20.0.0/16`);
      const keys = readKeys(keyFiles);
      const dir = resolve(opts.out);
      mkdirSync(dir, { recursive: true });
      const options = { keys, allowFrom, collect: opts.collect ?? null, msi: opts.msi ?? null };
      writeFileSync(join(dir, BOOTSTRAP_SCRIPT_NAME), `\uFEFF${renderWindowsBootstrap(options).replace(/\n/g, '\r\n')}`);
      writeFileSync(join(dir, 'README.md'), bootstrapReadme(options));
      out.out(`wrote ${join(dir, BOOTSTRAP_SCRIPT_NAME)} (${keys.length} key(s), port 22 from ${allowFrom.join(', ')}) and README.md\n`);
    });

  program
    .command('known-hosts')
    .description('the repository\'s known_hosts')
    .command('import')
    .description('merge the host key lines the day-zero script collected (one file per PC or one line per PC) into ssh.knownHosts')
    .argument('<dir>', 'the folder (or one file) with "<computer name> <key type> <key>" lines')
    .action(async (dirArg: string, _opts: unknown, cmd: Command) => {
      const g = globalOptions(cmd);
      const out = createOutput(g);
      const repo = await project(g);
      if (!existsSync(dirArg)) throw inputError(`${dirArg}: no such file or folder`);
      const files = statSync(dirArg).isDirectory()
        ? readdirSync(dirArg).filter((f) => !f.startsWith('.')).sort().map((f) => join(dirArg, f)).filter((f) => statSync(f).isFile())
        : [dirArg];
      const { lines, problems } = parseHostKeyLines(files.map((file) => ({ file, text: readFileSync(file, 'utf8') })));
      const machines: Reachable[] = repo.machines.map((m) => {
        const ssh = { ...repo.config.ssh, ...repo.sites.get(m.site)?.ssh, ...m.ssh };
        return { id: m.id, host: m.host, port: m.port ?? ssh.port ?? 22 };
      });
      const pinned = [];
      for (const l of lines) {
        const machine = machineFor(l.name, machines);
        if (!machine) problems.push(`${l.file}:${l.line}: ${l.name} is not a machine of the inventory (by id or host name)`);
        else pinned.push({ hostName: knownHostsName(machine), keyType: l.keyType, keyBase64: l.keyBase64, comment: machine.id });
      }
      if (problems.length > 0) throw inputError(`${problems.join('\n')}\n${problems.length} problem(s); known_hosts was not changed`);
      const file = resolveProjectPath(repo.config.ssh.knownHosts ?? 'known_hosts', repo.root);
      const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
      writeFileSync(file, mergeKnownHosts(before, pinned));
      out.out(`${pinned.length} host key(s) from ${files.length} file(s) merged into ${basename(file)} (${file})\n`);
    });
}

