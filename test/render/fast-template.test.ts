import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type Handlebars from 'handlebars';
import { compileTemplate } from '../../src/render/engine.js';
import { fastTemplate } from '../../src/render/fast-template.js';
import { homeshiftPaths, type RenderContext } from '../../src/plan/builtin-steps.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** What a render gives: its text, or the error's message. */
function outcome(render: (context: object) => string, context: object): string {
  try {
    return `ok: ${render(context)}`;
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

/** The direct renderer and Handlebars alone give the same text, or the same error. */
function same(text: string, ...contexts: object[]): string[] {
  const direct = compileTemplate('t.hbs', text);
  const handlebars = compileTemplate('t.hbs', text, { direct: false });
  return contexts.map((context) => {
    const expected = outcome(handlebars, context);
    expect(outcome(direct, context)).toBe(expected);
    return expected;
  });
}

function context(os: 'linux' | 'windows', overrides: Partial<RenderContext> = {}): RenderContext {
  return {
    machine: { id: 'BRU-D0042', host: 'bru-d0042.sc.example.de', os, site: 'bruehl', role: 'hotline-agent' },
    site: { id: 'bruehl', name: 'Brühl', vpnGateway: 'vpn-bru.example.de', sharedMailboxes: ['hotline-bruehl@example.de'] },
    employee: { id: 'e1', firstName: 'Zoë', lastName: "O'Brien", name: "Zoë O'Brien", mailbox: 'zoe.obrien@example.de' },
    profile: { name: 'hotline-agent', chain: ['home-office-base', 'hotline-agent'], description: null },
    vpn: { type: 'ikev2', connectionName: 'homeshift-vpn', splitTunnel: false, pskSecret: 'vpnPsk', dnsSuffix: 'corp.example.de', gateway: 'vpn-bru.example.de', identity: 'zoe.obrien@example.de' },
    mailbox: { personal: 'zoe.obrien@example.de', shared: ['a@example.de', 'b@example.de', 'c@example.de'], client: os === 'linux' ? 'thunderbird' : 'outlook' },
    checks: { diskEncryption: true, screenLockMinutes: 5, noLocalCustomerData: true },
    vars: { mailServer: 'mail.example.de', mdmServer: 'mdm.example.de' },
    root: os === 'linux' ? '/' : 'C:\\',
    paths: homeshiftPaths(os),
    ...overrides,
  };
}

// The variants a fleet brings: no VPN, openvpn, no psk, no shared mailboxes, no personal one, values needing escapes.
function variants(os: 'linux' | 'windows'): RenderContext[] {
  const base = context(os);
  return [
    base,
    context(os, { vpn: null }),
    context(os, { vpn: { ...base.vpn!, type: 'openvpn', pskSecret: null, dnsSuffix: '', splitTunnel: true } }),
    context(os, { mailbox: { ...base.mailbox, shared: [], personal: null } }),
    context(os, { employee: { ...base.employee, name: 'Line\nBreak \\ "quoted" \t tab', mailbox: 'x"y@example.de' } }),
    context(os, { checks: { ...base.checks, screenLockMinutes: null } }),
    context(os, { vars: { mdmServer: 'mdm.example.de' } }), // no mailServer: an undefined variable
  ];
}

describe('the direct template renderer', () => {
  const shipped = ['linux', 'windows'].flatMap((os) =>
    fs.readdirSync(path.join(ROOT, 'templates', os)).filter((f) => f.endsWith('.hbs')).map((f) => ({ os: os as 'linux' | 'windows', file: `templates/${os}/${f}` })),
  );
  it.each(shipped)('renders $file as Handlebars does, for every kind of machine', ({ os, file }) => {
    const results = same(fs.readFileSync(path.join(ROOT, file), 'utf8'), ...variants(os));
    expect(results[0]).toMatch(/^ok: /);
  });

  it('renders each over a list with @index, @first, @last, this, @root and else', () => {
    const text = '{{#each list}}[{{@index}}{{#if @first}} first{{/if}}{{#if @last}} last{{/if}} {{this}} {{@root.name}} {{json this}}]{{else}}none{{/each}}';
    expect(same(text, { list: ['a', 'b', 'c'], name: 'n' }, { list: [], name: 'n' }, { list: null, name: 'n' }, { list: ['x'], name: 'n' })).toEqual([
      'ok: [0 first a n "a"][1 b n "b"][2 last c n "c"]',
      'ok: none',
      'ok: none',
      'ok: [0 first last x n "x"]',
    ]);
    same('{{#each rows}}{{#each this}}{{@index}}={{this}};{{/each}}|{{/each}}', { rows: [['a', 'b'], ['c']] });
    same('{{#each rows}}{{name}}/{{#each tags}}{{this}}{{/each}};{{/each}}', { rows: [{ name: 'r1', tags: ['t1', 't2'] }, { name: 'r2', tags: [] }] });
  });

  it('takes if, unless, else if and sub expressions as Handlebars does, for every kind of value', () => {
    const text = '{{#if x}}yes{{else if (eq y "b")}}b{{else}}no{{/if}}|{{#unless x}}not{{else}}is{{/unless}}';
    const values = [true, false, 0, 1, '', 'a', null, [], ['a'], {}, -0, Number.NaN];
    same(text, ...values.map((x) => ({ x, y: 'b' })), ...values.map((x) => ({ x, y: 'c' })));
  });

  it('writes values and helper results as Handlebars does', () => {
    same(
      '{{s}} {{n}} {{b}} {{z}} {{add n 1}} {{times n 60}} {{eq s "a"}} {{join list "+"}} {{keyfile s}} {{uuid s n}} {{json obj}}',
      { s: 'a', n: 5, b: false, z: null, list: ['x', 'y'], obj: { k: [1, 'ü'] } },
      { s: 'a\nb', n: 0.5, b: true, z: null, list: [], obj: null },
    );
  });

  it('leaves what it does not decide to Handlebars: the same text or the same error', () => {
    const text = 'a={{a}} b={{b.c}}';
    same(
      text,
      { a: 'x', b: { c: 'y' } },
      {}, // undefined variable
      { a: 'x' }, // missing parent
      { a: 'x', b: null }, // null on the way
      { a: ['l', 'm'], b: { c: { d: 1 } } }, // a list and an object where text is made
      { a: () => 'called', b: { c: 'y' } },
      { a: 'x', b: 'text' },
    );
    // Handlebars warns once on stderr about an inherited property: the same result either way, the warning muted here
    const log = console.error;
    console.error = () => undefined;
    try {
      same(text, { a: 'x', b: Object.create({ c: 'inherited' }) });
    } finally {
      console.error = log;
    }
    same('{{json a}}', {}, { a: undefined }, { a: 'x' }); // an undefined helper argument
    same('{{#each a}}{{this}}{{/each}}', { a: 'text' }, { a: { k: 'v', l: 'w' } }, { a: [, 'hole'] }, {});
    same('{{secret a}}', { a: 'vpnPsk' }, { a: 'not a name' });
    same('{{@index}}', {});
  });

  it('keeps whitespace control and standalone lines as Handlebars does', () => {
    same('a\n{{#if x}}\n  in\n{{/if}}\nb {{~y~}} c\n{{!-- note --}}\nd', { x: true, y: 'Y' }, { x: false, y: 'Y' });
  });

  it('renders the constructs it knows itself, without Handlebars', () => {
    const hb = createRequire(import.meta.url)('handlebars') as typeof Handlebars;
    const helpers = { json: (v: unknown) => JSON.stringify(v), add: (a: unknown, b: unknown) => Number(a) + Number(b), eq: (a: unknown, b: unknown) => a === b };
    const render = fastTemplate(hb.parse('{{#each l}}{{add @index 1}}:{{json this}}{{#if @last}}.{{/if}}{{/each}}{{#unless (eq x "a")}}!{{else}}{{x}}{{/unless}}'), helpers);
    expect(render).not.toBeNull();
    expect(render!({ l: ['p', 'q'], x: 'a' })).toBe('1:"p"2:"q".a');
    expect(() => render!({ l: ['p'] })).toThrow('left to Handlebars'); // x missing: Handlebars decides
    expect(fastTemplate(hb.parse('{{#with a}}{{b}}{{/with}}'), helpers)).toBeNull();
    expect(fastTemplate(hb.parse('{{> part}}'), helpers)).toBeNull();
  });

  it('leaves templates with constructs of their own to Handlebars', () => {
    same('{{#with a}}{{b}}{{/with}} {{lookup m "k"}}', { a: { b: 'B' }, m: { k: 'K' } });
    same('{{#each list as |item i|}}{{i}}:{{item}} {{/each}}', { list: ['a', 'b'] });
    same('{{#each list}}{{../top}}{{/each}}', { list: [1, 2], top: 'T' });
    same('{{json a key=1}}', { a: 'x' });
  });
});
