import { connect } from 'node:net';

export interface ProbeTarget {
  id: string;
  host: string;
  port: number;
}

/**
 * Is the PC there? A TCP connect and the SSH banner within `timeoutMs`; nothing is sent but the socket's close.
 * Cheap enough to ask thousands of PCs at once: `concurrency` sockets at a time.
 */
export async function probeMachines(targets: ProbeTarget[], options: { timeoutMs: number; concurrency?: number }): Promise<Map<string, boolean>> {
  const answered = new Map<string, boolean>();
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const target = targets[next++];
      answered.set(target.id, await probeOne(target, options.timeoutMs));
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 2000, targets.length) }, worker));
  return answered;
}

export function probeOne(target: ProbeTarget, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: target.host, port: target.port });
    let banner = '';
    const done = (seen: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(seen);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      banner += chunk.toString('latin1');
      if (banner.includes('\n')) done(/^SSH-|\nSSH-/.test(banner));
    });
    socket.on('error', () => done(false));
    socket.on('close', () => done(/^SSH-|\nSSH-/.test(banner)));
  });
}
