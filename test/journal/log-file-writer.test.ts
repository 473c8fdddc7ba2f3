import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createLogFileWriter, createRunId, parseDuration, resolveJournalPath } from '../../src/journal/index.js';
import { finished, makeResult, makeTempDir } from './fixtures.js';

describe('per-machine log files', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (tmp = makeTempDir()));
  afterEach(() => tmp.remove());

  it('writes timestamped step lines with status, exit code, duration and redacted tails', async () => {
    const runId = '20261121-171502-a3f9';
    const log = createLogFileWriter(tmp.dir, runId, (t) => t.replace(/hunter2/g, '[secret]'));
    const result = makeResult('BRU-D0042', 'failed', { site: 'bru' });
    log({ kind: 'machine-started', machine: 'BRU-D0042', site: 'bru', wave: 1, at: '2026-11-21T17:15:02.000Z' });
    for (const step of result.steps) log({ kind: 'step-finished', machine: 'BRU-D0042', result: step, at: '2026-11-21T17:15:03.000Z' });
    log(finished(result, 1));
    log(finished(makeResult('BRU-D0043', 'ok', { site: 'bru' }), 1)); // steps only inside machine-finished
    await log.close();
    expect(readdirSync(log.folder).sort()).toEqual(['BRU-D0042.log', 'BRU-D0043.log']);
    expect(log.folder).toBe(join(tmp.dir, 'logs', runId));
    const text = readFileSync(join(log.folder, 'BRU-D0042.log'), 'utf8');
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe(`2026-11-21T17:15:02.000Z machine BRU-D0042 site bru wave 1 run ${runId} started`);
    expect(lines).toContain('2026-11-21T17:15:03.000Z step mailbox failed exit=3 45ms [step-failed] apply exited 3: mailbox not found for anna@example.com');
    expect(lines).toContain('    stderr| secret=[secret]');
    expect(lines.at(-1)).toMatch(/machine BRU-D0042 failed 1234ms attempts=1 \[step-failed\]/);
    expect(text).not.toContain('hunter2');
    expect(readFileSync(join(log.folder, 'BRU-D0043.log'), 'utf8').split('\n').filter((l) => l.includes(' step '))).toHaveLength(8);
  });
});

describe('run ids, journal path, durations', () => {
  it('makes sortable, readable run ids', () => {
    const a = createRunId(new Date('2026-11-21T17:15:02Z'));
    expect(a).toMatch(/^20261121-171502-[0-9a-f]{4}$/);
    expect(createRunId(new Date('2026-11-21T17:15:03Z')) > a).toBe(true);
  });
  it('places the journal in the rollout repository by default', () => {
    expect(resolveJournalPath('/repo')).toBe('/repo/.homeshift/journal.db');
    expect(resolveJournalPath('/repo', 'state/j.db')).toBe('/repo/state/j.db');
    expect(resolveJournalPath('/repo', '/var/lib/hs.db')).toBe('/var/lib/hs.db');
  });
  it('parses escalation durations', () => {
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(parseDuration('36h')).toBe(129_600_000);
    expect(parseDuration('1d12h')).toBe(129_600_000);
    expect(parseDuration('soon')).toBeNull();
  });
});
