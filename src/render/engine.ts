import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type Handlebars from 'handlebars';
import { SECRET_NAME, secretMark } from './secret-mark.js';
import { fastTemplate } from './fast-template.js';

type RuntimeOptions = Handlebars.RuntimeOptions;

/** A template that could not be compiled or rendered: names the template, the variable and the line. */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly template: string,
    readonly variable?: string,
    readonly line?: number,
    readonly col?: number,
  ) {
    super(message);
    this.name = 'TemplateError';
  }
}

export type RenderFn = (context: object) => string;

const KEYFILE_SPECIAL = /[\\\n\r\t]/;

// Keyfile (GKeyFile, .ini-like) values end at the line end; escape so one value stays one line.
function escapeKeyfile(value: unknown): string {
  const text = String(value);
  if (!KEYFILE_SPECIAL.test(text)) return text;
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
}

// A name-based UUID (RFC 4122 layout, version 5 bits) so a rendered file is the same on every run.
function stableUuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

type Loc = { start: { line: number; column: number }; end: { line: number; column: number } };

// Handlebars' strict mode does not check helper arguments; this does, keeping where the call is.
class UndefinedArgument extends Error {
  constructor(readonly index: number, readonly loc: Loc | undefined) {
    super('undefined helper argument');
  }
}

function strictHelper(fn: (...args: unknown[]) => unknown): Handlebars.HelperDelegate {
  // Called for every helper use of every render: no rest arguments or copies on the way.
  return function (this: unknown) {
    const last = arguments.length - 1; // the options Handlebars passes last
    for (let i = 0; i < last; i++) if (arguments[i] === undefined) throw new UndefinedArgument(i, (arguments[last] as { loc?: Loc }).loc);
    if (last === 1) return fn(arguments[0]);
    if (last === 2) return fn(arguments[0], arguments[1]);
    return fn(...Array.prototype.slice.call(arguments, 0, last));
  };
}

// The engine's helpers, each with its arguments as the template gives them (no Handlebars options).
const HELPERS: Record<string, (...args: unknown[]) => unknown> = {
  secret: (name) => {
    if (typeof name !== 'string' || !SECRET_NAME.test(name)) throw new Error('secret needs a name of letters, digits, _ . -: {{secret "vpnPsk"}}');
    return secretMark(name);
  },
  json: (value) => JSON.stringify(value),
  keyfile: (value) => escapeKeyfile(value),
  join: (list, sep) => (Array.isArray(list) ? list.join(typeof sep === 'string' ? sep : ',') : ''),
  times: (a, b) => Number(a) * Number(b),
  add: (a, b) => Number(a) + Number(b),
  uuid: (...args) => stableUuid(args.map(String).join('\u0000')),
  eq: (a, b) => a === b,
};

function createHandlebars(): typeof Handlebars {
  const hb = (createRequire(import.meta.url)('handlebars') as typeof Handlebars).create();
  for (const [name, fn] of Object.entries(HELPERS)) hb.registerHelper(name, strictHelper(fn));
  return hb;
}

/** What a Handlebars call prepares before it renders: helpers, hooks and the prototype access rules. */
interface Runtime {
  helpers: unknown;
  partials: unknown;
  decorators: unknown;
  hooks: unknown;
  protoAccessControl: unknown;
}

/**
 * A top-level Handlebars call wraps every helper and builds its hooks and prototype access rules anew, on each render:
 * more work than rendering a small file. A partial call takes them from its caller instead. Every render here is made
 * such a call, with what one top-level call prepared once, read from a probe template through a decorator: the same
 * helpers, hooks and rules a top-level call would build, without building them 50,000 times.
 */
function prepareRuntime(hb: typeof Handlebars): Runtime {
  let runtime: Runtime | null = null;
  hb.registerDecorator('homeshiftRuntime', (program: unknown, _props: unknown, container: Runtime) => {
    const { helpers, hooks, protoAccessControl } = container;
    const { homeshiftRuntime: _probe, ...decorators } = container.decorators as Record<string, unknown>;
    // partials: the engine's own, as a top-level call of a template that uses partials takes them
    runtime = { helpers, partials: hb.partials, decorators, hooks, protoAccessControl };
    return program;
  });
  hb.compile('{{* homeshiftRuntime}}')({});
  hb.unregisterDecorator('homeshiftRuntime');
  if (!runtime) throw new Error('the template engine did not prepare its runtime');
  return runtime;
}

// Loaded on the first compile: status hashes plans without rendering and never loads the engine.
let engine: { hb: typeof Handlebars; runtime: Runtime } | null = null;
const loaded = () => {
  if (!engine) {
    const hb = createHandlebars();
    engine = { hb, runtime: prepareRuntime(hb) };
  }
  return engine;
};
const shared = (): typeof Handlebars => loaded().hb;

// Handlebars' parser alone is a fifth of the whole engine to load: templates that the direct renderer takes need no
// more (Handlebars compiles a template only when it first renders it). The full engine, where the parser's own module
// is not found.
type Parse = (text: string) => unknown;
let parser: Parse | null = null;
function parse(text: string): unknown {
  if (!parser) {
    try {
      parser = (createRequire(import.meta.url)('handlebars/dist/cjs/handlebars/compiler/base.js') as { parse: Parse }).parse;
    } catch {
      parser = (source) => shared().parse(source);
    }
  }
  return parser(text);
}
// Known helpers are called directly by the compiled code instead of being looked up on every render.
const KNOWN_HELPERS = Object.fromEntries(Object.keys(HELPERS).map((name) => [name, true]));

function variableAt(text: string, line: number, col: number): string | undefined {
  const source = text.split('\n')[line - 1] ?? '';
  const match = /^[@A-Za-z0-9_.\/-]+/.exec(source.slice(col).replace(/^[{\s#^]+/, ''));
  return match ? match[0] : undefined;
}

function argumentName(text: string, err: UndefinedArgument): string | undefined {
  if (!err.loc) return undefined;
  const line = text.split('\n')[err.loc.start.line - 1] ?? '';
  const call = line.slice(err.loc.start.column, err.loc.start.line === err.loc.end.line ? err.loc.end.column : undefined);
  const tokens = call.replace(/^[{(#\s]+|[})\s]+$/g, '').split(/\s+/);
  return tokens[err.index + 1];
}

function toTemplateError(err: unknown, name: string, text: string): TemplateError {
  if (err instanceof TemplateError) return err;
  if (err instanceof UndefinedArgument) {
    const variable = argumentName(text, err) ?? `argument ${err.index + 1}`;
    const line = err.loc?.start.line;
    const col = err.loc ? err.loc.start.column + 1 : undefined;
    return new TemplateError(`undefined variable ${variable} in template ${name}${line ? ` at line ${line}` : ''}`, name, variable, line, col);
  }
  const e = err as { message?: string; lineNumber?: number; column?: number };
  const raw = String(e.message ?? err);
  const notDefined = /^"([^"]+)" not defined in/.exec(raw);
  if (notDefined && e.lineNumber !== undefined && e.column !== undefined) {
    const variable = variableAt(text, e.lineNumber, e.column) ?? notDefined[1];
    const line = e.lineNumber;
    const col = e.column + 1;
    return new TemplateError(`undefined variable ${variable} in template ${name} at line ${line}`, name, variable, line, col);
  }
  const parseLine = /Parse error on line (\d+)/.exec(raw);
  if (parseLine) {
    const line = Number(parseLine[1]);
    const expecting = raw.split('\n').pop() ?? '';
    return new TemplateError(`syntax error in template ${name} at line ${line}: ${expecting}`, name, undefined, line);
  }
  const line = e.lineNumber;
  const at = line !== undefined ? ` at line ${line}` : '';
  return new TemplateError(`template ${name}${at}: ${raw.split('\n')[0]}`, name, undefined, line, e.column !== undefined ? e.column + 1 : undefined);
}

// The secret helper's mark must reach the output untouched: passed to another helper ({{json (secret "x")}}) it would
// be changed and could not be filled. Found in the syntax tree, before anything is rendered.
function checkSecretUse(name: string, node: unknown): void {
  if (!node || typeof node !== 'object') return;
  const n = node as { type?: string; path?: { original?: unknown }; loc?: Loc };
  if (n.type === 'SubExpression' && n.path?.original === 'secret') {
    const line = n.loc?.start.line;
    throw new TemplateError(`template ${name}${line ? ` at line ${line}` : ''}: {{secret}} must stand on its own, not inside another helper`, name, undefined, line, n.loc ? n.loc.start.column + 1 : undefined);
  }
  for (const value of Object.values(node)) {
    if (Array.isArray(value)) for (const child of value) checkSecretUse(name, child);
    else if (value && typeof value === 'object') checkSecretUse(name, value);
  }
}

/**
 * Compile once (strict: an undefined variable is an error; no HTML escaping); the result renders many times.
 * direct: false renders with Handlebars alone (to compare the direct renderer with).
 */
export function compileTemplate(name: string, text: string, opts: { direct?: boolean } = {}): RenderFn {
  let fast: ((context: object) => string) | null;
  try {
    const ast = parse(text);
    checkSecretUse(name, ast);
    fast = opts.direct === false ? null : fastTemplate(ast, HELPERS);
  } catch (err) {
    throw toTemplateError(err, name, text);
  }
  let compiled: HandlebarsTemplateDelegate | null = null; // the full engine loads with the first render it makes
  const render = (context: object) => {
    try {
      compiled ??= shared().compile(text, { strict: true, noEscape: true, knownHelpers: KNOWN_HELPERS });
      // data.root is what a top-level call sets for @root
      return compiled(context, { partial: true, ...loaded().runtime, data: { root: context } } as RuntimeOptions);
    } catch (err) {
      throw toTemplateError(err, name, text);
    }
  };
  if (!fast) return render;
  const direct = fast;
  return (context: object) => {
    try {
      return direct(context);
    } catch {
      return render(context); // where the direct renderer gives up, Handlebars gives the result or the error
    }
  };
}
