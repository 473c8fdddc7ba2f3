import { createReadStream } from 'node:fs';
import { open, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, sep } from 'node:path';

/**
 * The lab's distribution point: a real HTTP server on loopback serving the files under one folder, as a web server of
 * the company serves installers to its PCs. Plain http, and on 127.0.0.1 only (validate accepts http for loopback
 * addresses alone). It answers a Range request (bytes=N- or bytes=N-M) with 206 and Content-Range, as web servers do,
 * so a PC resumes a download that broke off.
 *
 * Faults, by files in the folder (one name a line, a path below the folder with /):
 * - `.tampered`: every file named there is served with its last byte changed, as a swapped file on the way would be.
 * - `.broken-off`: the next GET of each file named there breaks off halfway (the connection closes after half of the
 *   bytes it should send), once: the name then leaves the list.
 */
export const TAMPERED_LIST = '.tampered';
export const BROKEN_OFF_LIST = '.broken-off';

export interface DistributionPoint {
  url: string; // http://127.0.0.1:PORT/ (with the slash)
  folder: string;
  downloads(name?: string): number; // GETs served to the last byte, of one file (a path below the folder, with /), or of all
  bytesServed(name?: string): number; // body bytes sent, of one file or of all, broken-off transfers included
  stop(): Promise<void>;
}

async function listed(folder: string, list: string, name: string): Promise<boolean> {
  const text = await readFile(join(folder, list), 'utf8').catch(() => '');
  return text.split('\n').some((line) => line.trim() === name);
}

/** Takes the name off the broken-off list; true when it was there. */
async function takeBrokenOff(folder: string, name: string): Promise<boolean> {
  const file = join(folder, BROKEN_OFF_LIST);
  const lines = (await readFile(file, 'utf8').catch(() => '')).split('\n');
  const rest = lines.filter((line) => line.trim() !== name);
  if (rest.length === lines.length) return false;
  await writeFile(file, rest.join('\n'));
  return true;
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

/** The byte range a Range header asks for within size bytes; null for the whole file, 'unsatisfiable' past its end. */
function askedRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  const m = /^bytes=(\d+)-(\d*)$/.exec(header?.trim() ?? '');
  if (!m) return null; // no header, or a form this server does not serve in part (suffix, several ranges): the whole file
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

export async function startDistributionPoint(folder: string): Promise<DistributionPoint> {
  const counts = new Map<string, number>();
  const bytes = new Map<string, number>();

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let name: string;
    try { name = decodeURIComponent(new URL(req.url ?? '/', 'http://lab').pathname).replace(/^\/+/, ''); } catch { name = ''; }
    const file = normalize(join(folder, name));
    const size = name && !name.startsWith('.') && file.startsWith(folder + sep) ? await stat(file).then((s) => (s.isFile() ? s.size : -1), () => -1) : -1;
    if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405).end(); return; }
    if (size < 0) { res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n'); return; }
    const range = askedRange(req.headers.range, size);
    if (range === 'unsatisfiable') { res.writeHead(416, { 'content-range': `bytes */${size}` }).end(); return; }
    const { start, end } = range ?? { start: 0, end: size - 1 };
    const headers = { 'content-type': 'application/octet-stream', 'content-length': end - start + 1, 'accept-ranges': 'bytes' };
    if (range) res.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${end}/${size}` });
    else res.writeHead(200, headers);
    if (req.method === 'HEAD' || size === 0) { res.end(); return; }
    const swap = end === size - 1 && (await listed(folder, TAMPERED_LIST, name));
    const breakOff = req.method === 'GET' && (await takeBrokenOff(folder, name));
    // the last byte to send: before the swapped one, or half of what was asked for
    const last = breakOff ? start + Math.floor((end - start) / 2) : swap ? end - 1 : end;
    const swapped = swap && !breakOff ? (await lastByte(file, size)) ^ 0xff : null;
    const stream = createReadStream(file, { start, end: last });
    stream.on('data', (chunk) => bytes.set(name, (bytes.get(name) ?? 0) + chunk.length));
    stream.on('error', () => res.destroy());
    stream.on('end', () => {
      if (breakOff) {
        // the bytes written so far go out, then the connection closes: the client is short of what Content-Length said
        res.socket?.end();
        return;
      }
      if (swapped !== null) {
        res.write(Buffer.from([swapped]));
        bytes.set(name, (bytes.get(name) ?? 0) + 1);
      }
      // counted once every byte is queued, before the client can have the whole file: 'finish' may come after the
      // client is done and has moved on, and a client that closes on the last byte may even beat it
      counts.set(name, (counts.get(name) ?? 0) + 1);
      res.end();
    });
    stream.pipe(res, { end: false });
  }

  const server: Server = createServer((req, res) => void serve(req, res).catch(() => res.destroy()));
  await new Promise<void>((done, fail) => { server.once('error', fail); server.listen(0, '127.0.0.1', () => done()); });
  const { port } = server.address() as AddressInfo;
  const total = (map: Map<string, number>, name?: string) => (name === undefined ? [...map.values()].reduce((a, b) => a + b, 0) : map.get(name) ?? 0);
  return {
    url: `http://127.0.0.1:${port}/`,
    folder,
    downloads: (name) => total(counts, name),
    bytesServed: (name) => total(bytes, name),
    stop: () => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); }),
  };
}
