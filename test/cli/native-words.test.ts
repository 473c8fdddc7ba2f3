/**
 * A German Windows PC's own words, through the whole path: a native tool that refuses in the OEM code page (cp850)
 * and one whose error stream is a nested PowerShell's CLIXML. `errors`, the case, `log` and the HTML report show
 * "Zugriff verweigert für …" exactly: no U+FFFD, no CLIXML, no PowerShell complaint about it. Real pwsh, real SSH.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '../../src/lab/index.js';
import { PWSH_MISSING, pwshAvailable } from '../support/pwsh.js';
import { machineResults, runCli } from './run-cli.js';

const describeWindows = pwshAvailable() ? describe : describe.skip;
if (!pwshAvailable()) console.warn(PWSH_MISSING);

const WORDS = 'Zugriff verweigert für C:\\ProgramData\\Package Cache';
const NOISE = ['\ufffd', 'CLIXML', 'Cannot process the XML', '<Objs', '_x000D_', 'Preparing modules'];

function expectClean(text: string): void {
  for (const noise of NOISE) expect([noise, text.includes(noise)]).toEqual([noise, false]);
}

describeWindows('native tools\' words from a German Windows PC', () => {
  let dir: string;
  let lab: Lab;
  const cli = (...args: string[]) => runCli(['-C', lab.projectDir, ...args], { timeoutMs: 300_000 });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hs-words-'));
    lab = await startLab({ dir: join(dir, 'lab'), machines: 2, sites: 1, windows: '100%', faults: 'denied-cp850=1,denied-clixml=1' });
  }, 120_000);
  afterAll(async () => {
    await lab?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('errors, the case, log and the HTML report say "Zugriff verweigert für …" exactly', async () => {
    const run = await cli('rollout', '--yes', '--json');
    expect(run.exitCode).toBe(3);
    const results = machineResults(String(run.stdout));
    expect(results.map((r) => [r.status, r.errorClass])).toEqual([['failed', 'step-failed'], ['failed', 'step-failed']]);

    const list = JSON.parse(String((await cli('errors', '--json')).stdout)) as { cases: { machine: string; message: string; cause: string }[] };
    expect(list.cases).toHaveLength(2);
    for (const c of list.cases) {
      expect(c.message).toMatch(/^bundle:[a-z-]+: apply exited 5: winget install \S+ \S+ exited 5: Zugriff verweigert für C:\\ProgramData\\Package Cache$/);
      expect(c.cause).toContain('Zugriff verweigert für');
      expectClean(JSON.stringify(c));
    }
    // both PCs said the same thing, one in cp850, one as CLIXML: one cause
    const grouped = await cli('errors', '--group');
    expect(String(grouped.stdout)).toContain(WORDS);
    expect(String(grouped.stdout)).toMatch(/^\s+2 {2}/m);
    expectClean(String(grouped.stdout));

    for (const pc of lab.machines) {
      const log = await cli('log', pc.id);
      expect(log.exitCode).toBe(0);
      expect(String(log.stdout)).toContain(WORDS);
      expectClean(String(log.stdout));
      const json = JSON.parse(String((await cli('log', pc.id, '--json')).stdout));
      expect(JSON.stringify(json)).toContain(JSON.stringify(WORDS).slice(1, -1));
      expectClean(JSON.stringify(json));
      const logFile = JSON.stringify(json).match(/"logFile":"([^"]+)"/)?.[1];
      if (logFile) expectClean(await readFile(logFile, 'utf8'));
    }

    const html = join(dir, 'report.html');
    expect((await cli('report', '--html', html)).exitCode).toBe(0);
    const page = await readFile(html, 'utf8');
    expect(page).toContain('Zugriff verweigert für C:\\ProgramData\\Package Cache');
    expectClean(page);
  }, 600_000);
});
