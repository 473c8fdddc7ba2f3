#!/usr/bin/env node
// `homeshift inventory import` of a generated asset export (default 16,000 rows at 50 sites) through the real binary:
// once into empty site files, once more into the filled ones (every machine replaced). Usage: node bench/import.js [rows] [sites]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const rows = Number(process.argv[2] ?? 16000);
const sites = Number(process.argv[3] ?? 50);
const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'homeshift.js');
const OS = ['Windows 10 Enterprise', 'Windows 11 Pro', 'Ubuntu 22.04 LTS'];
const ROLES = ['Hotline Agent', 'hotline-agent', 'Team Lead', 'back-office'];

const dir = mkdtempSync(join(tmpdir(), 'homeshift-bench-import-'));
try {
  mkdirSync(join(dir, 'inventory'));
  writeFileSync(join(dir, 'homeshift.yaml'), 'name: bench-import\ninventory: inventory/\n');
  const ids = Array.from({ length: sites }, (_, s) => `site${String(s + 1).padStart(2, '0')}`);
  for (const id of ids) {
    writeFileSync(join(dir, 'inventory', `${id}.yaml`), `site:\n  id: ${id}\n  name: Service Center ${id}\n  vpnGateway: vpn-${id}.example-telco.de\nmachines: []\n`);
  }
  const lines = ['Asset Tag,Hostname,IP,Operating System,Location,Assigned To,Role,Serial Number'];
  for (let i = 0; i < rows; i++) {
    const site = ids[i % sites];
    const id = `PC-${String(i + 1).padStart(6, '0')}`;
    lines.push(`${id},${id.toLowerCase()}.sc.example-telco.de,10.${i >> 16}.${(i >> 8) & 255}.${i & 255},${OS[i % 3]},Service Center ${site},e${100000 + i},${ROLES[i % 4]},SN${i}`);
  }
  const csv = join(dir, 'assets.csv');
  writeFileSync(csv, `${lines.join('\n')}\n`);
  const time = (label) => {
    const t0 = performance.now();
    execFileSync(process.execPath, [bin, '-C', dir, 'inventory', 'import', csv], { stdio: ['ignore', 'ignore', 'inherit'] });
    console.log(`${label}: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  };
  console.log(`inventory import: ${rows} rows, ${sites} sites`);
  time('into empty site files ');
  time('again (all replaced)  ');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
