import { createHash } from 'node:crypto';
import type { ErrorClass } from './result.js';

type Rule = [RegExp, string | ((match: string, ...groups: string[]) => string)];

const FILE_EXTENSIONS = new Set(['sh', 'ps1', 'psm1', 'log', 'txt', 'yaml', 'yml', 'json', 'conf', 'cfg', 'ini', 'exe', 'msi', 'dll', 'db', 'hbs', 'xml', 'reg', 'nmconnection', 'ovpn', 'pem', 'key', 'crt', 'service', 'tmp', 'js', 'ts']);

/** Normalises the variable segments of one path: home folders, temp folders, segments with digits. */
function normalisePath(path: string): string {
  const sep = path.includes('\\') ? '\\' : '/';
  const parts = path.split(sep);
  for (let i = 0; i < parts.length; i++) {
    const prev = (parts[i - 1] ?? '').toLowerCase();
    if (prev === 'home' || prev === 'users') parts[i] = '<user>';
    else if ((prev === 'tmp' || prev === 'temp') && parts[i] !== '') parts[i] = '<tmp>';
    else if (/\d/.test(parts[i]) && !/^<\w+>$/.test(parts[i])) parts[i] = parts[i].replace(/\d+/g, '<n>');
  }
  return parts.join(sep);
}

// A package id as winget names them (Mozilla.Firefox.ESR, Cyanfish.NAPS2, dbeaver.dbeaver): every label starts with a
// capital or a digit and some label has small letters, or publisher and name are one word. Host names keep one case
// per label after the first (pc12.corp.example, BRU-D0042.bruehl.corp.example, PC12.CORP.EXAMPLE): never taken for one.
const PACKAGE_ID_LABEL = /^[A-Z0-9][A-Za-z0-9+_-]*$/;

function isPackageId(name: string): boolean {
  const labels = name.split('.');
  if (labels.length === 2 && labels[0].toLowerCase() === labels[1].toLowerCase()) return true;
  return labels.every((label) => PACKAGE_ID_LABEL.test(label)) && labels.some((label) => /[a-z]/.test(label));
}

function normaliseHost(name: string): string {
  if (isPackageId(name)) return name;
  const tld = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  const dots = name.split('.').length - 1;
  if (!/^[a-z]{2,}$/.test(tld)) return name;
  return dots >= 2 || !FILE_EXTENSIONS.has(tld) ? '<host>' : name;
}

// Order matters: quoted values and addresses before the generic number rule eats their digits.
const RULES: Rule[] = [
  [/'[^'\n]*'|"[^"\n]*"|`[^`\n]*`|‘[^’\n]*’|“[^”\n]*”/g, '<value>'],
  [/\bSHA256:[A-Za-z0-9+/=]{16,}/g, '<key-fingerprint>'],
  [/\b[\w.-]+@(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b/g, (m) => (m.includes(':') ? '<user>@<ip>:<port>' : '<user>@<ip>')],
  [/\b[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+\b/g, '<mailbox>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\b(?:[a-z][a-z0-9+.-]*):\/\/[^\s]+/gi, '<url>'],
  [/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b/g, (m) => (m.includes(':') ? '<ip>:<port>' : '<ip>')],
  [/(?<![\w:])(?=[0-9a-f:]*::|(?:[0-9a-f]{1,4}:){5})[0-9a-f:]*[0-9a-f](?![\w:])/gi, '<ip>'],
  [/(?:[A-Za-z]:\\|\\\\)[^\s,;:'"]*|(?<![\w<>])(?:~|\.{1,2})?\/(?:[^\s,;:'"/]+\/?)+/g, (m) => normalisePath(m)],
  [/\b[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})+\.?(?::\d{1,5})?\b/g, (m) => {
    const [name, port] = m.split(':');
    if (/^[\d.]+$/.test(name)) return m;
    const host = normaliseHost(name.replace(/\.$/, ''));
    return port !== undefined ? `${host}:<port>` : host;
  }],
  [/\b(?!ssh-|ecdsa-)[A-Z]{2,6}-[A-Z]{0,3}\d{2,}\b/gi, '<machine>'],
  [/\be\d{4,}\b/gi, '<employee>'],
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, '<hex>'],
  [/\b\d+(?:[.,]\d+)?\s?(?:ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hours?|d|days?)\b/gi, '<duration>'],
  [/\b(port)\s+\d+\b/gi, '$1 <port>'],
  [/(?<![<\w])-?\d+(?:\.\d+)?\b/g, '<n>'],
];

/** The human-readable cause of a message: ids, hosts, numbers and other variable parts replaced by <placeholders>. */
export function normaliseMessage(message: string): string {
  let text = message.replace(/\s+/g, ' ').trim();
  for (const [pattern, replacement] of RULES) {
    text = typeof replacement === 'string' ? text.replace(pattern, replacement) : text.replace(pattern, replacement as (m: string) => string);
  }
  return text;
}

// A step id leading a message ("check:customer-data: connection lost …"), as the executor prefixes it.
const LEADING_STEP = /^[a-z][a-z0-9-]*(?::[a-z0-9._-]+)?: /;

// Failures of the connection, not of a step: the step they happened to cut says nothing about the cause.
const CONNECTION_CLASSES: ReadonlySet<string> = new Set<ErrorClass>(['unreachable', 'auth', 'interrupted']);

/**
 * A short stable id for a cause: `step-failed:mailbox:3f2a9c1b` (class, failed step when known, 8 hex of sha256).
 * A connection failure (unreachable, auth, interrupted) is one cause whatever step it cut: `unreachable:5d1e0c2a`,
 * with neither the step nor a leading `step: ` of its message in the hash.
 */
export function fingerprintMessage(errorClass: ErrorClass | null, message: string | null, step?: string | null): string {
  let text = message ?? '';
  let stepPart = step ?? null;
  if (errorClass !== null && CONNECTION_CLASSES.has(errorClass)) {
    text = stepPart && text.startsWith(`${stepPart}: `) ? text.slice(stepPart.length + 2) : text.replace(LEADING_STEP, '');
    stepPart = null;
  }
  const normalised = normaliseMessage(text);
  const digest = createHash('sha256').update(`${errorClass ?? 'error'}\n${stepPart ?? ''}\n${normalised}`).digest('hex').slice(0, 8);
  return [errorClass ?? 'error', stepPart, digest].filter((part) => part).join(':');
}


/**
 * The pattern shown for a cause: the normalised message, without the step a connection failure happened to cut,
 * so that the one cause of ten dropped connections reads the same whichever PC is its example.
 */
export function causePattern(errorClass: ErrorClass | string | null, message: string | null): string {
  let text = message ?? '';
  if (errorClass !== null && CONNECTION_CLASSES.has(errorClass)) text = text.replace(LEADING_STEP, '');
  return normaliseMessage(text);
}
