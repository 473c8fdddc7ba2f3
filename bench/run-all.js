#!/usr/bin/env node
// npm run bench: every benchmark in turn; each prints its own figures.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (args) => execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.bench.json'], { cwd: root, stdio: 'inherit' });
run(['bench/plan.js']);
run(['dist-bench/bench/rollout.js', ...process.argv.slice(2)]);
