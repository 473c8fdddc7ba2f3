import type { Machine } from '../model/project.js';
import type { MachinePlan, Plan } from '../model/plan.js';
import { assemblePlanOf, summaryOf, type MachineSummary, type PlanOf } from './build-plan.js';
import { planJsonFrame } from './format-plan.js';
import { machinePlanParts } from './machine-json.js';

/**
 * Where encoded machine plans are kept until the plan is known to be whole: an append-only log of bytes.
 * plan --format json keeps it in a temporary file (see cli/plan-spool.ts): 84 MB of JSON for 16,000 machines then
 * never become memory of the process, which on a virtual machine costs as much time as making the JSON.
 */
export interface PlanSpool {
  /** Appends a copy of bytes; returns the offset where they start. */
  append(bytes: Uint8Array): number;
  /** The bytes at..at+length, valid until the next read. */
  read(at: number, length: number): Uint8Array;
  close(): void;
}

/** The spool in memory: the appended pieces as they are. */
export function memorySpool(): PlanSpool {
  const pieces: Buffer[] = [];
  const starts: number[] = [];
  let size = 0;
  return {
    append(bytes) {
      pieces.push(Buffer.from(bytes));
      starts.push(size);
      size += bytes.length;
      return size - bytes.length;
    },
    read(at, length) {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= at) lo = mid;
        else hi = mid - 1;
      }
      const offset = at - starts[lo];
      if (offset + length <= pieces[lo].length) return pieces[lo].subarray(offset, offset + length);
      if (at + length > size) throw new RangeError(`the plan spool holds no bytes ${at}..${at + length}`);
      // across pieces: copied together
      const out = Buffer.allocUnsafe(length);
      for (let done = 0, i = lo; done < length; i++) {
        const from = i === lo ? offset : 0;
        done += pieces[i].copy(out, done, from, Math.min(pieces[i].length, from + length - done));
      }
      return out;
    },
    close() {
      pieces.length = 0;
      starts.length = 0;
    },
  };
}

/** A machine plan kept as its JSON in a spool, and the few fields the plan around it needs. */
export interface EncodedMachine extends MachineSummary {
  id: string;
  spool: PlanSpool;
  at: number;
  length: number;
}

export interface MachineEncoder {
  encode(m: MachinePlan): EncodedMachine;
  /** Appends what is still buffered; call once every machine is encoded, before reading. */
  finish(): void;
}

const PIECE = 1 << 20;

function encodedMachine(m: MachinePlan, spool: PlanSpool, at: number, length: number): EncodedMachine {
  const { site, profile, os, scripts, hash } = summaryOf(m);
  return { site, profile, os, scripts, hash, id: m.machine.id, spool, at, length };
}

/** Encodes machine plans one after the other into one reused 1 MB buffer, appended to the spool whenever it fills. */
export function createMachineEncoder(spool: PlanSpool): MachineEncoder {
  const piece = Buffer.allocUnsafe(PIECE);
  let used = 0;
  let start = 0; // the spool offset of piece[0]
  const flush = () => {
    if (used > 0) spool.append(piece.subarray(0, used));
    start += used;
    used = 0;
  };
  return {
    encode(m) {
      const parts = machinePlanParts(m);
      let most = 0; // UTF-8 bytes at most: 3 a UTF-16 unit of text
      for (const part of parts) most += typeof part === 'string' ? part.length * 3 : part.length;
      if (most > PIECE) {
        flush();
        const bytes = Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : part)));
        const at = spool.append(bytes);
        start = at + bytes.length;
        return encodedMachine(m, spool, at, bytes.length);
      }
      if (used + most > PIECE) flush();
      const at = start + used;
      for (const part of parts) {
        if (typeof part === 'string') used += piece.write(part, used, 'utf8');
        else used += part.copy(piece, used);
      }
      return encodedMachine(m, spool, at, start + used - at);
    },
    finish: flush,
  };
}

/** The plan of the given machines (inventory order), taken from an encoded plan of all of them. */
export function selectEncoded(plan: PlanOf<EncodedMachine>, machines: readonly Machine[]): PlanOf<EncodedMachine> {
  // every machine, as plan without --limit asks: the plan as it is, not assembled and hashed a second time
  if (machines.length === plan.machines.length && machines.every((m, i) => m.id === plan.machines[i].id)) return plan;
  const byId = new Map(plan.machines.map((m) => [m.id, m]));
  const picked = machines.map((m) => byId.get(m.id)).filter((m): m is EncodedMachine => m !== undefined);
  return assemblePlanOf(plan.project, picked, (m) => m, (name) => plan.scripts[name] as Plan['scripts'][string]);
}

/**
 * The same bytes as planJsonChunks gives for the same machines. A machine's bytes are valid only until the next
 * chunk is taken (they are read into one reused buffer): write or copy each chunk as it comes.
 */
export function encodedPlanChunks(plan: PlanOf<EncodedMachine>): Generator<string | Uint8Array> {
  const machines = plan.machines;
  let next = 0; // planJsonFrame asks for the machines in order
  let block: Uint8Array | null = null;
  let blockAt = 0;
  let blockSpool: PlanSpool | null = null;
  return planJsonFrame(plan, (m) => {
    const i = next++;
    if (!block || m.spool !== blockSpool || m.at < blockAt || m.at + m.length > blockAt + block.length) {
      // one read for the run of machines that lie one after the other in the spool (all of them, in plan order)
      let end = m.at + m.length;
      for (let j = i + 1; j < machines.length; j++) {
        const n = machines[j];
        if (n.spool !== m.spool || n.at !== end || end + n.length - m.at > READ_BLOCK) break;
        end += n.length;
      }
      block = m.spool.read(m.at, end - m.at);
      blockAt = m.at;
      blockSpool = m.spool;
    }
    return block.subarray(m.at - blockAt, m.at - blockAt + m.length);
  });
}

const READ_BLOCK = 1 << 20;
