/**
 * The lab's distribution point serves ranges as web servers do and breaks a transfer off once on request; the lab's
 * curl (for machines without one) and the machine's own curl, where there is one, resume against it alike.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDistributionPoint, type DistributionPoint } from '../../src/lab/distribution-point.js';
import { simCurl } from '../../src/lab/sim-curl.js';

function run(file: string, args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((done) => execFile(file, args, (err, _out, stderr) => done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr })));
}

describe('lab distribution point', () => {
  let dir: string;
  let point: DistributionPoint;
  const data = randomBytes(1024 * 1024);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hs-dp-'));
    await writeFile(join(dir, 'pkg.deb'), data);
    point = await startDistributionPoint(dir);
  });

  afterAll(async () => {
    await point.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers bytes=N- with 206 and Content-Range, past the end with 416', async () => {
    const part = await fetch(`${point.url}pkg.deb`, { headers: { range: 'bytes=1000-' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-${data.length - 1}/${data.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(data.subarray(1000))).toBe(true);
    const past = await fetch(`${point.url}pkg.deb`, { headers: { range: `bytes=${data.length}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${data.length}`);
  });

  const lab = simCurl([]);
  const curls: [string, () => Promise<string>][] = [['the lab curl', async () => {
    const file = join(dir, 'lab-curl');
    await writeFile(file, lab!);
    await chmod(file, 0o755);
    return file;
  }]];
  if (!simCurl()) curls.push(['the machine curl', async () => 'curl']);

  it.each(curls)('%s: a transfer broken off halfway (exit 18) is resumed with -C -, fetching only the rest', async (_name, make) => {
    const curl = await make();
    const out = join(dir, `out-${randomBytes(4).toString('hex')}.partial`);
    await writeFile(join(dir, '.broken-off'), 'pkg.deb\n');
    const before = point.bytesServed('pkg.deb');
    const broken = await run(curl, ['-fsS', '-L', '-C', '-', '-o', out, `${point.url}pkg.deb`]);
    expect(broken.code).toBe(18);
    expect((await readFile(out)).length).toBe(data.length / 2);
    const again = await run(curl, ['-fsS', '-L', '-C', '-', '-o', out, `${point.url}pkg.deb`]);
    expect(again).toEqual({ code: 0, stderr: '' });
    expect((await readFile(out)).equals(data)).toBe(true);
    expect(point.bytesServed('pkg.deb') - before).toBe(data.length);
    // whole already: the server says 416, which curl -f takes for an error (the bundle step hashes a .partial first)
    expect((await run(curl, ['-fsS', '-L', '-C', '-', '-o', out, `${point.url}pkg.deb`])).code).toBe(22);
    expect((await run(curl, ['-fsS', '-o', out, `${point.url}missing.deb`])).code).toBe(22);
  });
});
