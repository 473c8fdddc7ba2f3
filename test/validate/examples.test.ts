import fs from 'node:fs';
import path from 'node:path';
import { loadProject } from '../../src/config/index.js';
import { formatDiagnostic, type Diagnostic } from '../../src/model/index.js';
import { validateProject } from '../../src/validate/index.js';
import { REPO_ROOT } from '../config/helpers.js';

const BROKEN = path.join(REPO_ROOT, 'examples', 'broken');
const SERVICE_CENTER = path.join(REPO_ROOT, 'examples', 'service-center');
const shippedProfiles = ['home-office-base', 'hotline-agent', 'team-lead', 'back-office'].every((p) => fs.existsSync(path.join(REPO_ROOT, 'profiles', `${p}.yaml`)));

/** Every `# planted: <rule>` comment: the finding is expected on the next line of that file. */
function readPlanted(dir: string): { file: string; line: number; rule: string }[] {
  const out: { file: string; line: number; rule: string }[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(child);
      else fs.readFileSync(path.join(dir, child), 'utf8').split('\n').forEach((text, i) => {
        const m = /#\s*planted:\s*([a-z-]+)/.exec(text);
        if (m) out.push({ file: child, line: i + 2, rule: m[1] });
      });
    }
  };
  walk('');
  return out;
}

// Load findings of the text policy count as planted findings; any other load finding means the example is broken.
async function check(dir: string): Promise<Diagnostic[]> {
  const loaded = await loadProject({ projectDir: dir });
  expect(loaded.diagnostics.filter((d) => d.rule !== 'text-character').map(formatDiagnostic)).toEqual([]);
  return [...loaded.diagnostics, ...validateProject(loaded.project!)];
}

describe('examples/broken', () => {
  const planted = readPlanted(BROKEN);

  it('plants every rule the brief asks for', () => {
    expect(planted.map((p) => p.rule).sort()).toEqual([
      'duplicate-machine-id', 'duplicate-mailbox', 'employee-id-pattern', 'employee-on-two-machines', 'installer-second-hop', 'installer-source', 'invalid-email', 'invalid-host', 'invalid-host',
      'mailbox-domain-not-allowed', 'malformed-mailbox', 'mixed-script', 'profile-extends-cycle', 'shared-mailbox-is-personal', 'site-mismatch',
      'text-character', 'unknown-employee-role', 'unknown-employee-site', 'unknown-profile', 'unknown-site', 'unknown-user',
    ]);
  });

  it('reports every planted error at its line with its rule id', async () => {
    const found = await check(BROKEN);
    for (const p of planted) {
      const hit = found.find((d) => d.rule === p.rule && d.pos?.file === p.file && d.pos.line === p.line);
      expect(hit ? `${p.file}:${p.line} ${p.rule}` : `missing ${p.file}:${p.line} ${p.rule}`).toBe(`${p.file}:${p.line} ${p.rule}`);
    }
    expect(found.find((d) => d.rule === 'site-mismatch')?.severity).toBe('warning');
    expect(found.find((d) => d.rule === 'installer-second-hop')?.severity).toBe('warning');
  });

  (shippedProfiles ? it : it.skip)('reports nothing that was not planted', async () => {
    const found = await check(BROKEN);
    const unplanted = found.filter((d) => !planted.some((p) => p.rule === d.rule && p.file === d.pos?.file && p.line === d.pos.line));
    expect(unplanted.map(formatDiagnostic)).toEqual([]);
  });
});

describe('examples/service-center', () => {
  (shippedProfiles ? it : it.skip)('is valid with the shipped profiles', async () => {
    const found = await check(SERVICE_CENTER);
    expect(found.map(formatDiagnostic)).toEqual([]);
    const loaded = await loadProject({ projectDir: SERVICE_CENTER });
    expect(loaded.project!.machines).toHaveLength(300);
    expect([...loaded.project!.sites.keys()]).toEqual(['bruehl', 'koeln', 'leipzig']);
  });
});
