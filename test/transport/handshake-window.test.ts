import { createHandshakeWindow } from '../../src/transport/handshake-window.js';

describe('createHandshakeWindow', () => {
  it('runs at most its size at once and lets the others in, in the order they asked', async () => {
    const window = createHandshakeWindow(2);
    const gates = new Map<number, () => void>();
    const began: number[] = [];
    let active = 0;
    let most = 0;
    const handshake = (n: number) => window(() => new Promise<number>((resolve) => {
      began.push(n);
      most = Math.max(most, ++active);
      gates.set(n, () => { active--; resolve(n); });
    }));
    const all = Promise.all([1, 2, 3, 4, 5].map(handshake));
    const tick = () => new Promise((r) => setImmediate(r));
    await tick();
    expect(began).toEqual([1, 2]);
    gates.get(2)!();
    await tick();
    expect(began).toEqual([1, 2, 3]);
    gates.get(1)!();
    await tick();
    expect(began).toEqual([1, 2, 3, 4]);
    for (const n of [3, 4]) gates.get(n)!();
    await tick();
    gates.get(5)!();
    expect(await all).toEqual([1, 2, 3, 4, 5]);
    expect(most).toBe(2);
  });

  it('frees the slot of a handshake that failed', async () => {
    const window = createHandshakeWindow(1);
    await expect(window(() => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    await expect(window(() => Promise.resolve('ready'))).resolves.toBe('ready');
  });

  it('refuses a size that is not a positive whole number', () => {
    expect(() => createHandshakeWindow(0)).toThrow('positive whole number');
  });
});
