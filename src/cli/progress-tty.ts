import { Listr, ListrDefaultRendererLogLevels, type ListrDefaultRenderer, type ListrSimpleRenderer, type ListrTaskWrapper } from 'listr2';
import { adviceFor } from '../model/advice.js';
import { normaliseMessage } from '../model/fingerprint.js';
import { isFailedStatus, type MachineResult, type RunEvent, type RunListener } from '../model/result.js';
import type { Output } from './output.js';
import { createPlainProgress } from './progress-plain.js';
import { printable } from '../model/printable.js';

/** Machines per site in each wave, in wave order: the subtasks the view shows. */
export type WaveSites = Array<Array<{ site: string; size: number }>>;
export type TtyProgress = RunListener & { close(): Promise<void> };

type Task = ListrTaskWrapper<unknown, ListrDefaultRenderer, ListrSimpleRenderer>;

interface Tally {
  label: string;
  size: number;
  started: number;
  done: number;
  changed: number;
  failed: number;
  busy: number; // leased by another run, not contacted
  waiting: number; // --wait-busy: leased by another run, polled
  firstStart: number | null;
  causes: Map<string, { count: number; text: string; whatToDo: string }>;
  shown: string;
  closed: boolean;
  task: Task | null;
  finished: () => void;
  ended: Promise<void>;
}

const RENDER_EVERY_MS = 100;
const CAUSES_SHOWN = 3;

/** Group a wave's machines, cut from the plan order by wave sizes, by site. */
export function layoutWaveSites(sites: string[], sizes: number[]): WaveSites {
  let offset = 0;
  return sizes.map((n) => {
    const bySite = new Map<string, number>();
    for (const site of sites.slice(offset, offset + n)) bySite.set(site, (bySite.get(site) ?? 0) + 1);
    offset += n;
    return [...bySite].map(([site, size]) => ({ site, size }));
  });
}

function createTally(label: string, size: number): Tally {
  let finished = () => {};
  const ended = new Promise<void>((resolve) => { finished = resolve; });
  return { label, size, started: 0, done: 0, changed: 0, failed: 0, busy: 0, waiting: 0, firstStart: null, causes: new Map(), shown: '', closed: false, task: null, finished, ended };
}

const isFailure = (r: MachineResult) => isFailedStatus(r.status);

/** Live view on a terminal: one listr2 task per wave, one subtask per site, counters, rate and ETA in the titles. */
export function createTtyProgress(out: Output, waveSites: WaveSites = []): TtyProgress {
  if (!process.stdout.isTTY) {
    const plain = createPlainProgress(out);
    return Object.assign((e: RunEvent) => plain(e), { close: async () => {} });
  }
  const c = out.c;
  const waves: Tally[] = [];
  const sites: Map<string, Tally>[] = [];
  let stopped: string | null = null; // why no new machines start: halted or interrupted
  let ended = false;
  let running: Promise<unknown> | null = null;
  let timer: NodeJS.Timeout | null = null;

  const title = (t: Tally, heading: string) => {
    const remaining = t.size - t.done;
    const secs = t.firstStart === null ? 0 : (Date.now() - t.firstStart) / 1000;
    const rate = secs > 0 ? t.done / secs : 0;
    const notStarted = t.size - t.started;
    const eta = remaining === 0 ? '' : stopped || ended ? (notStarted > 0 ? `  ${c.yellow(`${notStarted} not started`)}` : '') : rate > 0 ? `  eta ${Math.ceil(remaining / rate)}s` : t.started === 0 ? '  waiting' : '';
    const failed = t.failed > 0 ? c.red(`failed ${t.failed}`) : 'failed 0';
    const busy = (t.busy > 0 ? `  ${c.yellow(`busy ${t.busy}`)}` : '') + (t.waiting > 0 ? `  ${c.yellow(`waiting for ${t.waiting} busy`)}` : '');
    return `${heading}  done ${t.done}/${t.size}  changed ${t.changed}  ${failed}${busy}  remaining ${remaining}  ${rate.toFixed(1)} machines/s${eta}`;
  };
  const causeLines = (t: Tally) => {
    const sorted = [...t.causes.values()].sort((a, b) => b.count - a.count);
    const lines = sorted.slice(0, CAUSES_SHOWN).map((k) => `${k.count} × ${k.text}\n    ${c.dim(`what to do: ${k.whatToDo}`)}`);
    if (sorted.length > CAUSES_SHOWN) lines.push(`... ${sorted.length - CAUSES_SHOWN} more cause(s): homeshift errors`);
    return lines.join('\n');
  };
  // Titles of a closed tally stay as they are: a title set after listr2 has ended would print the view again.
  const showSite = (s: Tally, force = false) => {
    if (!s.task || (s.closed && !force)) return;
    s.task.title = title(s, c.cyan(s.label));
    const lines = causeLines(s);
    if (lines !== s.shown) s.task.output = s.shown = lines; // each write is kept; write only what changed
  };
  const showWave = (i: number, force = false) => {
    const w = waves[i];
    if (!w.task || (w.closed && !force)) return;
    const suffix = stopped && w.done < w.size ? `  ${c.red(stopped.toUpperCase())}` : '';
    w.task.title = title(w, c.bold(w.label)) + suffix;
    for (const s of sites[i].values()) showSite(s);
  };
  const close = (t: Tally) => {
    t.closed = true;
    t.finished();
  };
  const finishWave = (i: number) => {
    if (!waves[i] || waves[i].closed) return;
    showWave(i);
    for (const s of sites[i].values()) close(s);
    close(waves[i]);
  };
  const render = () => {
    timer = null;
    waves.forEach((_, i) => showWave(i));
  };
  const schedule = () => {
    if (!timer && !ended) timer = setTimeout(render, RENDER_EVERY_MS);
  };
  const finishAll = () => {
    if (ended) return;
    ended = true;
    if (timer) clearTimeout(timer);
    waves.forEach((_, i) => finishWave(i));
  };

  const start = (e: Extract<RunEvent, { kind: 'run-started' }>) => {
    e.waves.forEach((size, i) => {
      waves.push(createTally(`wave ${i + 1}/${e.waves.length}`, size));
      sites.push(new Map((waveSites[i] ?? []).map(({ site, size: n }) => [site, createTally(site, n)])));
    });
    const listr = new Listr(
      waves.map((w, i) => ({
        title: title(w, w.label),
        task: (_: unknown, task: Task) => {
          w.task = task;
          if (ended && w.firstStart === null) return task.skip(`${w.label}: not started (run ${stopped ?? 'ended'})`);
          showWave(i, true);
          const siteTasks = [...sites[i].values()].map((s) => ({
            title: title(s, s.label),
            task: (_c: unknown, sub: Task) => { s.task = sub; showSite(s, true); return s.ended; },
            rendererOptions: { outputBar: true, persistentOutput: true },
          }));
          return siteTasks.length > 0 ? task.newListr(siteTasks, { concurrent: true }) : w.ended;
        },
      })),
      {
        concurrent: false,
        exitOnError: false,
        registerSignalListeners: false, // execute-run owns SIGINT: first one stops new machines, second aborts
        rendererOptions: { collapseSubtasks: false, formatOutput: 'truncate', color: out.color ? {} : plainColors() },
      },
    );
    running = listr.run().catch((err: Error) => out.err(`progress: ${err.message}`));
  };

  const listener = (e: RunEvent) => {
    switch (e.kind) {
      case 'run-started':
        start(e);
        break;
      case 'machine-started': {
        const w = waves[e.wave - 1];
        const s = sites[e.wave - 1]?.get(e.site);
        for (const t of [w, s]) {
          if (!t) continue;
          t.started++;
          if (t.firstStart === null) t.firstStart = Date.now();
        }
        break;
      }
      case 'machine-finished': {
        const r = e.result;
        const s = sites[e.wave - 1]?.get(r.site);
        for (const t of [waves[e.wave - 1], s]) {
          if (!t) continue;
          t.done++;
          if (r.status === 'changed' || r.status === 'would-change') t.changed++;
          if (isFailure(r)) t.failed++;
          if (r.status === 'busy') t.busy++;
        }
        if (s && isFailure(r)) {
          // one concrete message per cause (the first one seen), keyed by its fingerprint, and what to do about it
          const text = printable(`${r.status} [${r.errorClass ?? '-'}] ${r.message ?? ''}`.trim());
          const key = r.fingerprint ?? normaliseMessage(text);
          const cause = s.causes.get(key) ?? { count: 0, text, whatToDo: adviceFor(r.errorClass, r.message).text };
          cause.count++;
          s.causes.set(key, cause);
        }
        if (s && s.done === s.size) { showSite(s); close(s); }
        schedule();
        break;
      }
      case 'wave-finished':
        finishWave(e.wave - 1);
        break;
      case 'machines-waiting':
        if (waves[e.wave - 1]) waves[e.wave - 1].waiting = e.machines;
        schedule();
        break;
      case 'run-halted':
        stopped = 'halted';
        schedule();
        break;
      case 'run-interrupted':
        stopped = 'interrupted';
        schedule();
        break;
      case 'run-finished':
        finishAll();
        break;
      default:
        break;
    }
  };
  return Object.assign(listener, {
    close: async () => {
      finishAll();
      await running;
    },
  });
}

/** Without colour the renderer's icons stay plain too. */
function plainColors(): Record<string, (text?: string) => string> {
  return Object.fromEntries(Object.values(ListrDefaultRendererLogLevels).map((level) => [level, (text?: string) => text ?? '']));
}
