import { describeCharacter, findTextProblem } from '../config/text-policy.js';
import { describeLookAlike } from './look-alikes.js';

const LOCAL_CHAR = /[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]/;
const DOMAIN_CHAR = /[A-Za-z0-9.-]/;

function badChar(part: string, allowed: RegExp, offset: number, where: string): string | null {
  for (let i = 0; i < part.length; ) {
    const ch = String.fromCodePoint(part.codePointAt(i)!);
    if (!allowed.test(ch)) {
      const look = describeLookAlike(ch);
      const what = look ?? (ch.charCodeAt(0) > 0x7e ? `non-ASCII ${describeCharacter(ch)}` : `'${ch}'`);
      return `has ${what} at position ${offset + i + 1}, which ${where} may not hold`;
    }
    i += ch.length;
  }
  return null;
}

/** What is wrong with a mailbox address, in words; null when it is well-formed. */
export function explainMailbox(address: string): string | null {
  if (address === '') return 'is empty';
  const text = findTextProblem(address);
  if (text) return `${text.where} ${describeCharacter(text.char)} at position ${text.index + 1}`;
  const space = address.search(/\s/);
  if (space >= 0) return `has a space at position ${space + 1}`;
  const at = address.indexOf('@');
  if (at < 0) return 'has no @';
  if (address.indexOf('@', at + 1) >= 0) return `has a second @ at position ${address.indexOf('@', at + 1) + 1}`;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local === '') return 'has nothing before the @';
  if (domain === '') return 'has no domain after the @';
  const localChar = badChar(local, LOCAL_CHAR, 0, 'the part before the @');
  if (localChar) return localChar;
  if (local.startsWith('.') || local.endsWith('.')) return `the part before the @ ${local.startsWith('.') ? 'starts' : 'ends'} with a dot`;
  if (local.includes('..')) return 'the part before the @ has two dots in a row';
  const domainChar = badChar(domain, DOMAIN_CHAR, at + 1, 'a domain (write international domains as xn-- punycode)');
  if (domainChar) return domainChar;
  const labels = domain.split('.');
  if (labels.length < 2) return `domain ${domain} has no dot (e.g. example-telco.de)`;
  if (labels.some((l) => l === '')) return `domain ${domain} has an empty part (a dot at the start, the end or twice in a row)`;
  const dash = labels.find((l) => l.startsWith('-') || l.endsWith('-'));
  if (dash) return `domain part ${dash} starts or ends with a dash`;
  const tld = labels[labels.length - 1];
  if (!/^[A-Za-z]{2,}$/.test(tld)) return `top-level domain ${tld} must be two or more letters`;
  return null;
}
