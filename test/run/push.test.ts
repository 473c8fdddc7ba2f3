/**
 * The Pusher against a real OpenSSH sshd: the file goes over SFTP (internal-sftp) into the package cache, a stale
 * .partial is written over, a cached file of the right size is left alone (the PC's bundle step hashes it), and a
 * server without SFTP gets the file through the exec commands instead.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatCachedFiles, LINUX_PACKAGE_CACHE } from '../../src/model/package-cache.js';
import type { MachinePlan } from '../../src/model/plan.js';
import { Pusher, PushError } from '../../src/run/push.js';
import { createSshTransport, type Connection } from '../../src/transport/index.js';
import { SSHD_MISSING, sshdAvailable, startSshd, targetFor, type Sshd } from '../support/sshd.js';

const describeSshd = sshdAvailable() ? describe : describe.skip;
if (!sshdAvailable()) console.warn(SSHD_MISSING);

const bytes = randomBytes(5 * 1024 * 1024 + 3);
const sha256 = createHash('sha256').update(bytes).digest('hex');
const cachePath = `${LINUX_PACKAGE_CACHE}/${sha256}/tool_1.0_amd64.deb`;

describeSshd('push over SSH into the package cache', () => {
  let dir: string;
  const sshds: Sshd[] = [];
  const conns: Connection[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hs-push-'));
    await writeFile(join(dir, 'tool_1.0_amd64.deb'), bytes);
  });
  afterEach(async () => {
    await Promise.all(conns.splice(0).map((c) => c.close()));
    await Promise.all(sshds.splice(0).map((s) => s.stop()));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** A Linux PC whose root is a fresh folder, and a plan with one step that pushes the file. */
  async function pc(name: string, sftp = true): Promise<{ plan: MachinePlan; conn: Connection; cached: string }> {
    const sshd = await startSshd({ sftp });
    sshds.push(sshd);
    const root = join(dir, name);
    await mkdir(root, { recursive: true });
    const sources = formatCachedFiles([{ sha256, kind: 'push', location: 'tool_1.0_amd64.deb', credentialVar: '', cachePath, name: 'tool 1.0' }]);
    const plan = { machine: { id: name, os: 'linux' }, root, steps: [{ id: 'bundle:tools', vars: { HS_SOURCES: sources } }] } as unknown as MachinePlan;
    const conn = await createSshTransport().connect(targetFor(sshd, { id: name }));
    conns.push(conn);
    return { plan, conn, cached: join(root, cachePath) };
  }

  test('sends the file over SFTP, leaves no .partial, and sends nothing to a PC holding a file of its size', async () => {
    const { plan, conn, cached } = await pc('PC-SFTP');
    const files = await conn.files!(60_000);
    expect(files).not.toBeNull(); // the server's SFTP, not the exec commands
    files?.close();
    const pusher = new Pusher(dir, 2);
    await pusher.push(plan, conn, 300_000);
    expect((await readFile(cached)).equals(bytes)).toBe(true);
    expect(existsSync(`${cached}.partial`)).toBe(false);

    // same size, other bytes: the push leaves it to the bundle step, which hashes it before anything installs
    const tampered = Buffer.from(bytes);
    tampered[0] ^= 0xff;
    await writeFile(cached, tampered);
    await pusher.push(plan, conn, 300_000);
    expect((await readFile(cached)).equals(tampered)).toBe(true);
    expect(pusher.reads).toBe(1);
  }, 300_000);

  test('a stale .partial from a transfer that broke off is written over and the push completes', async () => {
    const { plan, conn, cached } = await pc('PC-STALE');
    await mkdir(join(cached, '..'), { recursive: true });
    await writeFile(`${cached}.partial`, Buffer.alloc(bytes.length + 4096, 1)); // longer than the file: truncated
    await new Pusher(dir).push(plan, conn, 300_000);
    expect((await readFile(cached)).equals(bytes)).toBe(true);
    expect(existsSync(`${cached}.partial`)).toBe(false);
  }, 300_000);

  test('a server that refuses SFTP gets the file through the exec commands', async () => {
    const { plan, conn, cached } = await pc('PC-EXEC', false);
    expect(await conn.files!(60_000)).toBeNull();
    await new Pusher(dir).push(plan, conn, 300_000);
    expect((await readFile(cached)).equals(bytes)).toBe(true);
    expect(existsSync(`${cached}.partial`)).toBe(false);
  }, 300_000);

  test('a file on the control machine whose hash is not the bundle\'s is refused before anything is sent', async () => {
    const { plan, conn, cached } = await pc('PC-WRONG');
    await writeFile(join(dir, 'wrong.deb'), 'not the file');
    const wrong = { ...plan, steps: plan.steps.map((s) => ({ ...s, vars: { HS_SOURCES: s.vars.HS_SOURCES.replace('\ttool_1.0_amd64.deb\t', '\twrong.deb\t') } })) };
    await expect(new Pusher(dir).push(wrong, conn, 300_000)).rejects.toThrow(PushError);
    await expect(new Pusher(dir).push(wrong, conn, 300_000)).rejects.toThrow(/installer hash mismatch: tool 1\.0: wrong\.deb: expected [0-9a-f]{64}, found [0-9a-f]{64}/);
    expect(existsSync(cached)).toBe(false);
  }, 300_000);
});
