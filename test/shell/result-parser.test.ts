import { buildPlan } from '../../src/plan/build-plan.js';
import { createResultParser } from '../../src/shell/result-parser.js';
import { buildFixtureProject } from '../plan/fixture.js';

const machine = buildPlan(buildFixtureProject()).machines[0];
const b64 = (s: string) => Buffer.from(s).toString('base64');
const N = 'abcdef123456';

describe('createResultParser', () => {
  const stream = [
    'motd noise\n',
    `@@HS:${N}:start 0\n`,
    `@@HS:${N}:end 0 ok 0 12 - - check\n`,
    `@@HS:${N}:start 1\n`,
    `@@HS:${N}:end 1 failed 3 250 ${b64('tried\n')} ${b64('warning: x\nmailbox not found for tina\n')} apply\n`,
    `@@HS:${N}:start 2\n`,
    `@@HS:${N}:end 2 skipped - 0 - - -\n`,
    `@@HS:${N}:done\n`,
  ].join('');

  it('reads markers split at any point', () => {
    for (const size of [1, 3, 7, 64, stream.length]) {
      const parser = createResultParser(machine, N);
      const events = [];
      for (let i = 0; i < stream.length; i += size) events.push(...parser.push(stream.slice(i, i + size)));
      expect(events.map((e) => (e.type === 'start' ? `start ${e.index}` : `end ${e.result.step} ${e.result.status}`))).toEqual([
        'start 0',
        `end ${machine.steps[0].id} ok`,
        'start 1',
        `end ${machine.steps[1].id} failed`,
        'start 2',
        `end ${machine.steps[2].id} skipped`,
      ]);
      expect(parser.end()).toEqual({ complete: true, current: null });
    }
  });

  it('builds flat step results with a one-line message', () => {
    const parser = createResultParser(machine, N);
    const results = parser.push(stream).flatMap((e) => (e.type === 'end' ? [e.result] : []));
    expect(results[0]).toEqual({ step: machine.steps[0].id, status: 'ok', errorClass: null, exitCode: 0, durationMs: 12, stdoutTail: '', stderrTail: '', message: null });
    expect(results[1]).toEqual({
      step: machine.steps[1].id,
      status: 'failed',
      errorClass: 'step-failed',
      exitCode: 3,
      durationMs: 250,
      stdoutTail: 'tried\n',
      stderrTail: 'warning: x\nmailbox not found for tina\n',
      message: 'apply exited 3: mailbox not found for tina',
    });
    expect(results[2].message).toBe(`skipped: ${machine.steps[1].id} failed`);
    expect(results[2].exitCode).toBeNull();
  });

  it('ignores markers without this run nonce, and unknown step indexes', () => {
    const parser = createResultParser(machine, N);
    const events = parser.push(`@@HS:other:start 0\n@@HS::end 0 ok 0 1 - - check\n@@HS:${N}:end 99 ok 0 1 - - check\n  @@HS:${N}:start 0\n@@HS:${N}:done\n`);
    expect(events).toEqual([]);
    expect(parser.end()).toEqual({ complete: true, current: null });
  });

  it('reports the step in flight when the stream ends early', () => {
    const parser = createResultParser(machine, N);
    parser.push(`@@HS:${N}:start 0\n@@HS:${N}:end 0 ok 0 1 - - check\n@@HS:${N}:start 1\n@@HS:${N}:end 1 ok 0`);
    expect(parser.end()).toEqual({ complete: false, current: 1 });
  });

  it('times a step by the arrival of its markers when the program sends no duration', () => {
    let clock = 1000;
    const parser = createResultParser(machine, N, { now: () => clock });
    parser.push(`@@HS:${N}:start 0\n`);
    clock = 1250.4;
    const [end0] = parser.push(`@@HS:${N}:end 0 changed 0 - - - apply\n@@HS:${N}:start 1\n`);
    clock = 1300;
    const [end1] = parser.push(`@@HS:${N}:end 1 ok 0 - - - check\n@@HS:${N}:end 2 ok 0 - - - check\n`);
    const durations = [end0, end1].map((e) => (e.type === 'end' ? e.result.durationMs : NaN));
    expect(durations).toEqual([250, 50]);
    const [end2] = createResultParser(machine, N).push(`@@HS:${N}:end 2 ok 0 - - - check\n`);
    expect(end2.type === 'end' && end2.result.durationMs).toBe(0);
  });

  it('redacts secret values from the tails', () => {
    const parser = createResultParser(machine, N, { secrets: ['s3cr3t-psk'] });
    const [event] = parser.push(`@@HS:${N}:end 0 failed 1 5 ${b64('key s3cr3t-psk\n')} - apply\n`);
    expect(event.type === 'end' && event.result.stdoutTail).toBe('key ***\n');
  });

  it('keeps the plain messages of CLIXML in a stderr tail, and reads cp850 bytes', () => {
    const clixml = '#< CLIXML\r\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"><Obj S="progress" RefId="0"><MS><PR N="Record"><AV>Preparing modules for first use.</AV></PR></MS></Obj><S S="Error">Add-VpnConnection : Zugriff verweigert_x000D__x000A_</S></Objs>';
    const cp850 = Buffer.concat([Buffer.from('Datei f'), Buffer.from([0x81]), Buffer.from('r M'), Buffer.from([0x84]), Buffer.from('rz\n')]).toString('base64');
    const [event] = createResultParser(machine, N).push(`@@HS:${N}:end 1 failed 1 5 ${cp850} ${b64(clixml)} apply\n`);
    expect(event.type === 'end' && event.result).toMatchObject({
      stderrTail: 'Add-VpnConnection : Zugriff verweigert\n',
      stdoutTail: 'Datei für März\n',
      message: 'apply exited 1: Add-VpnConnection : Zugriff verweigert',
    });
  });

  it('a cut tail loses only the cut character', () => {
    const cut = Buffer.from('übrig\n', 'utf8').subarray(1).toString('base64');
    const [event] = createResultParser(machine, N).push(`@@HS:${N}:end 1 failed 1 5 ${cut} - apply\n`);
    expect(event.type === 'end' && event.result.stdoutTail).toBe('brig\n');
  });

  it('a step that asked for a restart before its end marker is changed with rebootRequired; only changed steps carry it', () => {
    const parser = createResultParser(machine, N);
    const events = parser.push([
      `@@HS:${N}:start 0\n`, `@@HS:${N}:reboot 0\n`, `@@HS:${N}:end 0 changed 0 12 - - apply\n`,
      `@@HS:${N}:start 1\n`, `@@HS:${N}:reboot 1\n`, `@@HS:${N}:end 1 failed 1603 12 - - apply\n`,
      `@@HS:${N}:reboot 9\n`, `reboot 2\n`, `@@HS:${N}:start 2\n`, `@@HS:${N}:end 2 changed 0 12 - - apply\n`,
    ].join(''));
    const results = events.flatMap((e) => (e.type === 'end' ? [e.result] : []));
    expect(results.map((r) => [r.status, r.rebootRequired ?? false])).toEqual([['changed', true], ['failed', false], ['changed', false]]);
    expect(Object.keys(results[0]).at(-1)).toBe('rebootRequired');
  });

  it('the packages a changed or failed step said it installed (Register-HsInstalled, hs_installed), ids decoded; none for other steps', () => {
    const parser = createResultParser(machine, N);
    const events = parser.push([
      `@@HS:${N}:start 0\n`, `@@HS:${N}:installed 0 winget Mozilla.Firefox.ESR\n`, `@@HS:${N}:installed 0 exe Scan%20Station\n`,
      `installed 0 winget Fake.Id\n`, `@@HS:${N}:end 0 changed 0 12 - - apply\n`,
      `@@HS:${N}:start 1\n`, `@@HS:${N}:installed 1 apt vim\n`, `@@HS:${N}:end 1 failed 100 12 - - apply\n`,
      `@@HS:${N}:start 2\n`, `@@HS:${N}:installed 2 apt nano\n`, `@@HS:${N}:end 2 would-change - 12 - - check\n`,
    ].join(''));
    const results = events.flatMap((e) => (e.type === 'end' ? [e.result] : []));
    expect(results.map((r) => r.installed)).toEqual([[{ via: 'winget', id: 'Mozilla.Firefox.ESR' }, { via: 'exe', id: 'Scan Station' }], [{ via: 'apt', id: 'vim' }], undefined]);
  });
});
