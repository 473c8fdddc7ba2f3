/** homeshift.yaml's keep.offlineCaseAfter: working days, a duration or never; anything else is a finding at its position. */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProject } from '../../src/config/index.js';
import { runCli } from './run-cli.js';

const EXAMPLE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'service-center');

describe('keep.offlineCaseAfter', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'homeshift-offline-after-')); });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  const project = async (name: string, value: string | null): Promise<string> => {
    const root = join(dir, name);
    await cp(EXAMPLE, root, { recursive: true });
    const file = join(root, 'homeshift.yaml');
    const withoutKeep = (await readFile(file, 'utf8')).replace(/^keep:\n( .*\n)*/m, '');
    await writeFile(file, value === null ? withoutKeep : `${withoutKeep}keep:\n  offlineCaseAfter: ${JSON.stringify(value)}\n`);
    return root;
  };

  it('is 3 working days unless set', async () => {
    const { project: loaded } = await loadProject({ projectDir: await project('default', null) });
    expect(loaded!.config.keep).toEqual({ offlineCaseAfter: { kind: 'working-days', days: 3 } });
  });

  it.each([['2 working days', { kind: 'working-days', days: 2 }], ['5wd', { kind: 'working-days', days: 5 }], ['72h', { kind: 'duration', ms: 259_200_000 }], ['never', { kind: 'never' }]])('reads %s', async (value, expected) => {
    const { project: loaded, diagnostics } = await loadProject({ projectDir: await project(`ok-${value.replace(/\W/g, '_')}`, value) });
    expect(diagnostics).toEqual([]);
    expect(loaded!.config.keep?.offlineCaseAfter).toEqual(expected);
  });

  it.each([['3 days'], ['0wd'], ['soon']])('refuses %s with file:line:col and exit 2', async (value) => {
    const root = await project(`bad-${value.replace(/\W/g, '_')}`, value);
    const line = (await readFile(join(root, 'homeshift.yaml'), 'utf8')).trimEnd().split('\n').length;
    const run = await runCli(['-C', root, 'validate']);
    expect(run.exitCode).toBe(2);
    expect(String(run.stderr) + String(run.stdout)).toMatch(new RegExp(`homeshift\\.yaml:${line}:\\d+ keep\\.offlineCaseAfter must be working days such as 3 working days`));
  });
});
