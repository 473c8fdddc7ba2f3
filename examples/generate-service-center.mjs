// Regenerates examples/service-center/ (deterministic: same code, same files).
// Run after `npm run build`:  node examples/generate-service-center.mjs
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { generateFleet } from '../dist/lab/generate.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const summary = await generateFleet(path.join(here, 'service-center'), {
  machines: 300,
  sites: 3,
  seed: 20200316,
  linuxShare: 0.15,
  schemaDir: path.join(here, '..', 'schema'),
});
console.log(`wrote ${summary.files.length} files, ${summary.machines} machines (${summary.sites.join(', ')})`);
