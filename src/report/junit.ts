import { lastResults, type JournalStore, type LastResult } from '../journal/index.js';
import type { ReportMachine, ReportSite } from './html/gather.js';
import { printable } from '../model/printable.js';
import { isFailedStatus } from '../model/result.js';

export interface JunitInput {
  title: string;
  store: JournalStore;
  machines: ReportMachine[]; // the inventory; machines only the journal knows are added unless `only`
  only?: boolean; // machines is a selection (--limit)
  sites: ReportSite[];
  now: Date;
}

/** One testcase: a machine and its last result. */
export interface JunitCase {
  machine: string;
  site: string;
  seconds: number;
  outcome: 'passed' | 'failed' | 'skipped';
  type: string; // the error class, or why it was skipped
  message: string;
  detail: string; // stderr tail of the failing step
}

export interface JunitSuite {
  site: string;
  name: string;
  cases: JunitCase[];
}

const STDERR_LINES = 20;

// XML 1.0 allows no control characters but tab, newline and carriage return (ANSI colour codes would break parsers).
const stripInvalid = (text: string): string => text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text and attribute values for XML: escaped, invalid characters removed. */
export function escapeXml(value: unknown): string {
  return stripInvalid(printable(value, { keepLines: true })).replace(/[&<>"']/g, (ch) => XML_ENTITIES[ch]);
}

const tail = (text: string, lines: number): string => text.split('\n').filter((l, i, all) => i < all.length - 1 || l !== '').slice(-lines).join('\n');

function caseOf(machine: string, site: string, last: LastResult | undefined): JunitCase {
  const base = { machine, site, seconds: (last?.durationMs ?? 0) / 1000, type: '', message: '', detail: '' };
  if (!last) return { ...base, outcome: 'skipped', type: 'never-tried', message: 'never tried: no run has reached this machine yet' };
  if (last.status === 'ok' || last.status === 'changed') return { ...base, outcome: 'passed' };
  if (isFailedStatus(last.status)) {
    const failing = last.failingStep;
    const type = last.errorClass ?? 'internal';
    const message = last.message ?? last.status;
    const detail = failing ? `step ${failing.step}${failing.exitCode !== null ? ` exited ${failing.exitCode}` : ''}\n${tail(failing.stderrTail, STDERR_LINES)}` : `${type}: ${message}`;
    return { ...base, outcome: 'failed', type, message, detail: detail.trimEnd() };
  }
  const why = last.status === 'would-change' ? 'checked only: the rollout would change it' : `run ${last.runId} ended before this machine finished`;
  return { ...base, outcome: 'skipped', type: last.status, message: why };
}

/** One suite per site, one case per machine (inventory order within the site). */
export async function gatherJunitSuites(input: JunitInput): Promise<JunitSuite[]> {
  const last = await lastResults(input.store);
  const machines = new Map(input.machines.map((m) => [m.id, m.site]));
  for (const [id, r] of last) if (!machines.has(id) && !input.only) machines.set(id, r.site);
  const names = new Map(input.sites.map((s) => [s.id, s.name]));
  const suites = new Map<string, JunitSuite>();
  for (const [machine, site] of machines) {
    const suite = suites.get(site) ?? { site, name: names.get(site) ?? site, cases: [] };
    suites.set(site, suite);
    suite.cases.push(caseOf(machine, site, last.get(machine)));
  }
  return [...suites.values()].sort((a, b) => a.site.localeCompare(b.site));
}

const count = (cases: JunitCase[], outcome: JunitCase['outcome']): number => cases.filter((c) => c.outcome === outcome).length;
const seconds = (cases: JunitCase[]): string => cases.reduce((s, c) => s + c.seconds, 0).toFixed(3);

function formatCase(c: JunitCase): string {
  const open = `    <testcase name="${escapeXml(c.machine)}" classname="homeshift.${escapeXml(c.site)}" time="${c.seconds.toFixed(3)}"`;
  if (c.outcome === 'passed') return `${open}/>`;
  if (c.outcome === 'skipped') return `${open}>\n      <skipped message="${escapeXml(c.message)}"/>\n    </testcase>`;
  return `${open}>\n      <failure type="${escapeXml(c.type)}" message="${escapeXml(c.message)}">${escapeXml(c.detail)}</failure>\n    </testcase>`;
}

/** JUnit XML: <testsuites> with a <testsuite> per site. */
export function formatJunit(title: string, suites: JunitSuite[], now: Date): string {
  const all = suites.flatMap((s) => s.cases);
  const stamp = now.toISOString().slice(0, 19);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escapeXml(`homeshift: ${title}`)}" tests="${all.length}" failures="${count(all, 'failed')}" errors="0" skipped="${count(all, 'skipped')}" time="${seconds(all)}" timestamp="${stamp}">`,
  ];
  suites.forEach((s, i) => {
    lines.push(`  <testsuite id="${i}" name="${escapeXml(s.site)}" tests="${s.cases.length}" failures="${count(s.cases, 'failed')}" errors="0" skipped="${count(s.cases, 'skipped')}" time="${seconds(s.cases)}" timestamp="${stamp}">`);
    lines.push(`    <properties>\n      <property name="site.name" value="${escapeXml(s.name)}"/>\n    </properties>`);
    for (const c of s.cases) lines.push(formatCase(c));
    lines.push('  </testsuite>');
  });
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

/** `homeshift report --junit`: the last result of every machine as JUnit XML. */
export async function buildJunitReport(input: JunitInput): Promise<string> {
  return formatJunit(input.title, await gatherJunitSuites(input), input.now);
}
