import type { Diagnostic, Language, Machine, Rejected, Site, SshSettings, Supporter, Vars } from '../model/index.js';
import { createDiagnostic } from './diagnostics.js';
import { defineLazyPositions } from './fast-yaml.js';
import { loadYamlFile, nameItems, type LoadedYaml } from './yaml-file.js';
import { collectFieldPositions, findNode, posOfNode } from './yaml-source.js';

interface RawSite { id: string; name: string; vpnGateway: string; supporters?: Supporter[]; sharedMailboxes?: string[]; language?: Language; ssh?: SshSettings; vars?: Vars }
interface RawMachine { id: string; host: string; port?: number; os: Machine['os']; site?: string; user: string; role: string; retire?: boolean; ssh?: SshSettings; vars?: Vars }
interface RawInventory { site?: RawSite; machines: RawMachine[] }

export interface Inventory {
  sites: Map<string, Site>;
  machines: Machine[];
}

const MACHINE_NAMING = nameItems('machines', 'machine', 'id');

/** Loads inventory files in the given order; a file with errors outside single machines is left out whole. */
export function loadInventory(files: { abs: string; file: string }[], diags: Diagnostic[], rejected?: Rejected): Inventory {
  const inv: Inventory = { sites: new Map(), machines: [] };
  for (const { abs, file } of files) {
    const loaded = loadYamlFile(abs, file, 'inventory', diags, MACHINE_NAMING, true);
    if (!loaded || loaded.check.fileBroken) {
      const id = (loaded?.data as { site?: { id?: unknown } } | undefined)?.site?.id;
      if (typeof id === 'string') rejected?.sites.add(id);
      continue;
    }
    const raw = loaded.data as RawInventory;
    let siteId: string | undefined;
    if (raw.site) {
      const site = toSite(loaded, raw.site);
      siteId = site.id;
      const earlier = inv.sites.get(site.id);
      if (earlier) {
        diags.push(createDiagnostic('duplicate-site', `site ${site.id} is already defined at ${earlier.pos.file}:${earlier.pos.line}:${earlier.pos.col}`, site.fieldPos?.id ?? site.pos));
      } else inv.sites.set(site.id, site);
    }
    addMachines(loaded, raw.machines, siteId, inv.machines);
  }
  return inv;
}

function toSite(loaded: LoadedYaml, raw: RawSite): Site {
  const site = {
    id: raw.id,
    name: raw.name,
    vpnGateway: raw.vpnGateway,
    supporters: raw.supporters ?? [],
    sharedMailboxes: raw.sharedMailboxes ?? [],
    language: raw.language ?? 'en',
    ssh: raw.ssh ?? {},
    vars: raw.vars ?? {},
  } as Site;
  defineLazyPositions(site, () => {
    const src = loaded.source();
    const node = findNode(src, ['site']).node;
    return { pos: posOfNode(src, node), fieldPos: collectFieldPositions(src, node, 3) };
  });
  return site;
}

function addMachines(loaded: LoadedYaml, raws: RawMachine[], siteId: string | undefined, out: Machine[]): void {
  raws.forEach((raw, i) => {
    if (loaded.check.badItems.has(`machines/${i}`)) return;
    const machine = {
      id: raw.id,
      host: raw.host,
      os: raw.os,
      site: raw.site ?? siteId ?? '',
      user: raw.user,
      role: raw.role,
      ssh: raw.ssh ?? {},
      vars: raw.vars ?? {},
    } as Machine;
    if (raw.port !== undefined) machine.port = raw.port;
    if (raw.retire === true) machine.retire = true;
    defineLazyPositions(machine, () => {
      const src = loaded.source();
      const node = findNode(src, ['machines', i]).node;
      return { pos: posOfNode(src, node), fieldPos: collectFieldPositions(src, node, 1) };
    });
    out.push(machine);
  });
}
