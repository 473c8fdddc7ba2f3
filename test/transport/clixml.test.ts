import { decodeClixml } from '../../src/transport/clixml.js';

const NS = 'xmlns="http://schemas.microsoft.com/powershell/2004/04"';
// What Windows PowerShell 5.1 writes to a redirected stderr: module-loading progress, then the error record line by line.
const PROGRESS = `<Obj S="progress" RefId="0"><TN RefId="0"><T>System.Management.Automation.PSCustomObject</T><T>System.Object</T></TN><MS><I64 N="SourceId">1</I64><PR N="Record"><AV>Preparing modules for first use.</AV><AI>0</AI><Nil /><PI>-1</PI><PC>-1</PC><T>Completed</T><SR>-1</SR><SD> </SD></PR></MS></Obj>`;
const GET_ITEM_ERROR =
  `<S S="Error">Get-Item : Cannot find path 'C:\\ProgramData\\homeshift\\vpn.json' because it does not exist._x000D__x000A_</S>` +
  `<S S="Error">At line:1 char:1_x000D__x000A_</S>` +
  `<S S="Error">+ Get-Item C:\\ProgramData\\homeshift\\vpn.json_x000D__x000A_</S>` +
  `<S S="Error">    + CategoryInfo          : ObjectNotFound: (C:\\ProgramData\\homeshift\\vpn.json:String) [Get-Item], ItemNotFoundException_x000D__x000A_</S>`;
const block = (inner: string) => `#< CLIXML\r\n<Objs Version="1.1.0.1" ${NS}>${inner}</Objs>`;

describe('decodeClixml', () => {
  it('turns a block into its error lines and drops progress records', () => {
    expect(decodeClixml(block(PROGRESS + GET_ITEM_ERROR))).toBe(
      "Get-Item : Cannot find path 'C:\\ProgramData\\homeshift\\vpn.json' because it does not exist.\n" +
        'At line:1 char:1\n' +
        '+ Get-Item C:\\ProgramData\\homeshift\\vpn.json\n' +
        '    + CategoryInfo          : ObjectNotFound: (C:\\ProgramData\\homeshift\\vpn.json:String) [Get-Item], ItemNotFoundException\n',
    );
  });

  it('leaves text without CLIXML as it is', () => {
    expect(decodeClixml('E: Unable to locate package x\n')).toBe('E: Unable to locate package x\n');
    expect(decodeClixml('')).toBe('');
  });

  it('keeps plain lines before, between and after several blocks', () => {
    const text = [
      'native tool: starting\r\n',
      block(PROGRESS),
      '\r\n',
      'Zugriff verweigert\r\n',
      block('<S S="Error">first_x000D__x000A_</S>'),
      block('<S S="warning">reboot pending_x000D__x000A_</S><S S="Error">second</S>'),
      'done\n',
    ].join('');
    expect(decodeClixml(text)).toBe('native tool: starting\r\nZugriff verweigert\r\nfirst\nWARNING: reboot pending\nsecond\ndone\n');
  });

  it('unescapes XML entities, _xHHHH_ (also surrogate pairs and a literal _x005F_) and umlauts', () => {
    const inner = '<S S="Error">&lt;path&gt; &amp; &quot;M&#252;ller&quot;_x0009_tab _x005F_x0041_ _xD83D__xDE00_ Zugriff für Jürgen_x000A_</S>';
    expect(decodeClixml(block(inner))).toBe('<path> & "Müller"\ttab _x0041_ 😀 Zugriff für Jürgen\n');
  });

  it('reads a truncated block up to where it was cut, and a tail that starts inside a block', () => {
    expect(decodeClixml(`before\n${block('').slice(0, -7)}<S S="Error">Set-VpnConnection : Access denied_x000D__x000A_</S><S S="Error">At li`)).toBe(
      'before\nSet-VpnConnection : Access denied\nAt li\n',
    );
    expect(decodeClixml(`or">Access is denied._x000D__x000A_</S><S S="Error">At line:3_x000D__x000A_</S></Objs>\nnext line\n`)).toBe('At line:3\nnext line\n');
  });

  it("drops PowerShell 7's colour codes from its error view", () => {
    expect(decodeClixml(block('<S S="Error">_x001B_[31;1mOperationStopped: _x001B_[0mArgument types do not match_x000A_</S>'))).toBe('OperationStopped: Argument types do not match\n');
  });

  it('keeps a marker that no block follows', () => {
    expect(decodeClixml('echo "#< CLIXML" in a log\n')).toBe('echo "#< CLIXML" in a log\n');
  });
});
