/**
 * A direct renderer for the part of Handlebars the config templates use: text, {{path}}, {{helper args}} with the
 * engine's own helpers, (sub expressions), {{#if}}, {{#unless}}, {{#each list}} over arrays with @index, @first,
 * @last, this and @root, and {{else}}. It walks the syntax tree Handlebars parsed (whitespace control applied), so
 * rendering 50,000 small files skips the Handlebars runtime's per-call work.
 *
 * It never decides a doubtful case: a missing or inherited property, a null on the way, a value that is not a
 * string, number or boolean where text is made, an undefined helper argument, anything thrown: it gives up (throws),
 * and the caller renders with Handlebars itself, which gives the one true result or error. Constructs it does not
 * know (partials, hashes, block parameters, ../, other helpers) make fastTemplate return null: Handlebars then
 * renders that template every time.
 */

type Helper = (...args: unknown[]) => unknown;

interface Node {
  type: string;
  [key: string]: unknown;
}
interface PathNode extends Node {
  type: 'PathExpression';
  data: boolean;
  depth: number;
  parts: string[];
  original: string;
}
interface CallNode extends Node {
  path: Node;
  params: Node[];
  hash?: unknown;
}
interface BlockNode extends CallNode {
  program?: ProgramNode;
  inverse?: ProgramNode;
}
interface ProgramNode extends Node {
  body: Node[];
  blockParams?: string[];
}

/** Where a path is looked up: the current context, the data frame (@index ...) and the root. */
interface Scope {
  context: unknown;
  root: unknown;
  index?: number;
  first?: boolean;
  last?: boolean;
}

type Part = (scope: Scope) => string;
type Value = (scope: Scope) => unknown;

class GiveUp extends Error {}
const giveUp = (): never => {
  throw new GiveUp('left to Handlebars');
};

class Unsupported extends Error {}

function own(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) giveUp();
  return (value as Record<string, unknown>)[key];
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return giveUp();
}

const DATA_NAMES = new Set(['index', 'first', 'last', 'root']);

function compilePath(node: PathNode): Value {
  if (node.depth > 0) throw new Unsupported('../');
  const parts = node.parts;
  if (node.data) {
    const [name, ...rest] = parts;
    if (!DATA_NAMES.has(name)) throw new Unsupported(`@${name}`);
    if (name === 'root') return (scope) => lookup(scope.root, rest);
    if (rest.length > 0) throw new Unsupported(`@${name}.`);
    return (scope) => (scope[name as 'index' | 'first' | 'last'] === undefined ? giveUp() : scope[name as 'index' | 'first' | 'last']);
  }
  if (parts.length === 1) {
    const key = parts[0];
    return (scope) => own(scope.context, key);
  }
  return (scope) => lookup(scope.context, parts);
}

function lookup(from: unknown, parts: string[]): unknown {
  let value = from;
  for (const part of parts) value = own(value, part);
  return value;
}

function compileValue(node: Node, helpers: Record<string, Helper>): Value {
  switch (node.type) {
    case 'PathExpression':
      return compilePath(node as PathNode);
    case 'StringLiteral':
    case 'NumberLiteral':
    case 'BooleanLiteral': {
      const value = node.value;
      return () => value;
    }
    case 'NullLiteral':
      return () => null;
    case 'SubExpression':
      return compileCall(node as CallNode, helpers);
    default:
      throw new Unsupported(node.type);
  }
}

function helperOf(node: CallNode, helpers: Record<string, Helper>): Helper | null {
  const path = node.path as PathNode;
  if (path.type !== 'PathExpression' || path.data || path.depth > 0 || path.parts.length !== 1 || path.original !== path.parts[0]) return null;
  return Object.hasOwn(helpers, path.parts[0]) ? helpers[path.parts[0]] : null;
}

function compileCall(node: CallNode, helpers: Record<string, Helper>): Value {
  if (node.hash) throw new Unsupported('hash arguments');
  const helper = helperOf(node, helpers);
  if (!helper) throw new Unsupported('a helper of its own');
  const params = node.params.map((p) => compileValue(p, helpers));
  // one and two arguments (nearly every call) without an array on each render
  if (params.length === 1) {
    const [a] = params;
    return (scope) => {
      const x = a(scope);
      return x === undefined ? giveUp() : helper(x);
    };
  }
  if (params.length === 2) {
    const [a, b] = params;
    return (scope) => {
      const x = a(scope);
      const y = b(scope);
      return x === undefined || y === undefined ? giveUp() : helper(x, y);
    };
  }
  return (scope) => {
    const args = params.map((p) => p(scope));
    for (const arg of args) if (arg === undefined) giveUp();
    return helper(...args);
  };
}

function compileMustache(node: CallNode, helpers: Record<string, Helper>): Part {
  if (node.hash) throw new Unsupported('hash arguments');
  if (node.params.length > 0 || helperOf(node, helpers)) {
    const call = compileCall(node, helpers);
    return (scope) => text(call(scope));
  }
  if (node.path.type !== 'PathExpression') throw new Unsupported(node.path.type);
  const value = compilePath(node.path as PathNode);
  return (scope) => text(value(scope));
}

// Handlebars' own truth for if and unless: false, 0, '', null, undefined and [] are empty.
function empty(value: unknown): boolean {
  if (typeof value === 'function') giveUp();
  return !value || (Array.isArray(value) && value.length === 0);
}

function compileBlock(node: BlockNode, helpers: Record<string, Helper>): Part {
  if (node.hash) throw new Unsupported('hash arguments');
  const path = node.path as PathNode;
  const name = path.type === 'PathExpression' && path.parts.length === 1 && !path.data ? path.parts[0] : '';
  if (node.params.length !== 1 || !['if', 'unless', 'each'].includes(name)) throw new Unsupported(`{{#${path.original}}}`);
  if (node.program?.blockParams?.length || node.inverse?.blockParams?.length) throw new Unsupported('block parameters');
  const param = compileValue(node.params[0], helpers);
  const body = node.program ? compileProgram(node.program, helpers) : () => '';
  const inverse = node.inverse ? compileProgram(node.inverse, helpers) : () => '';
  if (name === 'if') return (scope) => (empty(param(scope)) ? inverse(scope) : body(scope));
  if (name === 'unless') return (scope) => (empty(param(scope)) ? body(scope) : inverse(scope));
  return (scope) => {
    const list = param(scope);
    if (list === null) return inverse(scope);
    if (!Array.isArray(list)) return giveUp();
    if (list.length === 0) return inverse(scope);
    let out = '';
    for (let i = 0; i < list.length; i++) {
      if (!(i in list)) giveUp(); // a hole: Handlebars' each skips it
      out += body({ context: list[i], root: scope.root, index: i, first: i === 0, last: i === list.length - 1 });
    }
    return out;
  };
}

function compileProgram(program: ProgramNode, helpers: Record<string, Helper>): Part {
  const parts: Part[] = [];
  for (const node of program.body) {
    switch (node.type) {
      case 'ContentStatement': {
        const value = node.value as string;
        if (value) parts.push(() => value);
        break;
      }
      case 'CommentStatement':
        break;
      case 'MustacheStatement':
        parts.push(compileMustache(node as CallNode, helpers));
        break;
      case 'BlockStatement':
        parts.push(compileBlock(node as BlockNode, helpers));
        break;
      default:
        throw new Unsupported(node.type);
    }
  }
  if (parts.length === 1) return parts[0];
  return (scope) => {
    let out = '';
    for (const part of parts) out += part(scope);
    return out;
  };
}

/**
 * The direct renderer of a parsed template, or null when the template uses what it does not know. Its render
 * throws where it gives up; render with Handlebars then.
 */
export function fastTemplate(ast: unknown, helpers: Record<string, Helper>): ((context: object) => string) | null {
  let program: Part;
  try {
    program = compileProgram(ast as ProgramNode, helpers);
  } catch (err) {
    if (err instanceof Unsupported) return null;
    throw err;
  }
  return (context) => program({ context, root: context });
}
