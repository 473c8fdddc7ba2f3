import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, sep } from 'node:path';

/**
 * The lab's distribution point: a real HTTP server on loopback serving the files under one folder, as a web server of
 * the company serves installers to its PCs. Plain http, and on 127.0.0.1 only (validate accepts http for loopback
 * addresses alone). The fault "tampered installer": every file named in the folder's `.tampered` (one name a line)
 * is served with its last byte changed, as a swapped file on the way would be.
 */
export const TAMPERED_LIST = '.tampered';

export interface DistributionPoint {
  url: string; // http://127.0.0.1:PORT/ (with the slash)
  folder: string;
  downloads(name?: string): number; // GETs served to the last byte, of one file (a path below the folder, with /), or of all
  stop(): Promise<void>;
}

async function tampered(folder: string, name: string): Promise<boolean> {
  const list = await readFile(join(folder, TAMPERED_LIST), 'utf8').catch(() => '');
  return list.split('\n').some((line) => line.trim() === name);
}

async function lastByte(file: string, size: number): Promise<number> {
  const handle = await open(file, 'r');
  try {
    const one = Buffer.alloc(1);
    await handle.read(one, 0, 1, size - 1);
    return one[0];
  } finally {
    await handle.close();
  }
}

export async function startDistributionPoint(folder: string): Promise<DistributionPoint> {
  const counts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    void (async () => {
      let name: string;
      try { name = decodeURIComponent(new URL(req.url ?? '/', 'http://lab').pathname).replace(/^\/+/, ''); } catch { name = ''; }
      const file = normalize(join(folder, name));
      const size = name && !name.startsWith('.') && file.startsWith(folder + sep) ? await stat(file).then((s) => (s.isFile() ? s.size : -1), () => -1) : -1;
      if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405).end(); return; }
      if (size < 0) { res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n'); return; }
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
      if (req.method === 'HEAD') { res.end(); return; }
      const swap = size > 0 && (await tampered(folder, name));
      const last = swap ? await lastByte(file, size) : 0;
      const stream = createReadStream(file, swap ? { end: size - 2 } : {});
      stream.on('error', () => res.destroy());
      stream.on('end', () => {
        if (swap) res.write(Buffer.from([last ^ 0xff]));
        // counted once every byte is queued, before the client can have the whole file: 'finish' may come after the
        // client is done and has moved on, and a client that closes on the last byte may even beat it
        counts.set(name, (counts.get(name) ?? 0) + 1);
        res.end();
      });
      stream.pipe(res, { end: false });
    })().catch(() => res.destroy());
  });
  await new Promise<void>((done, fail) => { server.once('error', fail); server.listen(0, '127.0.0.1', () => done()); });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    folder,
    downloads: (name) => (name === undefined ? [...counts.values()].reduce((a, b) => a + b, 0) : counts.get(name) ?? 0),
    stop: () => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); }),
  };
}
