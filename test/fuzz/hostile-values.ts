/** Seeded generator of hostile text for the fuzz test: the same seed gives the same values. */
export type Random = () => number;

export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rnd: Random, list: readonly T[]): T => list[Math.floor(rnd() * list.length)];

const SHELL = (canary: string) => [`$(touch ${canary})`, `\`touch ${canary}\``, `; touch ${canary} #`, `| touch ${canary}`, `&& touch ${canary}`, '${HOME}', '$HS_ROOT', '\\', "'", '"', "'\\''", '*', '?', '~', '!', '%s', '%n', '<<EOF', '\\n'];
const POWERSHELL = ['$env:PATH', '$(Start-Process calc)', '@(1)', '`n', '`$x', "'+'", "''", '#', '<#', '#>', "@'\n", "\n'@", '${x}', '[char]0x41', '\u2018', '\u2019', '\u201a', '\u201b', '\u201c', '\u201d', '\u201e', '\u2014'];
const PLACEHOLDERS = ['@@HS_SECRET:vpnPsk@@', '@@HS_SECRET:enrolmentToken@@', '@@HS_SECRET:nope@@', '{{secret "vpnPsk"}}', '{{vars.mailServer}}', '{{', '}}', '\u0000hs-secret-', '@@HS_SECRET:', '@@'];
const QUOTES = ["'", '"', '`', '\u2018', '\u2019', '\u201c', '\u201d', '\u00ab', '\u00bb', '\u2039', '\u203a'];
const WORDS = ['Anna', "O'Brien", 'Müller', 'Ünal', 'Groß', 'Иван', 'Αλέξης', '李', 'José', '\u{1f600}'];

// Code points from the ranges that matter: controls, invisible and bidi characters, letters of several scripts, astral.
const RANGES: [number, number][] = [[0x00, 0x1f], [0x7f, 0x9f], [0x20, 0x7e], [0xa0, 0xff], [0x200b, 0x200f], [0x2028, 0x202e], [0x2066, 0x2069], [0x400, 0x45f], [0x370, 0x3ff], [0x4e00, 0x4e20], [0x1f600, 0x1f64f], [0xfeff, 0xfeff], [0xd800, 0xdfff]];

function randomChar(rnd: Random): string {
  const [lo, hi] = pick(rnd, RANGES);
  return String.fromCodePoint(lo + Math.floor(rnd() * (hi - lo + 1)));
}

/** One value of one to five pieces: words, shell and PowerShell syntax, quotes, placeholder look-alikes, random characters. */
export function hostileValue(rnd: Random, canary: string): string {
  const kinds = [() => pick(rnd, WORDS), () => pick(rnd, SHELL(canary)), () => pick(rnd, POWERSHELL), () => pick(rnd, PLACEHOLDERS), () => pick(rnd, QUOTES), () => randomChar(rnd), () => ' ', () => '\n'];
  const n = 1 + Math.floor(rnd() * 5);
  let value = '';
  for (let i = 0; i < n; i++) value += pick(rnd, kinds)();
  return value;
}
