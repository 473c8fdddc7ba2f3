#!/usr/bin/env node
import { main } from '../dist/cli/main.js';
import { watchOutputStreams } from '../dist/cli/output-closed.js';

// A reader that went away (`homeshift --help | head`) ends the command quietly; a rollout records itself as interrupted.
watchOutputStreams(() => Number(process.exitCode ?? 0));

main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => {
    process.stderr.write(`homeshift: internal error: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 70;
  },
);
