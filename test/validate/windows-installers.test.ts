import { formatDiagnostic } from '../../src/model/index.js';
import { buildPlan } from '../../src/plan/index.js';
import { msiexecArguments, msiQuote } from '../../src/plan/windows-installers.js';
import { validateProject } from '../../src/validate/index.js';
import { loadProject } from '../../src/config/index.js';
import { lines, loadRepo, makeRepo, removeRepos, REPO_ROOT } from '../config/helpers.js';

afterAll(removeRepos);

const GOOD_BUNDLES = `bundles:
  - name: installers
    version: "1"
    packages:
      - name: agent
        version: "1.2.0"
        windows:
          msi:
            path: '\\\\fileserver\\software\\Agent ''1'' $(x).msi'
            productCode: "{6f1a2b3c-4d5e-4f60-8172-93a4b5c6d7e8}"
            properties: { SERVER: 'a "b" c', ALLUSERS: 1 }
        linux: { apt: contoso-agent }
      - name: viewer
        version: "3.1"
        windows:
          exe:
            path: 'C:\\Installers\\viewer.exe'
            arguments: /S
            detect: { uninstallKey: { displayName: "Contoso Viewer*" } }
        linux: { apt: contoso-viewer }
`;

describe('MSI and EXE packages', () => {
  it('msiexec gets the path quoted and properties in name order, quotes doubled', () => {
    expect(msiQuote('plain')).toBe('plain');
    expect(msiQuote('')).toBe('""');
    expect(msiQuote('a "b" c')).toBe('"a ""b"" c"');
    expect(msiexecArguments('\\\\srv\\share\\a b.msi', { Z: 'x y', A: 1 })).toBe('/i "\\\\srv\\share\\a b.msi" /qn /norestart A=1 Z="x y"');
  });

  it('plans the bundle step with its MSI and EXE packages as data; winget-only bundles keep their vars', async () => {
    const dir = makeRepo({ 'bundles/installers.yaml': GOOD_BUNDLES, 'profiles/hotline-agent.yaml': 'name: hotline-agent\nextends: home-office-base\nbundles: [team-tools, installers]\n' });
    const { project, diagnostics } = await loadProject({ projectDir: dir, shippedDir: REPO_ROOT }); // with the shipped templates
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    // a bare share path still plans as written; validate warns that a key login cannot read it
    expect(validateProject(project!).map(formatDiagnostic)).toEqual([expect.stringMatching(/^bundles\/installers\.yaml:\d+:\d+ warning: .*the second hop.*\[installer-second-hop\]$/)]);
    const plan = buildPlan(project!);
    const windows = plan.machines.find((m) => m.machine.os === 'windows' && m.profile.name === 'hotline-agent');
    const linux = plan.machines.find((m) => m.machine.os === 'linux' && m.profile.name === 'hotline-agent');
    expect(windows).toBeDefined();
    const step = windows!.steps.find((s) => s.id === 'bundle:installers')!;
    expect(step.vars).toEqual({
      HS_BUNDLE_NAME: 'installers',
      HS_BUNDLE_VERSION: '1',
      HS_PACKAGES: '',
      HS_MSI_PACKAGES: ['{6F1A2B3C-4D5E-4F60-8172-93A4B5C6D7E8}', '1.2.0', 'agent', "\\\\fileserver\\software\\Agent '1' $(x).msi",
        `/i "\\\\fileserver\\software\\Agent '1' $(x).msi" /qn /norestart ALLUSERS=1 SERVER="a ""b"" c"`].join('\t'),
      HS_EXE_PACKAGES: ['viewer', '3.1', 'C:\\Installers\\viewer.exe', '/S', 'display-name', 'Contoso Viewer*', '3.1'].join('\t'),
    });
    expect(windows!.steps.find((s) => s.id === 'bundle:team-tools')!.vars).toEqual({ HS_BUNDLE_NAME: 'team-tools', HS_BUNDLE_VERSION: '1', HS_PACKAGES: 'Telco.Reporting=5.0' });
    expect(linux!.steps.find((s) => s.id === 'bundle:installers')!.vars).toEqual({ HS_BUNDLE_NAME: 'installers', HS_BUNDLE_VERSION: '1', HS_PACKAGES: 'contoso-agent=1.2.0\ncontoso-viewer=3.1' });
  });

  it('the schema reports a missing product code, a malformed GUID, a relative path and an EXE without detection, with file:line:col', async () => {
    const dir = makeRepo({
      'bundles/bad.yaml': `bundles:
  - name: bad-one
    version: "1"
    packages:
      - name: a
        version: "1.0"
        windows: { msi: { path: '\\\\srv\\share\\a.msi' } }
  - name: bad-two
    version: "1"
    packages:
      - name: b
        version: "1.0"
        windows: { msi: { path: '\\\\srv\\share\\b.msi', productCode: "6F1A2B3C-4D5E-4F60-8172-93A4B5C6D7E8" } }
  - name: bad-three
    version: "1"
    packages:
      - name: c
        version: "1.0"
        windows: { msi: { path: 'software\\c.msi', productCode: "{6F1A2B3C-4D5E-4F60-8172-93A4B5C6D7E8}" } }
  - name: bad-four
    version: "1"
    packages:
      - name: d
        version: "1.0"
        windows: { exe: { path: 'C:\\d.exe', arguments: /S } }
`,
    });
    expect(lines(await loadRepo(dir)).filter((l) => l.startsWith('bundles/bad.yaml'))).toEqual([
      "bundles/bad.yaml:7:25 bundle bad-one: missing required key 'productCode' in packages[0].windows.msi [schema]",
      expect.stringMatching(/^bundles\/bad\.yaml:13:67 bundle bad-two: packages\[0\]\.windows\.msi\.productCode must be a product code GUID in braces/),
      expect.stringMatching(/^bundles\/bad\.yaml:19:33 bundle bad-three: packages\[0\]\.windows\.msi\.path must be an absolute Windows path/),
      "bundles/bad.yaml:25:25 bundle bad-four: missing required key 'detect' in packages[0].windows.exe [schema]",
    ]);
  });

  it('validate rules: one way to install, one detection rule, comparable versions, one-line properties', async () => {
    const dir = makeRepo({
      'bundles/rules.yaml': `bundles:
  - name: rules
    version: "1"
    packages:
      - name: both
        version: "1.0"
        windows: { wingetId: X.Y, msi: { path: 'C:\\x.msi', productCode: "{6F1A2B3C-4D5E-4F60-8172-93A4B5C6D7E8}" } }
      - name: two-rules
        version: "1.0"
        windows: { exe: { path: 'C:\\x.exe', detect: { file: { path: 'C:\\x.exe' }, uninstallKey: { key: X } } } }
      - name: no-key
        version: "1.0"
        windows: { exe: { path: 'C:\\x.exe', detect: { uninstallKey: { version: "1.0" } } } }
      - name: words
        version: latest
        windows: { msi: { path: 'C:\\y.msi', productCode: "{6F1A2B3C-4D5E-4F60-8172-93A4B5C6D7E9}" } }
      - name: lines
        version: "1.0"
        windows: { msi: { path: 'C:\\z.msi', productCode: "{6F1A2B3C-4D5E-4F60-8172-93A4B5C6D7EA}", properties: { NOTE: "a\\nb" } } }
`,
    });
    const { project, diagnostics } = await loadRepo(dir);
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(validateProject(project!).map(formatDiagnostic).filter((l) => l.startsWith('bundles/rules.yaml'))).toEqual([
      'bundles/rules.yaml:7:18 bundle rules: package both: windows names wingetId and msi; give exactly one of wingetId, msi, exe [bundle-windows-install]',
      'bundles/rules.yaml:10:53 bundle rules: package two-rules: exe.detect needs exactly one of file (path and version) or uninstallKey (key or displayName) [exe-detect-rule]',
      'bundles/rules.yaml:13:69 bundle rules: package no-key: exe.detect.uninstallKey needs exactly one of key or displayName [exe-detect-rule]',
      'bundles/rules.yaml:15:18 bundle rules: package words: version "latest" is compared with the uninstall key\'s DisplayVersion, so it must be dotted numbers such as 1.2.3 [installer-version]',
      'bundles/rules.yaml:19:120 bundle rules: package lines: NOTE holds a tab, line break or control character; msiexec and installers take one line [installer-text]',
    ]);
  });
});
