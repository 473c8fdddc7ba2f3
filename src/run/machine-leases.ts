import type { MachineHolder } from '../model/result.js';

/** The answer to "may this run contact the machine now?". holder null: another controller of this run finished it. */
export type LeaseTake = { granted: true } | { granted: false; holder: MachineHolder | null };

/**
 * What the scheduler asks before, while and after it works on a machine. The journal-backed keeper
 * (lease-keeper.ts) takes, renews and gives back leases; `unleased` grants everything (check runs).
 */
export interface MachineLeases {
  /** Take the machine's lease before it is contacted. */
  take(machine: string): Promise<LeaseTake>;
  /** Aborted when the lease is lost (expired and taken over) while the machine is worked on. */
  lost(machine: string): AbortSignal;
  /** The machine's work is over: true when the lease is still held, so its result may be recorded. */
  finish(machine: string): Promise<boolean>;
  /** Stop renewing and give back what is still held; after the journal writer has closed. */
  close(): Promise<void>;
}

const never = new AbortController().signal;

export const unleased: MachineLeases = {
  take: async () => ({ granted: true }),
  lost: () => never,
  finish: async () => true,
  close: async () => {},
};

export function describeHolder(holder: MachineHolder | null, runId: string): string {
  return holder ? `held by run ${holder.runId} by ${holder.who} pid ${holder.pid}` : `finished by another controller of run ${runId}`;
}

/** homeshift.yaml's leaseTimeout when it names none. */
export const DEFAULT_LEASE_TIMEOUT_MS = 5 * 60_000;
