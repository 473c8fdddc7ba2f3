import { languageOfSites } from '../../cases/words.js';
import type { OpenCaseView, SupporterWorklist } from '../../journal/index.js';
import { adviceFor, adviceText } from '../../model/advice.js';
import { localTime } from '../../model/local-time.js';
import type { Language } from '../../model/project.js';
import { renderClassBadge } from './causes.js';
import { countOf, escapeHtml, renderPerson } from './escape.js';

/** A worklist's words in its supporters' language; the PCs' own messages stay as they were. */
interface WorklistWords {
  cases(n: number): string;
  escalated: string;
  overdue: string;
  columns: [machine: string, site: string, age: string, attempts: string, due: string, errorClass: string, cause: string];
  firstFailed: string;
  whatToDo(c: OpenCaseView): string;
}

const WORDS: Record<Language, WorklistWords> = {
  en: {
    cases: (n) => countOf(n, 'open case'),
    escalated: 'escalated',
    overdue: 'overdue',
    columns: ['machine', 'site', 'age', 'attempts', 'due', 'class', 'cause'],
    firstFailed: 'first failed',
    whatToDo: (c) => c.whatToDo,
  },
  de: {
    cases: (n) => (n === 1 ? '1 offener Fall' : `${new Intl.NumberFormat('de-DE').format(n)} offene Fälle`),
    escalated: 'eskaliert',
    overdue: 'überfällig',
    columns: ['PC', 'Standort', 'offen seit', 'Versuche', 'fällig', 'Klasse', 'Ursache'],
    firstFailed: 'zuerst fehlgeschlagen',
    whatToDo: (c) => adviceText(adviceFor(c.errorClass, c.message), 'de'),
  },
};

function renderCase(c: OpenCaseView, w: WorklistWords): string {
  const flag = c.escalated ? `<span class="badge escalated" title="${escapeHtml(`${w.escalated} ${localTime(c.escalatedAt)}`)}">${w.escalated}</span>` : '';
  return `<tr${c.escalated ? ' class="is-escalated"' : ''}>
<td><code>${escapeHtml(c.machine)}</code></td><td>${escapeHtml(c.site)}</td><td>${flag}</td>
<td class="num" title="${escapeHtml(`${w.firstFailed} ${localTime(c.firstFailed)}`)}">${escapeHtml(c.age)}</td><td class="num">${c.attempts}</td>
<td${c.overdue ? ' class="t-open"' : ''}>${c.dueAt ? `${escapeHtml(localTime(c.dueAt))}${c.overdue ? ` ${w.overdue}` : ''}` : '-'}</td>
<td>${renderClassBadge(c.errorClass)}</td><td class="msg">${escapeHtml(c.message ?? c.cause)}<div class="todo muted">${escapeHtml(w.whatToDo(c))}</div></td>
</tr>`;
}

function renderWorklist(list: SupporterWorklist, language: Language): string {
  const w = WORDS[language];
  const overdue = list.overdue > 0 ? ` <span class="badge overdue">${list.overdue} ${w.overdue}</span>` : '';
  const escalated = (list.escalated > 0 ? ` <span class="badge escalated">${list.escalated} ${w.escalated}</span>` : '') + overdue;
  const [machine, site, age, attempts, due, errorClass, cause] = w.columns;
  return `<article class="worklist"${language === 'en' ? '' : ` lang="${language}"`}>
<h3>${renderPerson(list.owner)} <span class="muted">${w.cases(list.cases.length)}</span>${escalated}</h3>
<table class="cases">
<colgroup><col class="c-machine"><col class="c-site"><col class="c-flag"><col class="c-age"><col class="c-attempts"><col class="c-due"><col class="c-class"><col></colgroup>
<thead><tr><th scope="col">${machine}</th><th scope="col">${site}</th><th scope="col"></th><th scope="col" class="num">${age}</th>
<th scope="col" class="num">${attempts}</th><th scope="col">${due}</th><th scope="col">${errorClass}</th><th scope="col">${cause}</th></tr></thead>
<tbody>
${list.cases.map((c) => renderCase(c, w)).join('\n')}
</tbody>
</table>
</article>`;
}

/** Per owner: their open cases, overdue first, then escalated, with age, attempts and the cause; each in its supporters' language. */
export function renderWorklists(lists: SupporterWorklist[], languageOf?: (site: string) => Language): string {
  if (lists.length === 0) return '<p class="empty">No open cases, so nobody has work left.</p>';
  return lists.map((list) => renderWorklist(list, languageOfSites(list.cases.map((c) => c.site), languageOf))).join('\n');
}
