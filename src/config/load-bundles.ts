import { isSeq, type Node } from 'yaml';
import type { Bundle, Diagnostic, Rejected } from '../model/index.js';
import { createDiagnostic, displayPath } from './diagnostics.js';
import { listYamlFiles } from './list-files.js';
import { loadYamlFile, nameItems } from './yaml-file.js';
import { collectFieldPositions, findNode, posOfNode } from './yaml-source.js';

type RawBundle = Omit<Bundle, 'pos' | 'fieldPos'>;
const BUNDLE_NAMING = nameItems('bundles', 'bundle', 'name');

/** Loads bundle files from folders in search order: the first folder defining a name wins. */
export function loadBundles(root: string, dirs: string[], diags: Diagnostic[], rejected?: Rejected): Map<string, Bundle> {
  const bundles = new Map<string, Bundle>();
  for (const dir of dirs) {
    const seenHere = new Map<string, Bundle>();
    for (const abs of listYamlFiles(dir)) {
      const file = displayPath(root, abs);
      const loaded = loadYamlFile(abs, file, 'bundles', diags, BUNDLE_NAMING);
      const names = (loaded?.data as { bundles?: { name?: unknown }[] } | undefined)?.bundles;
      const reject = (b: { name?: unknown } | undefined) => typeof b?.name === 'string' && rejected?.bundles.add(b.name);
      if (!loaded || loaded.check.fileBroken) {
        if (Array.isArray(names)) names.forEach(reject);
        continue;
      }
      const { check } = loaded;
      const src = loaded.source();
      const seq = findNode(src, ['bundles']).node;
      const nodes = isSeq(seq) ? (seq.items as Node[]) : [];
      (src.data as { bundles: RawBundle[] }).bundles.forEach((raw, i) => {
        if (check.badItems.has(`bundles/${i}`)) return void reject(raw);
        const bundle: Bundle = { ...raw, pos: posOfNode(src, nodes[i]), fieldPos: collectFieldPositions(src, nodes[i], 7) };
        const twin = seenHere.get(bundle.name);
        if (twin) {
          diags.push(createDiagnostic('duplicate-bundle', `bundle ${bundle.name} is already defined at ${twin.pos.file}:${twin.pos.line}:${twin.pos.col}`, bundle.fieldPos?.name ?? bundle.pos));
          return;
        }
        seenHere.set(bundle.name, bundle);
        if (!bundles.has(bundle.name)) bundles.set(bundle.name, bundle);
      });
    }
  }
  return bundles;
}
