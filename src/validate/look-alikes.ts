import { describeCharacter } from '../config/text-policy.js';

// Cyrillic and Greek letters that look like Latin ones, the usual way a wrong address or name slips through.
const LATIN_TWINS: Record<string, string> = {
  'а': 'a', 'е': 'e', 'о': 'o', 'р': 'p', 'с': 'c', 'у': 'y', 'х': 'x', 'і': 'i', 'ј': 'j', 'ѕ': 's', 'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w', 'һ': 'h', 'ӏ': 'l',
  'А': 'A', 'В': 'B', 'Е': 'E', 'К': 'K', 'М': 'M', 'Н': 'H', 'О': 'O', 'Р': 'P', 'С': 'C', 'Т': 'T', 'Х': 'X', 'У': 'Y', 'І': 'I', 'Ј': 'J', 'Ѕ': 'S',
  'ο': 'o', 'α': 'a', 'ν': 'v', 'ι': 'i', 'κ': 'k', 'ρ': 'p', 'τ': 't', 'υ': 'u', 'χ': 'x',
  'Α': 'A', 'Β': 'B', 'Ε': 'E', 'Ζ': 'Z', 'Η': 'H', 'Ι': 'I', 'Κ': 'K', 'Μ': 'M', 'Ν': 'N', 'Ο': 'O', 'Ρ': 'P', 'Τ': 'T', 'Υ': 'Y', 'Χ': 'X',
};

const LATIN_ONLY = /^[\u0000-\u024f]*$/;

const SCRIPTS: [string, RegExp][] = [
  ['Latin', /\p{Script=Latin}/u], ['Cyrillic', /\p{Script=Cyrillic}/u], ['Greek', /\p{Script=Greek}/u], ['Armenian', /\p{Script=Armenian}/u],
  ['Cherokee', /\p{Script=Cherokee}/u], ['Arabic', /\p{Script=Arabic}/u], ['Hebrew', /\p{Script=Hebrew}/u], ['Han', /\p{Script=Han}/u],
];

export function scriptOf(ch: string): string | null {
  for (const [name, re] of SCRIPTS) if (re.test(ch)) return name;
  return null;
}

/** "U+0430 (a Cyrillic letter that looks like Latin 'a')" for a known twin, else null. */
export function describeLookAlike(ch: string): string | null {
  const twin = LATIN_TWINS[ch];
  if (!twin) return null;
  return `${describeCharacter(ch)} (a ${scriptOf(ch)} letter that looks like Latin '${twin}')`;
}

/**
 * A word of the value that mixes scripts, with the reason: which character, which script, among which letters.
 * Words are split at spaces, dots, @ and dashes, so "Иван Müller" (two words, two scripts) is fine.
 */
export function findMixedScript(value: string): string | null {
  if (LATIN_ONLY.test(value)) return null; // most names: nothing to mix
  for (const word of value.split(/[\s.@_+-]+/)) {
    const scripts = new Map<string, string>();
    for (const ch of word) {
      const s = scriptOf(ch);
      if (s && !scripts.has(s)) scripts.set(s, ch);
    }
    if (scripts.size < 2) continue;
    const [main] = [...scripts.keys()].sort((a, b) => count(word, b) - count(word, a));
    const [other, ch] = [...scripts.entries()].find(([s]) => s !== main)!;
    const twin = LATIN_TWINS[ch];
    const look = twin && main === 'Latin' ? `, which looks like Latin '${twin}'` : '';
    return `'${word}' mixes scripts: ${describeCharacter(ch)} is ${other}${look}, the rest ${main}`;
  }
  return null;
}

function count(word: string, script: string): number {
  let n = 0;
  for (const ch of word) if (scriptOf(ch) === script) n++;
  return n;
}
