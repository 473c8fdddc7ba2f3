/**
 * A throw-away PostgreSQL server for tests and benchmarks: initdb in a temporary directory, 127.0.0.1 at a free
 * port, unix sockets in that directory, fsync off; run as the `postgres` user when we are root (initdb refuses
 * root), stopped with `pg_ctl stop -m fast` and the directory removed.
 */
import { execa } from 'execa';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = '/usr/lib/postgresql';
const SERVICE_USER = 'postgres';

/** The bin folder of the newest installed PostgreSQL major that has initdb and pg_ctl, or null. */
export function postgresBinDir(): string | null {
  if (!existsSync(ROOT)) return null;
  const majors = readdirSync(ROOT).filter((v) => /^\d+$/.test(v)).map(Number).sort((a, b) => b - a);
  for (const major of majors) {
    const bin = join(ROOT, String(major), 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  return null;
}

export function postgresAvailable(): boolean {
  return postgresBinDir() !== null;
}

export const POSTGRES_MISSING = `no PostgreSQL server under ${ROOT}/*/bin (apt-get install -y postgresql): PostgreSQL journal tests skipped`;

export interface PostgresOptions {
  password?: string; // TCP logins need this password (scram-sha-256); without it, trust
}

export interface Postgres {
  host: '127.0.0.1';
  port: number;
  user: string; // the superuser
  database: string; // "postgres"
  dir: string;
  /** postgres://user@127.0.0.1:port/database (no password in it). */
  url(database?: string): string;
  /** A new, empty database; returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

const isRoot = (): boolean => process.getuid?.() === 0;

/** Runs a server binary as the service user when we are root, else as ourselves. */
function runBinary(bin: string, args: string[]) {
  if (!isRoot()) return execa(bin, args, { reject: false, stdin: 'ignore' });
  return execa('runuser', ['-u', SERVICE_USER, '--', bin, ...args], { reject: false, stdin: 'ignore' });
}

async function serviceIds(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([execa('id', ['-u', SERVICE_USER]), execa('id', ['-g', SERVICE_USER])]);
  return { uid: Number(uid.stdout), gid: Number(gid.stdout) };
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** initdb + pg_ctl start; resolves once the server accepts connections. */
export async function startPostgres(options: PostgresOptions = {}): Promise<Postgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error(POSTGRES_MISSING);
  const dir = await mkdtemp(join(tmpdir(), 'homeshift-pg-'));
  await chmod(dir, 0o700);
  if (isRoot()) {
    const { uid, gid } = await serviceIds();
    await chown(dir, uid, gid);
  }
  const user = 'homeshift';
  const data = join(dir, 'data');
  const initArgs = ['-D', data, '-U', user, '-E', 'UTF8', '--locale=C', '--no-sync', '--auth-local=trust'];
  if (options.password !== undefined) {
    const pwfile = join(dir, 'pwfile');
    await writeFile(pwfile, `${options.password}\n`, { mode: 0o600 });
    if (isRoot()) {
      const { uid, gid } = await serviceIds();
      await chown(pwfile, uid, gid);
    }
    initArgs.push('--auth-host=scram-sha-256', `--pwfile=${pwfile}`);
  } else {
    initArgs.push('--auth-host=trust');
  }
  const fail = async (what: string, detail: string): Promise<never> => {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`PostgreSQL ${what} failed: ${detail}`);
  };
  const init = await runBinary(join(bin, 'initdb'), initArgs);
  if (init.exitCode !== 0) await fail('initdb', `${init.stderr}${init.stdout}`);

  const port = await findFreePort();
  const logFile = join(dir, 'server.log');
  const serverOptions = [
    `-c listen_addresses=127.0.0.1`, `-p ${port}`, `-k ${dir}`, '-c fsync=off', '-c synchronous_commit=off',
    '-c full_page_writes=off', '-c max_connections=200', '-c shared_buffers=32MB',
  ].join(' ');
  const start = await runBinary(join(bin, 'pg_ctl'), ['-D', data, '-l', logFile, '-o', serverOptions, '-w', '-t', '60', 'start']);
  if (start.exitCode !== 0) {
    const log = await readFile(logFile, 'utf8').catch(() => '');
    await fail('start', `${start.stderr}${start.stdout}\n${log}`);
  }

  const url = (database = 'postgres'): string => `postgres://${user}@127.0.0.1:${port}/${database}`;
  return {
    host: '127.0.0.1',
    port,
    user,
    database: 'postgres',
    dir,
    url,
    async createDatabase(name: string): Promise<string> {
      const created = await runBinary(join(bin, 'createdb'), ['-h', dir, '-p', String(port), '-U', user, name]);
      if (created.exitCode !== 0) throw new Error(`createdb ${name} failed: ${created.stderr}`);
      return url(name);
    },
    async stop(): Promise<void> {
      await runBinary(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
