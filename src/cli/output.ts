import { Chalk, type ChalkInstance } from 'chalk';
import { stdoutClosed } from './output-closed.js';

export interface Output {
  color: boolean;
  tty: boolean;
  c: ChalkInstance;
  out(text: string): void;
  err(text: string): void;
}

/** Colour only on a TTY, and never under NO_COLOR or --no-color. */
export function createOutput(opts: { color?: boolean } = {}): Output {
  const tty = Boolean(process.stdout.isTTY);
  const color = tty && opts.color !== false && !('NO_COLOR' in process.env);
  const c = new Chalk({ level: color ? 1 : 0 });
  return {
    color,
    tty,
    c,
    out: (text) => { if (!stdoutClosed()) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`); },
    err: (text) => { process.stderr.write(text.endsWith('\n') ? text : `${text}\n`); },
  };
}

const PIECE = 1 << 20;

/**
 * Writes many chunks to stdout in ~1 MB pieces, waiting for the pipe to drain, so big output never piles up in memory.
 * Each chunk is encoded straight into the piece's buffer: no joined string to flatten and encode a second time.
 */
export async function writeChunks(chunks: Iterable<string | Uint8Array>): Promise<void> {
  let piece = Buffer.allocUnsafe(PIECE);
  let used = 0;
  const send = async (data: Uint8Array | string) => {
    if (!process.stdout.write(data)) await new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
  };
  const flush = async () => {
    if (used === 0) return;
    const full = piece.subarray(0, used);
    used = 0;
    await send(full);
    // A file or a blocking pipe took the bytes at once: the piece can be filled again; else the stream still holds it.
    if (process.stdout.writableLength > 0) piece = Buffer.allocUnsafe(PIECE);
  };
  for (const chunk of chunks) {
    const text = typeof chunk === 'string';
    const most = text ? chunk.length * 3 : chunk.length; // UTF-8 bytes per UTF-16 unit, at most
    if (used + most > PIECE) await flush();
    if (most > PIECE) await send(text ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
    else if (text) used += piece.write(chunk, used);
    else {
      piece.set(chunk, used);
      used += chunk.length;
    }
  }
  await flush();
}
