/** The lab's background process for benchmarks: `node lab-serve.js DIR` serves the lab that DIR/lab-config.json asks for. */
import { serveLab } from '../../src/lab/serve-lab.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: lab-serve.js DIR');
await serveLab(dir);
