import type { Diagnostic, Employee, Rejected } from '../model/index.js';
import { loadEmployeesCsv } from './directory-csv.js';
import { defineLazyPositions } from './fast-yaml.js';
import { readSourceText } from './read-source.js';
import { loadYamlFile, nameItems } from './yaml-file.js';
import { collectFieldPositions, findNode, posOfNode } from './yaml-source.js';

type RawEmployee = Omit<Employee, 'pos' | 'fieldPos'>;

/** Loads the employee directory, YAML or CSV by extension; rows with errors are left out. */
export function loadDirectory(abs: string, file: string, diags: Diagnostic[], rejected?: Rejected): Employee[] {
  const reject = (id: unknown) => {
    if (rejected && rejected.employees !== 'all') {
      if (id === null) rejected.employees = 'all';
      else if (typeof id === 'string') rejected.employees.add(id);
    }
  };
  if (/\.csv$/i.test(abs)) {
    const text = readSourceText(abs, file, diags);
    if (text === null) reject(null);
    return text === null ? [] : loadEmployeesCsv(text, file, diags, reject);
  }
  const loaded = loadYamlFile(abs, file, 'directory', diags, nameItems('employees', 'employee', 'id'), true);
  if (!loaded || loaded.check.fileBroken) {
    reject(null);
    return [];
  }
  const raws = (loaded.data as { employees: RawEmployee[] }).employees;
  const out: Employee[] = [];
  raws.forEach((raw, i) => {
    if (loaded.check.badItems.has(`employees/${i}`)) return reject((raw as { id?: unknown } | null)?.id);
    const e = { id: raw.id, firstName: raw.firstName, lastName: raw.lastName, mailbox: raw.mailbox, site: raw.site } as Employee;
    if (raw.role !== undefined) e.role = raw.role;
    defineLazyPositions(e, () => {
      const src = loaded.source();
      const node = findNode(src, ['employees', i]).node;
      return { pos: posOfNode(src, node), fieldPos: collectFieldPositions(src, node, 1) };
    });
    out.push(e);
  });
  return out;
}
