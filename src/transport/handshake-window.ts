/**
 * At most `size` SSH handshakes in flight; the rest wait their turn in the order they asked. With a thousand
 * handshakes at once every one of them advances a little per turn of the event loop, so all finish late together
 * (and a connect timeout, which runs from the first packet, can run out for all of them at once). In a window
 * they finish in the order they began, and the first PCs start their programs while the last still queue.
 */
export type HandshakeWindow = <T>(handshake: () => Promise<T>) => Promise<T>;

export function createHandshakeWindow(size: number): HandshakeWindow {
  if (!Number.isInteger(size) || size < 1) throw new Error(`handshake window must be a positive whole number, not ${size}`);
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = (): void => {
    const next = waiting.shift();
    if (next) next(); // the slot passes on: active stays the same
    else active--;
  };
  return async (handshake) => {
    if (active < size) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await handshake();
    } finally {
      release();
    }
  };
}
