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
export async function writeChunks(chunks: Iterable<string>): Promise<void> {
  let piece = Buffer.allocUnsafe(PIECE);
  let used = 0;
  const send = async (data: Buffer | string) => {
    if (!process.stdout.write(data)) await new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
  };
  const flush = async () => {
    if (used === 0) return;
    const full = piece.subarray(0, used);
    piece = Buffer.allocUnsafe(PIECE); // the stream may still hold the last one
    used = 0;
    await send(full);
  };
  for (const chunk of chunks) {
    const most = chunk.length * 3; // UTF-8 bytes per UTF-16 unit, at most
    if (used + most > PIECE) await flush();
    if (most > PIECE) await send(chunk);
    else used += piece.write(chunk, used);
  }
  await flush();
}
