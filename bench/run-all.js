#!/usr/bin/env node
// npm run bench: every benchmark in turn; each prints its own figures.
// npm run bench -- NAME [ARGS]: only that one (plan, import, rollout, wide, forks, journal, notify, keep, push), with its arguments.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (args) => execFileSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
const tsc = (project) => execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project], { cwd: root, stdio: 'inherit' });
const BENCHES = {
  plan: (args) => run(['bench/plan.js', ...args]),
  import: (args) => run(['bench/import.js', ...args]),
  rollout: (args) => run(['dist-bench/bench/rollout.js', ...args]),
  wide: (args) => run(['dist-bench/bench/wide.js', ...args]),
  forks: (args) => run(['dist-bench/bench/forks.js', ...args]),
  journal: (args) => run(['dist-bench/bench/journal.js', ...args]),
  notify: (args) => run(['bench/notify.js', ...args]),
  keep: (args) => run(['dist-bench/bench/keep.js', ...args]),
  push: (args) => run(['dist-bench/bench/push.js', ...args]),
};

const [name, ...rest] = process.argv.slice(2);
tsc('tsconfig.build.json'); // the CLI the benchmarks start runs dist/
run(['scripts/compile-schemas.js']); // as npm run build does
tsc('tsconfig.bench.json');
if (name && Object.hasOwn(BENCHES, name)) BENCHES[name](rest);
else if (name && !name.startsWith('-')) {
  console.error(`bench: no benchmark ${name} (${Object.keys(BENCHES).join(', ')})`);
  process.exitCode = 1;
} else {
  BENCHES.plan([]);
  BENCHES.import([]);
  BENCHES.rollout(process.argv.slice(2));
  BENCHES.wide([]);
  BENCHES.forks([]);
  BENCHES.journal([]);
  BENCHES.notify([]);
}
