import { processAlive, type JournalStore, type LeaseGrant, type LeaseHolder } from '../journal/index.js';
import type { LeaseTake, MachineLeases } from './machine-leases.js';

export interface LeaseKeeperOptions {
  ttlMs: number; // leaseTimeout: a lease not renewed for this long may be taken over
  renewEveryMs?: number; // default: a third of ttlMs
  onError?: (err: Error) => void; // a renewal the journal refused; the lease may then expire
}

/** How often in-flight leases are renewed: a third of the timeout, so two renewals may fail before one expires. */
export function renewalPeriod(ttlMs: number): number {
  return ttlMs / 3;
}

/**
 * Leases of a controller that died on this same control machine (same user@host, its pid gone, e.g. kill -9)
 * need not wait for leaseTimeout: they are given back in the dead holder's name and taken again.
 */
async function acquireTakingOverDead(store: JournalStore, holder: LeaseHolder, machines: string[], ttl: number): Promise<LeaseGrant> {
  const grant = await store.acquireLeases(holder, machines, ttl);
  const dead = grant.busy.filter((b) => b.holder.who === holder.who && b.holder.pid !== holder.pid && !processAlive(b.holder.pid));
  if (dead.length === 0) return grant;
  for (const b of dead) await store.releaseLeases(b.holder, [b.machine]);
  const again = await store.acquireLeases(holder, dead.map((b) => b.machine), ttl);
  const retried = new Set(dead.map((b) => b.machine));
  return { granted: [...grant.granted, ...again.granted], busy: [...grant.busy.filter((b) => !retried.has(b.machine)), ...again.busy] };
}

/** Calls made in the same turn of the event loop go to the journal as one call (one transaction). */
function batched<R>(work: (keys: string[]) => Promise<Map<string, R>>): (key: string) => Promise<R> {
  let queue: { key: string; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  const drain = () => {
    const batch = queue;
    queue = [];
    work(batch.map((b) => b.key)).then(
      (out) => { for (const b of batch) b.resolve(out.get(b.key)!); },
      (err: unknown) => { for (const b of batch) b.reject(err); },
    );
  };
  return (key) => new Promise<R>((resolve, reject) => {
    if (queue.length === 0) setImmediate(drain);
    queue.push({ key, resolve, reject });
  });
}

/**
 * Machine leases in the journal for one run controller: taken before a machine is contacted, renewed for every
 * machine in flight by one timer (one journal call per period, not one per machine), checked once more when the
 * machine is done; recording the result gives the lease back.
 */
export function createLeaseKeeper(store: JournalStore, holder: LeaseHolder, options: LeaseKeeperOptions): MachineLeases {
  const ttl = options.ttlMs;
  const inFlight = new Map<string, AbortController>();
  const taken = new Set<string>();
  const onError = (err: unknown) => options.onError?.(err instanceof Error ? err : new Error(String(err)));

  const take = batched<LeaseTake>(async (machines) => {
    const grant = await acquireTakingOverDead(store, holder, machines, ttl);
    const out = new Map<string, LeaseTake>(grant.busy.map((b) => [b.machine, { granted: false, holder: b.holder }]));
    // Another controller of this same run (a second --resume) may have finished a machine before its lease was free.
    const finished = new Set(await store.finishedInRun(holder.runId, grant.granted));
    if (finished.size > 0) await store.releaseLeases(holder, [...finished]);
    for (const machine of grant.granted) {
      if (finished.has(machine)) {
        out.set(machine, { granted: false, holder: null });
        continue;
      }
      out.set(machine, { granted: true });
      inFlight.set(machine, new AbortController());
      taken.add(machine);
    }
    return out;
  });

  const finish = batched<boolean>(async (machines) => {
    for (const m of machines) inFlight.delete(m);
    const lost = new Set(await store.renewLeases(holder, machines, ttl));
    return new Map(machines.map((m) => [m, !lost.has(m)]));
  });

  let renewing: Promise<void> | null = null;
  const renew = () => {
    if (renewing || inFlight.size === 0) return;
    renewing = store.renewLeases(holder, [...inFlight.keys()], ttl)
      .then((lost) => { for (const m of lost) inFlight.get(m)?.abort(new Error('lease lost')); })
      .catch(onError)
      .finally(() => { renewing = null; });
  };
  const timer = setInterval(renew, options.renewEveryMs ?? renewalPeriod(ttl));
  timer.unref();

  return {
    take,
    lost: (machine) => (inFlight.get(machine) ?? new AbortController()).signal,
    finish,
    close: async () => {
      clearInterval(timer);
      await renewing;
      inFlight.clear();
      // Recorded machines gave their leases back already; this frees the rest (e.g. a result the journal refused).
      if (taken.size > 0) await store.releaseLeases(holder, [...taken]).catch(onError);
      taken.clear();
    },
  };
}
