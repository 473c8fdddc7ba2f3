import { formatDiagnostic } from '../../src/model/index.js';
import { buildPlan } from '../../src/plan/index.js';
import { validateProject } from '../../src/validate/index.js';
import { loadProject } from '../../src/config/index.js';
import { lines, loadRepo, makeRepo, removeRepos, REPO_ROOT } from '../config/helpers.js';

afterAll(removeRepos);

const SHA = 'AB'.repeat(32);

describe('.deb packages on Linux', () => {
  it('plans the bundle step with its .deb files as data; apt-only bundles keep their vars', async () => {
    const dir = makeRepo({
      'bundles/debs.yaml': `bundles:
  - name: debs
    version: "1"
    packages:
      - name: agent
        version: "1.2.0"
        windows: { wingetId: Contoso.Agent }
        linux: { deb: { source: { url: "https://dp.example.de/agent/Agent'1'$(x).deb?token=a" }, sha256: "${SHA}", package: contoso-agent, version: "1:1.2.0-3" } }
      - name: viewer
        version: "3.1"
        windows: { wingetId: Contoso.Viewer }
        linux: { deb: { source: { push: files/viewer }, sha256: "${SHA.toLowerCase()}" } }
      - name: libfoo
        version: "2.0"
        windows: { wingetId: Contoso.Foo }
        linux: { apt: libfoo2 }
`,
      'profiles/hotline-agent.yaml': 'name: hotline-agent\nextends: home-office-base\nbundles: [team-tools, debs]\n',
    });
    const { project, diagnostics } = await loadProject({ projectDir: dir, shippedDir: REPO_ROOT });
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(validateProject(project!).map(formatDiagnostic)).toEqual([]);
    const plan = buildPlan(project!);
    const linux = plan.machines.find((m) => m.machine.os === 'linux' && m.profile.name === 'hotline-agent')!;
    const cache = `var/cache/homeshift/${SHA.toLowerCase()}`;
    expect(linux.steps.find((s) => s.id === 'bundle:debs')!.vars).toEqual({
      HS_BUNDLE_NAME: 'debs',
      HS_BUNDLE_VERSION: '1',
      HS_PACKAGES: 'libfoo2=2.0',
      HS_DEB_PACKAGES: [`contoso-agent=1:1.2.0-3\t${cache}/Agent'1'$(x).deb`, `viewer=3.1\t${cache}/viewer.deb`].join('\n'),
      HS_SOURCES: [
        [SHA.toLowerCase(), 'url', "https://dp.example.de/agent/Agent'1'$(x).deb?token=a", '', `${cache}/Agent'1'$(x).deb`, 'agent 1.2.0'].join('\t'),
        [SHA.toLowerCase(), 'push', 'files/viewer', '', `${cache}/viewer.deb`, 'viewer 3.1'].join('\t'),
      ].join('\n'),
    });
    expect(linux.steps.find((s) => s.id === 'bundle:team-tools')!.vars).not.toHaveProperty('HS_SOURCES');
  });

  it('finds a deb without sha256 or source, a share, plain http, apt and deb at once, and defaults that are not Debian forms', async () => {
    const dir = makeRepo({
      'bundles/bad-debs.yaml': `bundles:
  - name: bad-debs
    version: "1"
    packages:
      - name: no-hash
        version: "1.0"
        linux: { deb: { source: { url: "https://dp.example.de/a.deb" } } }
      - name: plain
        version: "1.0"
        linux: { deb: { source: { url: "http://dp.example.de/b.deb" }, sha256: "${SHA}" } }
      - name: both
        version: "1.0"
        linux: { apt: both, deb: { source: { push: files/c.deb }, sha256: "${SHA}" } }
      - name: Big Name
        version: "1.0 beta"
        linux: { deb: { source: { push: files/d.deb }, sha256: "${SHA}" } }
      - name: no-source
        version: "1.0"
        linux: { deb: { sha256: "${SHA}" } }
`,
    });
    const { project, diagnostics } = await loadRepo(dir);
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(validateProject(project!).map(formatDiagnostic).filter((l) => l.startsWith('bundles/bad-debs.yaml'))).toEqual([
      expect.stringMatching(/:7:33 .*package no-hash: source needs sha256.*\[installer-source\]$/),
      expect.stringMatching(/:10:40 warning: .*package plain: http:\/\/dp\.example\.de\/b\.deb is plain http.*\[installer-plain-http\]$/),
      expect.stringMatching(/:13:16 .*package both: linux names apt and deb; give exactly one of apt, deb \[bundle-linux-install\]$/),
      expect.stringMatching(/:16:23 .*package Big Name: the name is not a Debian package name; give deb\.package.*\[bundle-linux-install\]$/),
      expect.stringMatching(/:16:23 .*package Big Name: version "1\.0 beta" is not a Debian version; give deb\.version.*\[bundle-linux-install\]$/),
      expect.stringMatching(/:19:23 .*package no-source: names no \.deb file; give source \(url or push\) and sha256 \[installer-source\]$/),
    ]);

    const share = makeRepo({
      'bundles/share.yaml': `bundles:
  - name: share
    version: "1"
    packages:
      - name: e
        version: "1.0"
        linux: { deb: { source: { unc: '\\\\\\\\srv\\\\share\\\\e.deb', credential: x }, sha256: "${SHA}" } }
`,
    });
    expect(lines(await loadRepo(share)).filter((l) => l.startsWith('bundles/share.yaml'))).toEqual([
      expect.stringMatching(/^bundles\/share\.yaml:7:\d+ bundle share: unknown key 'unc' in packages\[0\]\.linux\.deb\.source /),
      expect.stringMatching(/^bundles\/share\.yaml:7:\d+ bundle share: unknown key 'credential' in packages\[0\]\.linux\.deb\.source/),
    ]);
  });
});
