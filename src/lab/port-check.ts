import { createServer } from 'node:net';

/**
 * Count the ports in use on 127.0.0.1 by trying to bind them: connecting instead would count as
 * an attempt on the PC (and heal its fault) or wait out a slow handshake.
 */
export async function checkPorts(ports: number[]): Promise<number> {
  let inUse = 0;
  for (const port of ports) if (await isPortInUse(port)) inUse += 1;
  return inUse;
}

export function isPortInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRINUSE'));
    probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => probe.close(() => resolve(false)));
  });
}
