/**
 * Fault injection for the lab: parse a spec such as
 * `offline=2%,slow=2%:delay=5,auth=1%,fail-mailbox=2%:heal=1,disk-full=1`
 * and assign at most one fault per PC, chosen by a seeded PRNG over the sorted machine ids.
 */

export type FaultKind =
  | 'offline'
  | 'slow'
  | 'auth'
  | 'hostkey'
  | 'drop'
  | 'hang'
  | 'disk-full'
  | 'unencrypted'
  | 'installer-busy'
  | 'denied-cp850'
  | 'denied-clixml'
  | `fail-${string}`;

/** One kind of fault as the spec asks for it. */
export interface FaultRequest {
  kind: FaultKind;
  count?: number; // a fixed number of PCs
  percent?: number; // or a share of the fleet
  heal: number | null; // the fault disappears after this many connection attempts
  delaySeconds?: number; // slow: handshake delay
  dropAfterBytes?: number; // drop: destroy the connection after this much stdout at the latest
}

/** The fault one PC carries. */
export interface AssignedFault {
  kind: FaultKind;
  heal: number | null;
  delaySeconds?: number;
  dropAfterBytes?: number;
}

export interface FaultPlan {
  spec: string;
  seed: number;
  byMachine: Record<string, AssignedFault>;
  byKind: Record<string, string[]>; // kind -> machine ids, sorted
}

export class FaultSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultSpecError';
  }
}

export const DEFAULT_SLOW_SECONDS = 3;
export const DEFAULT_DROP_BYTES = 64 * 1024;

const FIXED_KINDS = new Set(['offline', 'slow', 'auth', 'hostkey', 'drop', 'hang', 'disk-full', 'unencrypted', 'installer-busy', 'denied-cp850', 'denied-clixml']);
const STEP_ID_RE = /^[a-z0-9][a-z0-9:._-]*$/;

/** Parse a fault spec; throws FaultSpecError with a message naming the bad part. */
export function parseFaultSpec(spec: string | undefined): FaultRequest[] {
  const text = (spec ?? '').trim();
  if (text === '' || text === 'none') return [];
  const seen = new Set<string>();
  return text.split(',').map((raw) => {
    const part = raw.trim();
    const eq = part.indexOf('=');
    if (eq <= 0) throw new FaultSpecError(`fault "${part}": expected kind=share, e.g. offline=2% or auth=3`);
    const kind = parseKind(part.slice(0, eq).trim());
    if (seen.has(kind)) throw new FaultSpecError(`fault "${kind}" is given twice`);
    seen.add(kind);
    const [share, ...options] = part.slice(eq + 1).split(':');
    const request: FaultRequest = { kind, heal: null, ...parseShare(kind, share.trim()) };
    for (const option of options) applyOption(request, option.trim());
    if (request.kind === 'offline' && request.heal !== null) {
      throw new FaultSpecError('fault "offline" cannot heal: a refused connection never reaches the PC to be counted');
    }
    return request;
  });
}

function parseKind(kind: string): FaultKind {
  if (FIXED_KINDS.has(kind)) return kind as FaultKind;
  if (kind.startsWith('fail-') && STEP_ID_RE.test(kind.slice(5))) return kind as FaultKind;
  throw new FaultSpecError(
    `unknown fault kind "${kind}" (known: ${[...FIXED_KINDS].join(', ')}, fail-<step id>)`,
  );
}

function parseShare(kind: string, share: string): Pick<FaultRequest, 'count' | 'percent'> {
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(share);
  if (percent) {
    const value = Number(percent[1]);
    if (value > 100) throw new FaultSpecError(`fault "${kind}": share ${share} is more than 100%`);
    return { percent: value };
  }
  if (/^\d+$/.test(share)) return { count: Number(share) };
  throw new FaultSpecError(`fault "${kind}": share "${share}" is neither a percentage (2%) nor a count (3)`);
}

function applyOption(request: FaultRequest, option: string): void {
  const match = /^(heal|delay|bytes)=(\d+)$/.exec(option);
  if (!match) throw new FaultSpecError(`fault "${request.kind}": unknown option "${option}" (heal=K, delay=S for slow, bytes=N for drop)`);
  const value = Number(match[2]);
  if (match[1] === 'heal') {
    if (value < 1) throw new FaultSpecError(`fault "${request.kind}": heal must be at least 1`);
    request.heal = value;
  } else if (match[1] === 'delay' && request.kind === 'slow') {
    request.delaySeconds = value;
  } else if (match[1] === 'bytes' && request.kind === 'drop') {
    request.dropAfterBytes = Math.max(1, value);
  } else {
    throw new FaultSpecError(`fault "${request.kind}": option "${match[1]}" does not apply to it`);
  }
}

/** How many of `total` PCs a request takes: a percentage rounds, but never to zero when it is above zero. */
export function countForRequest(request: FaultRequest, total: number): number {
  if (request.count !== undefined) return request.count;
  const percent = request.percent ?? 0;
  if (percent === 0 || total === 0) return 0;
  return Math.min(total, Math.max(1, Math.round((total * percent) / 100)));
}

/** Assign faults deterministically: same spec, seed and ids give the same plan. */
export function assignFaults(spec: string | undefined, machineIds: string[], seed: number): FaultPlan {
  const requests = parseFaultSpec(spec);
  const ids = [...machineIds].sort();
  const wanted = requests.reduce((sum, r) => sum + countForRequest(r, ids.length), 0);
  if (wanted > ids.length) {
    throw new FaultSpecError(`faults ask for ${wanted} PCs but the lab has ${ids.length} (one fault per PC at most)`);
  }
  const order = shuffle(ids, createRandom(seed));
  const plan: FaultPlan = { spec: (spec ?? '').trim(), seed, byMachine: {}, byKind: {} };
  let next = 0;
  for (const request of requests) {
    const chosen = order.slice(next, next + countForRequest(request, ids.length)).sort();
    next += chosen.length;
    plan.byKind[request.kind] = chosen;
    for (const id of chosen) plan.byMachine[id] = toAssigned(request);
  }
  return plan;
}

function toAssigned(request: FaultRequest): AssignedFault {
  const fault: AssignedFault = { kind: request.kind, heal: request.heal };
  if (request.kind === 'slow') fault.delaySeconds = request.delaySeconds ?? DEFAULT_SLOW_SECONDS;
  if (request.kind === 'drop') fault.dropAfterBytes = request.dropAfterBytes ?? DEFAULT_DROP_BYTES;
  return fault;
}

/** mulberry32: small, fast and good enough to pick PCs reproducibly. */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
