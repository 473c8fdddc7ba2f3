/** Turning ssh2 and socket errors into TransportErrors with the class the journal records. */
import { TransportError } from './transport.js';
import type { Target } from './transport.js';

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'EPIPE',
  'EADDRNOTAVAIL',
]);

/** Where a connect attempt is aimed, for messages: `BRU-D0042 (root@10.1.2.3:22)`. */
export function describeTarget(target: Target): string {
  return `${target.id} (${target.user}@${target.host}:${target.port})`;
}

/** Classify an error seen before the connection was ready. */
export function classifyConnectError(error: unknown, target: Target): TransportError {
  if (error instanceof TransportError) return error;
  const err = error as NodeJS.ErrnoException & { level?: string };
  const where = describeTarget(target);
  const message = err?.message ?? String(error);
  if (err?.code && UNREACHABLE_CODES.has(err.code)) {
    return new TransportError(`${where}: unreachable: ${message}`, 'unreachable', true, { cause: error });
  }
  if (err?.level === 'client-timeout' || /timed out/i.test(message)) {
    return new TransportError(
      `${where}: no SSH handshake within ${target.connectTimeoutMs} ms`,
      'timeout',
      true,
      { cause: error },
    );
  }
  if (err?.level === 'client-authentication' || /authentication methods failed/i.test(message)) {
    return new TransportError(
      `${where}: authentication failed for user ${target.user} (the server accepted none of the offered keys)`,
      'auth',
      false,
      { cause: error },
    );
  }
  if (err?.level === 'client-socket' || err?.level === 'client-dns') {
    return new TransportError(`${where}: unreachable: ${message}`, 'unreachable', true, { cause: error });
  }
  if (err?.level === 'protocol' || err?.level === 'handshake') {
    return new TransportError(`${where}: SSH handshake failed: ${message}`, 'unreachable', true, { cause: error });
  }
  return new TransportError(`${where}: ${message}`, 'internal', false, { cause: error });
}

/** The connection went away while the machine was being worked on. */
export function createConnectionLostError(target: Target, cause?: unknown): TransportError {
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  return new TransportError(`${describeTarget(target)}: connection lost${detail}`, 'unreachable', true, { cause });
}
