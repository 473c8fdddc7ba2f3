import { createRequire } from 'node:module';
import type Handlebars from 'handlebars';
import { takeSecretMarks } from '../../src/render/secret-mark.js';
import { compileTemplate, TemplateError } from '../../src/render/engine.js';

describe('compileTemplate', () => {
  it('renders without HTML escaping', () => {
    expect(compileTemplate('t', 'a {{x}} b')({ x: `<"&'>` })).toBe(`a <"&'> b`);
  });
  it('names the undefined variable, the template and the line', () => {
    const render = compileTemplate('linux/vpn.nmconnection.hbs', 'line one\nid={{vpn.connectionName}}\nuser={{vpn.identty}}\n');
    let error: unknown;
    try {
      render({ vpn: { connectionName: 'x', identity: 'y' } });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TemplateError);
    const e = error as TemplateError;
    expect(e.variable).toBe('vpn.identty');
    expect(e.template).toBe('linux/vpn.nmconnection.hbs');
    expect(e.line).toBe(3);
    expect(e.col).toBe(8);
    expect(e.message).toBe('undefined variable vpn.identty in template linux/vpn.nmconnection.hbs at line 3');
  });
  it('reports a missing parent object by its full path', () => {
    expect(() => compileTemplate('t', '{{site.name}}')({})).toThrow('undefined variable site.name in template t at line 1');
  });
  it('reports syntax errors at compile time', () => {
    expect(() => compileTemplate('bad.hbs', 'ok\n{{#if x}}\n')).toThrow(/syntax error in template bad.hbs at line/);
  });
  it('accepts null values of known keys', () => {
    expect(compileTemplate('t', '{{#if vpn.pskSecret}}psk{{else}}none{{/if}}')({ vpn: { pskSecret: null } })).toBe('none');
  });
  it('turns secrets into placeholders and has json, keyfile, uuid helpers', () => {
    expect(takeSecretMarks(compileTemplate('t', 'a {{secret "vpnPsk"}} b')({}))).toEqual({ content: 'a @@HS_SECRET:vpnPsk@@ b', secrets: [{ name: 'vpnPsk', at: 2 }] });
    expect(() => compileTemplate('t', 'x\n{{json (secret "vpnPsk")}}')).toThrow('template t at line 2: {{secret}} must stand on its own, not inside another helper');
    expect(() => compileTemplate('t', '{{secret x}}')({ x: 'a b' })).toThrow(/secret needs a name/);
    expect(compileTemplate('t', '{{json x}}')({ x: 'a"b\nc' })).toBe('"a\\"b\\nc"');
    expect(compileTemplate('t', '{{keyfile x}}')({ x: 'a\nb\\c' })).toBe('a\\nb\\\\c');
    const uuid = compileTemplate('t', '{{uuid a b}}')({ a: 'BRU-1', b: 'vpn' });
    expect(uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(compileTemplate('t', '{{uuid a b}}')({ a: 'BRU-1', b: 'vpn' })).toBe(uuid);
  });
});

describe('helper arguments', () => {
  it('are strict too: an undefined argument names the variable and line', () => {
    const render = compileTemplate('linux/prefs.js.hbs', 'a\nb {{json vars.mailServer}}\n');
    expect(() => render({ vars: {} })).toThrow('undefined variable vars.mailServer in template linux/prefs.js.hbs at line 2');
    expect(() => compileTemplate('t', '{{#each xs}}{{json @root.vars.z}}{{/each}}')({ xs: [1], vars: {} })).toThrow('undefined variable @root.vars.z in template t at line 1');
  });
});

describe('renders as a top-level Handlebars call does', () => {
  // compileTemplate renders with the helpers and hooks one top-level call prepared (see prepareRuntime)
  const reference = (text: string, context: object) => {
    const hb = (createRequire(import.meta.url)('handlebars') as typeof Handlebars).create();
    return hb.compile(text, { strict: true, noEscape: true })(context);
  };
  // Handlebars says once per property that it denied a prototype access; that is not this test's output
  const quiet = { error: console.error, warn: console.warn, log: console.log };
  beforeAll(() => Object.assign(console, { error: () => {}, warn: () => {}, log: () => {} }));
  afterAll(() => Object.assign(console, quiet));
  const context = { xs: ['a', 'b'], m: { id: 'BRU-1', n: { k: 'v' } }, key: 'id', flag: false, none: null, list: [] };
  it.each([
    ['each with @index, @first, @last and @root', '{{#each xs}}{{@index}}{{this}}{{#if @first}}F{{/if}}{{#if @last}}L{{/if}}{{@root.m.id}};{{/each}}'],
    ['with, lookup, unless and else', '{{#with m}}{{id}} {{lookup this ../key}}{{/with}} {{#unless flag}}no{{else}}yes{{/unless}} {{lookup m "id"}}'],
    ['sections on an object, a list, null and an empty list', '{{#m.n}}[{{k}}]{{/m.n}}{{#xs}}<{{this}}>{{/xs}}{{#none}}N{{else}}n{{/none}}{{#list}}L{{else}}empty{{/list}}'],
    ['an inline partial', '{{#*inline "row"}}({{this}}){{/inline}}{{#each xs}}{{> row}}{{/each}}'],
    ['prototype properties out of reach, own ones not', '{{m.constructor}}|{{xs.length}}|{{m.n.toString}}'],
    ['parent paths and each over an object', '{{#each m.n}}{{@key}}={{this}}/{{../m.id}}{{/each}}'],
  ])('%s', (_name, text) => {
    expect(compileTemplate('t', text)(context)).toBe(reference(text, context));
  });
  it('reports an unknown partial and a missing field as a top-level call does', () => {
    expect(() => reference('{{> nope}}', {})).toThrow('The partial nope could not be found');
    expect(() => compileTemplate('t', '{{> nope}}')({})).toThrow('template t: The partial nope could not be found');
    expect(() => compileTemplate('t', '{{#each xs}}{{this.nope}}{{/each}}')({ xs: [{}] })).toThrow('undefined variable this.nope in template t at line 1');
  });
});
