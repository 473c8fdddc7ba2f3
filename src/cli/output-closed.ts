/**
 * A reader that went away (`homeshift rollout --yes | head -1`): stdout fails with EPIPE. Outside a run that is no
 * error worth a stack trace and the command ends; during a run, the run is told (it stops starting machines and is
 * recorded as interrupted) and what it would still print to stdout is dropped.
 */
const state = { closed: false, watchers: new Set<() => void>() };

export const stdoutClosed = (): boolean => state.closed;

/** Calls `onClose` once stdout is gone; returns the function that stops watching. While watched, the process stays. */
export function whenStdoutCloses(onClose: () => void): () => void {
  state.watchers.add(onClose);
  if (state.closed) onClose();
  return () => { state.watchers.delete(onClose); };
}

/** Installed once by the entry script on both output streams. */
export function watchOutputStreams(exitCode: () => number): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
    const first = !state.closed;
    state.closed = true;
    if (state.watchers.size === 0) process.exit(exitCode());
    if (first) for (const w of [...state.watchers]) w();
  });
  process.stderr.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(exitCode());
  });
}
