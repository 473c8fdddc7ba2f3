/**
 * A lab PC's SFTP server seen through homeshift's own ssh transport: files written, renamed and removed inside the PC's
 * folder; every path outside it refused; a Windows PC's C:\ in Win32-OpenSSH's /C:/ form; the hang fault; a push
 * whose connection is lost mid-transfer leaves only the .partial.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';
import { createCounters } from '../../src/lab/lab-stats.js';
import { PcServer, type FleetContext } from '../../src/lab/pc-server.js';
import { createVerifier } from '../../src/lab/ssh-keys.js';
import type { AssignedFault } from '../../src/lab/faults.js';
import { formatCachedFiles, LINUX_PACKAGE_CACHE } from '../../src/model/package-cache.js';
import type { MachinePlan } from '../../src/model/plan.js';
import { Pusher } from '../../src/run/push.js';
import { generateEd25519 } from '../../src/transport/key-pair.js';
import { createSshTransport, RemoteFileError, TransportError, type Connection, type RemoteFiles } from '../../src/transport/index.js';

const clientKeys = generateEd25519();
const PERMISSION_DENIED = 3;
let base: string;
let fleet: FleetContext;
const servers: PcServer[] = [];
const connections: Connection[] = [];

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'hs-pc-sftp-'));
  const accepted = ssh2.utils.parseKey(clientKeys.public) as ParsedKey;
  fleet = { clientKey: accepted, verifyClient: createVerifier(accepted), pwsh: null, counters: createCounters(), live: new Set() };
});

afterEach(async () => {
  await Promise.all(connections.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
  for (const item of [...fleet.live]) item.stop();
  await rm(base, { recursive: true, force: true });
});

async function connectPc(os: 'linux' | 'windows', fault: AssignedFault | null = null): Promise<{ root: string; conn: Connection; server: PcServer }> {
  const root = join(base, `PC-${servers.length + 1}`);
  await mkdir(root, { recursive: true });
  const server = new PcServer({ id: 'PC-1', site: 's', os, user: 'e1', root, port: 0, fault, attempts: 0, healed: false, saved: null }, fleet);
  servers.push(server);
  const port = await server.listen();
  server.serve(generateEd25519().private);
  const conn = await createSshTransport().connect({ id: 'PC-1', host: '127.0.0.1', port, user: 'homeshift', privateKey: clientKeys.private, hostKeyPolicy: 'off', connectTimeoutMs: 60_000 });
  connections.push(conn);
  return { root, conn, server };
}

async function openFiles(conn: Connection, timeoutMs = 120_000): Promise<RemoteFiles> {
  const files = await conn.files!(timeoutMs);
  if (!files) throw new Error('the lab PC offers no SFTP');
  return files;
}

async function refusal(work: Promise<unknown>): Promise<number> {
  const error = await work.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(RemoteFileError);
  return (error as RemoteFileError).code;
}

describe("a lab PC's SFTP server", () => {
  test('makes folders, writes, renames over an existing file, stats and removes inside the PC', async () => {
    const { root, conn } = await connectPc('linux');
    const files = await openFiles(conn);
    const folder = join(root, 'var', 'cache', 'homeshift');
    await files.mkdir(join(root, 'var'));
    await files.mkdir(join(root, 'var', 'cache'));
    await files.mkdir(folder);
    await expect(refusal(files.mkdir(folder))).resolves.toBe(4); // there already: a plain failure, as OpenSSH answers
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    await files.writeFile(join(folder, 'a.deb.partial'), bytes);
    await writeFile(join(folder, 'a.deb'), 'old');
    await files.rename(join(folder, 'a.deb.partial'), join(folder, 'a.deb'));
    expect((await readFile(join(folder, 'a.deb'))).equals(bytes)).toBe(true);
    expect(await files.stat(join(folder, 'a.deb'))).toEqual({ size: bytes.length, isFile: true, isDirectory: false });
    expect(await files.stat(join(folder, 'a.deb.partial'))).toBeNull();
    await files.remove(join(folder, 'a.deb'));
    expect(await files.stat(join(folder, 'a.deb'))).toBeNull();
    files.close();
    expect(fleet.counters.fileSessions).toBe(1);
  });

  test('refuses every path outside the PC with PERMISSION_DENIED', async () => {
    const { root, conn } = await connectPc('linux');
    await mkdir(join(base, 'elsewhere'));
    await symlink(join(base, 'elsewhere'), join(root, 'link-out'));
    const files = await openFiles(conn);
    await expect(refusal(files.stat('/etc/passwd'))).resolves.toBe(PERMISSION_DENIED);
    await expect(refusal(files.writeFile(join(root, '..', 'elsewhere', 'x'), Buffer.from('x')))).resolves.toBe(PERMISSION_DENIED);
    await expect(refusal(files.mkdir(join(root, 'link-out', 'made')))).resolves.toBe(PERMISSION_DENIED);
    await expect(refusal(files.rename(join(root, 'nothing'), join(base, 'stolen')))).resolves.toBe(PERMISSION_DENIED);
    await expect(refusal(files.remove(`${root}-other/file`))).resolves.toBe(PERMISSION_DENIED);
    await expect(refusal(files.stat('../../etc/passwd'))).resolves.toBe(PERMISSION_DENIED);
    files.close();
  });

  test("a Windows PC takes its C:\\ in Win32-OpenSSH's /C:/ form, on its C folder, and no other drive", async () => {
    const { root, conn } = await connectPc('windows');
    await mkdir(join(root, 'C', 'ProgramData'), { recursive: true });
    const files = await openFiles(conn);
    await files.mkdir('/C:/ProgramData/homeshift');
    await files.writeFile('/C:/ProgramData/homeshift/setup.exe', Buffer.from('MZ'));
    expect(await readFile(join(root, 'C', 'ProgramData', 'homeshift', 'setup.exe'), 'utf8')).toBe('MZ');
    expect((await files.stat('C:\\ProgramData\\homeshift\\setup.exe'))?.size).toBe(2);
    await expect(refusal(files.stat('/D:/data'))).resolves.toBe(PERMISSION_DENIED);
    expect(await files.stat('/C:/../../ProgramData/homeshift/setup.exe')).not.toBeNull(); // .. stops at C:\, as on Windows
    files.close();
  });

  test('hang: the SFTP session is never answered, and the transport gives up with a timeout', async () => {
    const { conn } = await connectPc('linux', { kind: 'hang', heal: null });
    const error = await conn.files!(1500).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).errorClass).toBe('timeout');
    expect(fleet.counters.hangs).toBe(1);
  });

  test('a push whose connection is lost mid-transfer fails as unreachable and leaves only the .partial', async () => {
    const { root, conn, server } = await connectPc('linux');
    const bytes = randomBytes(96 * 1024 * 1024);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await writeFile(join(base, 'big.deb'), bytes);
    const cachePath = `${LINUX_PACKAGE_CACHE}/${sha256}/big.deb`;
    const sources = formatCachedFiles([{ sha256, kind: 'push', location: 'big.deb', credentialVar: '', cachePath, name: 'big 1.0' }]);
    const plan = { machine: { id: 'PC-1', os: 'linux' }, root, steps: [{ id: 'bundle:big', vars: { HS_SOURCES: sources } }] } as unknown as MachinePlan;
    const partial = join(root, `${cachePath}.partial`);
    const pushed = new Pusher(base).push(plan, conn, 600_000).then(() => null, (e: unknown) => e);
    for (;;) { // the first bytes are on the PC's disk: switch it off
      if (((await stat(partial).catch(() => null))?.size ?? 0) > 0) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    server.setPower(false);
    const error = await pushed;
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).errorClass).toBe('unreachable');
    expect(existsSync(join(root, cachePath))).toBe(false);
    expect(existsSync(partial)).toBe(true);
  }, 300_000);
});
