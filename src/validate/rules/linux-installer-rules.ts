import type { Diagnostic, Project } from '../../model/index.js';
import { fieldAt, reporter, type Rule } from '../rule.js';

// What dpkg-query reports and apt-get takes: a package name and a Debian version ([epoch:]upstream[-revision]).
const DEBIAN_PACKAGE = /^[a-z0-9][a-z0-9.+-]+$/;
const DEBIAN_VERSION = /^(?:[0-9]+:)?[0-9][A-Za-z0-9.+~-]*$/;

export const bundleLinuxInstall: Rule = {
  id: 'bundle-linux-install', severity: 'error', description: 'a package\'s linux entry names exactly one way to install: apt or deb; a deb\'s package and version are what dpkg-query reports',
  check(project: Project): Diagnostic[] {
    const report = reporter(this);
    const out: Diagnostic[] = [];
    for (const bundle of project.bundles.values()) {
      bundle.packages.forEach((pkg, i) => {
        const at = `packages.${i}.linux`;
        if (!pkg.linux) return;
        const ways = (['apt', 'deb'] as const).filter((k) => pkg.linux?.[k] !== undefined);
        if (ways.length !== 1) {
          const what = ways.length === 0 ? 'names no way to install' : 'names apt and deb';
          out.push(report(`bundle ${bundle.name}: package ${pkg.name}: linux ${what}; give exactly one of apt, deb`, fieldAt(bundle, at)));
          return;
        }
        const deb = pkg.linux.deb;
        if (!deb) return;
        // the defaults come from the package's name and version, which the schema does not hold to Debian's forms
        if (deb.package === undefined && !DEBIAN_PACKAGE.test(pkg.name)) {
          out.push(report(`bundle ${bundle.name}: package ${pkg.name}: the name is not a Debian package name; give deb.package, the name dpkg-query reports`, fieldAt(bundle, `${at}.deb`, at)));
        }
        if (deb.version === undefined && !DEBIAN_VERSION.test(pkg.version)) {
          out.push(report(`bundle ${bundle.name}: package ${pkg.name}: version "${pkg.version}" is not a Debian version; give deb.version, the version dpkg-query reports (e.g. 4.2.1-1)`, fieldAt(bundle, `${at}.deb`, at)));
        }
      });
    }
    return out;
  },
};
