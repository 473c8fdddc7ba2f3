/**
 * Every sentence of a digest, in the supporters' language (a site's `language:`). A language is one object of this
 * shape, so a missing sentence is a type error, never an English line in a German mail. Data (names, machine ids,
 * the PCs' own messages, commands) stays as it is.
 */
import type { Language } from '../model/project.js';
import { localTime } from '../model/local-time.js';

export interface DigestWords {
  hello(name: string): string;
  ownerIntro(cases: number, causes: number, project: string): string;
  escalationIntro(cases: number, project: string): string;
  reportedBefore(cases: number): string;
  ownerSubject(cases: number, causes: number, overdue: number): string;
  escalationSubject(cases: number, causes: number, overdue: number): string;
  cause: string;
  example: string;
  whatToDo: string;
  machines(n: number): string;
  andMore(n: number): string;
  rerun: string;
  open(age: string): string;
  due(at: string, overdue: boolean): string;
  owner(name: string): string;
  failedAttempts(n: number): string;
  note: string;
  signature(project: string): string;
  time(at: string | null): string;
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

const en: DigestWords = {
  hello: (name) => `Hello ${name},`,
  ownerIntro: (n, causes, project) => `${plural(n, 'open case', 'open cases')} of the rollout ${project} ${n === 1 ? 'is' : 'are'} yours, in ${plural(causes, 'cause', 'causes')}. Overdue cases come first.`,
  escalationIntro: (n, project) => `${plural(n, 'case', 'cases')} of the rollout ${project} escalated to you: past ${n === 1 ? 'its' : 'their'} due time, or failed too often. Please see that ${n === 1 ? 'it is' : 'they are'} taken care of.`,
  reportedBefore: (n) => `Still open and reported before: ${plural(n, 'case', 'cases')} (homeshift errors --group lists them all).`,
  ownerSubject: (n, causes, overdue) => `${plural(n, 'open case', 'open cases')} for you in ${plural(causes, 'cause', 'causes')}${overdue > 0 ? `, ${overdue} overdue` : ''}`,
  escalationSubject: (n, causes, overdue) => `Escalated to you: ${plural(n, 'case', 'cases')} in ${plural(causes, 'cause', 'causes')}${overdue > 0 ? `, ${overdue} overdue` : ''}`,
  cause: 'cause',
  example: 'example',
  whatToDo: 'what to do',
  machines: (n) => `machines (${n})`,
  andMore: (n) => `and ${n} more (homeshift errors --group lists them)`,
  rerun: 'then re-run them',
  open: (age) => `open ${age}`,
  due: (at, overdue) => `due ${at}${overdue ? ' OVERDUE' : ''}`,
  owner: (name) => `owner ${name}`,
  failedAttempts: (n) => plural(n, 'failed attempt', 'failed attempts'),
  note: 'note',
  signature: (project) => `homeshift, rollout ${project}`,
  time: (at) => localTime(at),
};

const number = new Intl.NumberFormat('de-DE');
const zahl = (n: number): string => number.format(n);
/** "ein Fall", "3 Fälle"; open: "ein offener Fall", "3 offene Fälle"; accusative: "einen (offenen) Fall". */
function faelle(n: number, open = false, accusative = false): string {
  if (n !== 1) return `${zahl(n)} ${open ? 'offene ' : ''}Fälle`;
  if (accusative) return open ? 'einen offenen Fall' : 'einen Fall';
  return open ? 'ein offener Fall' : 'ein Fall';
}
const capital = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** "3d 4h" as "3 Tagen 4 Std." (after "seit"). */
function germanAge(age: string): string {
  const unit: Record<string, [string, string]> = { d: ['Tag', 'Tagen'], h: ['Std.', 'Std.'], m: ['Min.', 'Min.'], s: ['Sek.', 'Sek.'] };
  return age.replace(/(\d+)([dhms])/g, (_, n: string, u: string) => `${n} ${unit[u][Number(n) === 1 ? 0 : 1]}`);
}

/** 05.12.2026 14:30 in the zone of the machine the command runs on, as German mail writes a time. */
function germanTime(at: string | null): string {
  if (!at) return '';
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) return at;
  const parts = new Intl.DateTimeFormat('de-DE', { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(ms);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('day')}.${part('month')}.${part('year')} ${part('hour')}:${part('minute')}`;
}

const de: DigestWords = {
  hello: (name) => `Hallo ${name},`,
  ownerIntro: (n, causes, project) => `Sie haben ${faelle(n, true, true)} im Rollout ${project}, ${causes === 1 ? 'mit einer Ursache' : `nach ${zahl(causes)} Ursachen geordnet`}. Überfällige Fälle stehen zuerst.`,
  escalationIntro: (n, project) => `${capital(faelle(n))} im Rollout ${project} ${n === 1 ? 'wurde' : 'wurden'} an Sie eskaliert: über der Frist oder zu oft fehlgeschlagen. Bitte sorgen Sie dafür, dass sich jemand ${n === 1 ? 'darum' : 'um sie'} kümmert.`,
  reportedBefore: (n) => `Weiterhin offen und bereits gemeldet: ${faelle(n)} (homeshift errors --group zeigt alle).`,
  ownerSubject: (n, causes, overdue) => `${capital(faelle(n, true))} für Sie, ${causes === 1 ? 'eine Ursache' : `${zahl(causes)} Ursachen`}${overdue > 0 ? `, ${zahl(overdue)} überfällig` : ''}`,
  escalationSubject: (n, causes, overdue) => `An Sie eskaliert: ${faelle(n)}, ${causes === 1 ? 'eine Ursache' : `${zahl(causes)} Ursachen`}${overdue > 0 ? `, ${zahl(overdue)} überfällig` : ''}`,
  cause: 'Ursache',
  example: 'Beispiel',
  whatToDo: 'Was zu tun ist',
  machines: (n) => `PCs (${zahl(n)})`,
  andMore: (n) => `und ${zahl(n)} weitere (homeshift errors --group zeigt sie)`,
  rerun: 'danach erneut ausführen',
  open: (age) => `offen seit ${germanAge(age)}`,
  due: (at, overdue) => `fällig ${at}${overdue ? ' ÜBERFÄLLIG' : ''}`,
  owner: (name) => `zuständig ${name}`,
  failedAttempts: (n) => (n === 1 ? '1 fehlgeschlagener Versuch' : `${zahl(n)} fehlgeschlagene Versuche`),
  note: 'Notiz',
  signature: (project) => `homeshift, Rollout ${project}`,
  time: germanTime,
};

export const DIGEST_WORDS: Record<Language, DigestWords> = { en, de };

/** The language of a list of sites: theirs when they all share one, else English. */
export function languageOfSites(sites: Iterable<string>, languageOf: ((site: string) => Language) | undefined): Language {
  const found = new Set<Language>();
  for (const site of sites) found.add(languageOf?.(site) ?? 'en');
  return found.size === 1 ? [...found][0] : 'en';
}
