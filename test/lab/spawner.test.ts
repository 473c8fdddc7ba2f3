import { createSpawner, type RemoteChild, type Spawner } from '../../src/lab/spawner.js';

let spawner: Spawner;
beforeAll(() => { spawner = createSpawner(2); });
afterAll(() => spawner.stop());

function outcome(child: RemoteChild): Promise<{ stdout: string; stderr: string; code: number | null; signal: string | null }> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  return new Promise((resolve) => child.on('close', (code: number | null, signal: string | null) => resolve({ stdout, stderr, code, signal })));
}

describe('spawner', () => {
  it('runs a real sh in a worker: stdin in, stdout and stderr out, its exit code', async () => {
    const child = spawner.spawn('/bin/sh', ['-c', 'read -r line; echo "got $line in $PWD"; echo oops >&2; exit 3'], { cwd: '/tmp', env: { PATH: '/usr/bin:/bin' } });
    const done = outcome(child);
    child.stdin.write(Buffer.from('hello\n'));
    child.stdin.end();
    expect(await done).toEqual({ stdout: 'got hello in /tmp\n', stderr: 'oops\n', code: 3, signal: null });
  });

  it('kills the process group, also when asked before the worker said it started', async () => {
    const child = spawner.spawn('/bin/sh', ['-c', 'sleep 30 & wait'], { cwd: '/tmp', env: { PATH: '/usr/bin:/bin' } });
    const done = outcome(child);
    child.killGroup('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
  });

  it('reports a command that cannot start', async () => {
    const child = spawner.spawn('/nonexistent/tool', [], { cwd: '/tmp', env: {} });
    const error = new Promise<Error>((resolve) => child.on('error', resolve));
    expect((await error).message).toMatch(/ENOENT/);
  });
});
