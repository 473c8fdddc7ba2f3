import { join } from 'node:path';
import { openSqliteStore } from '../../src/journal/index.js';
import { makeTempDir } from './fixtures.js';
import { describeLeaseContract } from './lease-contract.js';

let tmp: ReturnType<typeof makeTempDir>;
let n = 0;
beforeAll(() => { tmp = makeTempDir(); });
afterAll(() => tmp.remove());

describeLeaseContract('sqlite', () => openSqliteStore(join(tmp.dir, `journal-${++n}.db`)));
