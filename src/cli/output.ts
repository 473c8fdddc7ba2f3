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

/** Writes many chunks to stdout in ~1 MB pieces, waiting for the pipe to drain, so big output never piles up in memory. */
export async function writeChunks(chunks: Iterable<string>): Promise<void> {
  let buffer = '';
  const flush = async () => {
    if (!buffer) return;
    const ok = process.stdout.write(buffer);
    buffer = '';
    if (!ok) await new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
  };
  for (const chunk of chunks) {
    buffer += chunk;
    if (buffer.length >= 1 << 20) await flush();
  }
  await flush();
}
