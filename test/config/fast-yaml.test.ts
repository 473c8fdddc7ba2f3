import jsyaml from 'js-yaml';
import { parseFast, plainInventory } from '../../src/config/fast-yaml.js';

const full = (text: string) => jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA, json: false });
const HEAD = '# inventory of one site\nsite:\n  id: bruehl\n  name: "Service Center Brühl"\n  sharedMailboxes: [hotline@example-telco.de]\n';

describe('plainInventory', () => {
  it('reads one machine a line as js-yaml does', () => {
    const text = `${HEAD}machines:\n  - { id: BRU-D0001, host: bru-d0001.sc.example-telco.de, os: windows, user: e100001, role: hotline-agent }\n\n  # a comment\n  - {id: BRU-D0002, host: bru-d0002, port: 2222, os: linux, user: e1, role: team-lead}\n`;
    expect(plainInventory(text)).toEqual(full(text));
    expect(Object.keys(plainInventory(text)!)).toEqual(['site', 'machines']);
    expect(plainInventory('machines:\n- { id: A, port: 0 }')).toEqual(full('machines:\n- { id: A, port: 0 }'));
  });

  it.each([
    ['a value js-yaml types otherwise', 'machines:\n  - { id: A, enabled: true }\n'],
    ['null', 'machines:\n  - { id: A, role: Null }\n'],
    ['a number with a leading zero, hex or exponent', 'machines:\n  - { id: A, port: 022 }\n  - { id: B, port: 0x16 }\n  - { id: C, n: 1e5 }\n'],
    ['quotes', 'machines:\n  - { id: "A", host: b }\n'],
    ['a colon or a hash in a value', 'machines:\n  - { id: A, host: a:b }\n  - { id: B, host: a#b }\n'],
    ['a repeated key', 'machines:\n  - { id: A, id: B }\n'],
    ['nested values', 'machines:\n  - { id: A, vars: { x: 1 } }\n'],
    ['block items', 'machines:\n  - id: A\n'],
    ['other keys after machines', 'machines:\n  - { id: A }\nsite:\n  id: x\n'],
    ['uneven indentation', 'machines:\n  - { id: A }\n   - { id: B }\n'],
    ['a tab', 'machines:\n\t- { id: A }\n'],
    ['a trailing comment', 'machines:\n  - { id: A } # x\n'],
    ['machines named twice', 'machines: []\nmachines:\n  - { id: A }\n'],
    ['CRLF line ends', 'site:\r\n  id: x\r\nmachines:\n  - { id: A }\n'],
    ['no machines', 'site:\n  id: x\nmachines:\n'],
    ['a document marker', '---\nsite: x\nmachines:\n  - { id: A }\n'],
  ])('leaves %s to js-yaml', (_what, text) => {
    expect(plainInventory(text)).toBeNull();
  });

  it('gives what js-yaml gives through parseFast, or leaves the file to the full parser', () => {
    for (const text of [
      `${HEAD}machines:\n  - { id: A, host: a, os: linux, user: e1, role: r }\n`,
      'site: { id: x,\nmachines:\n  - { id: A }\n', // a flow mapping open across the machines: line
      'notes: "a\nmachines:\n  - { id: A }"\n', // a quoted text that runs over it
    ]) {
      const got = parseFast(text);
      if (got !== undefined) expect(got).toEqual(full(text));
    }
  });
});
