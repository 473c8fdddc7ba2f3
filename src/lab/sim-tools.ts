import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simCurl } from './sim-curl.js';
import { LINUX_SHUTDOWN_TOOL, LOGINCTL_TOOL } from './session-tools.js';

/**
 * Simulated system tools for a lab PC: small POSIX sh scripts under <root>/.sim/bin that keep their state
 * under <root>/var/lib/sim, so detection after an install really works and a second run finds everything ok.
 * The PC puts .sim/bin first on PATH of every command it runs (the lab's ssh server, or the sshd of a test):
 * the machine program knows nothing of them.
 *
 * A .deb in the lab is a file whose first lines are its control fields, `Package: NAME` and `Version: VERSION`
 * (anything may follow: real packages are big); apt-get installs it from its path as the real one does, and logs
 * each one to var/lib/sim/deb-installs.log ("package<TAB>file").
 *
 * dpkg state: var/lib/sim/dpkg/<package> holds the version of an installed package. apt-get remove keeps what Debian
 * keeps, the package in state config-files with its version (var/lib/sim/dpkg-gone/<package>: status line, version
 * line), so that dpkg-query still shows it, with ${Status} "deinstall ok config-files"; purge leaves
 * "purge ok not-installed" and no version. Removing a package that is not installed says so and succeeds.
 *
 * nmcli keeps the connections NetworkManager has loaded in var/lib/sim/nmcli/loaded (ids, one a line): reload loads
 * the keyfiles there are (mode 0600 only), so a profile whose keyfile was deleted is gone after it; delete removes a
 * loaded profile and its keyfile.
 */

// Every tool finds its root from its own path and honours .sim/fail/tool_<name> (line 1: exit code or hang).
// A step fault: .sim/fail/<step>.on names what the step touches (lines "file PATH" or "package NAME");
// the tool that touches it fails with the code and message of .sim/fail/<step>.
const header = (name: string) => `#!/bin/sh
# homeshift lab: simulated ${name}
case $0 in
  /*/.sim/bin/*) sim_root=\${0%/.sim/bin/*} ;;
  *) sim_root=$(cd "$(dirname "$0")/../.." && pwd) ;;
esac
sim_state="$sim_root/var/lib/sim"
sim_fail_with() {
  sim_code=
  IFS= read -r sim_code <"$1"
  [ "$sim_code" != hang ] || sleep 86400
  tail -n +2 "$1" >&2
  case $sim_code in ''|*[!0-9]*) sim_code=1 ;; esac
  exit "$sim_code"
}
sim_step_fault() {
  for sim_on in "$sim_root"/.sim/fail/*.on; do
    [ -f "$sim_on" ] || continue
    while IFS=' ' read -r sim_kind sim_target || [ -n "$sim_kind" ]; do
      if [ "$sim_kind" = "$1" ] && [ "$sim_target" = "$2" ] && [ -f "\${sim_on%.on}" ]; then sim_fail_with "\${sim_on%.on}"; fi
    done <"$sim_on"
  done
}
[ ! -f "$sim_root/.sim/fail/tool_${name}" ] || sim_fail_with "$sim_root/.sim/fail/tool_${name}"
`;

// mv is the real one, except that moving a file of a failing step into place fails like that step
const MV = `${header('mv')}for sim_dest in "$@"; do :; done
case \${sim_dest:-} in "$sim_root"/?*) sim_step_fault file "\${sim_dest#"$sim_root"/}" ;; esac
for sim_dir in /usr/bin /bin; do [ ! -x "$sim_dir/mv" ] || exec "$sim_dir/mv" "$@"; done
echo "mv: not found" >&2
exit 127
`;

const APT_GET = `${header('apt-get')}[ -d "$sim_state/dpkg" ] || mkdir -p "$sim_state/dpkg"
cmd=
while [ $# -gt 0 ]; do
  case $1 in
    -o|-c|-t) shift; [ $# -gt 0 ] && shift; continue ;;
    -*) shift; continue ;;
  esac
  if [ -z "$cmd" ]; then cmd=$1; shift; continue; fi
  break
done
case $cmd in
  update) echo "Reading package lists... Done" ;;
  install)
    echo "Reading package lists... Done"
    for spec in "$@"; do
      case $spec in
        */*)
          # a .deb file: a lab .deb begins with its control fields (see above)
          case $spec in *.deb) [ -f "$spec" ] ;; *) false ;; esac || { echo "E: Unsupported file $spec given on commandline" >&2; exit 100; }
          pkg=$(head -n 20 "$spec" | sed -n 's/^Package: *//p' | head -n 1)
          version=$(head -n 20 "$spec" | sed -n 's/^Version: *//p' | head -n 1)
          [ -n "$pkg" ] && [ -n "$version" ] || { echo "E: Invalid archive signature" >&2; echo "E: Internal error, could not locate member control.tar{.zst,.lz4,.gz,.xz,.bz2,.lzma,}" >&2; exit 100; }
          printf '%s\\t%s\\n' "$pkg" "$spec" >>"$sim_state/deb-installs.log" ;;
        *)
          pkg=\${spec%%=*}
          version=\${spec#*=}
          [ "$version" != "$spec" ] || version=1.0-1 ;;
      esac
      case $pkg in ''|*[!a-z0-9.+-]*) echo "E: Unable to locate package $pkg" >&2; exit 100 ;; esac
      sim_step_fault package "$pkg"
      printf '%s\\n' "$version" >"$sim_state/dpkg/$pkg"
      rm -f "$sim_state/dpkg-gone/$pkg"
      echo "Setting up $pkg ($version) ..."
    done ;;
  remove|purge)
    echo "Reading package lists... Done"
    # like apt, every name is checked before anything is removed
    for spec in "$@"; do
      pkg=\${spec%%=*}
      case $pkg in ''|*[!a-z0-9.+-]*) echo "E: Unable to locate package $pkg" >&2; exit 100 ;; esac
      sim_step_fault package "$pkg"
    done
    mkdir -p "$sim_state/dpkg-gone"
    for spec in "$@"; do
      pkg=\${spec%%=*}
      gone="$sim_state/dpkg-gone/$pkg"
      status=
      [ ! -f "$gone" ] || IFS= read -r status <"$gone"
      if [ -f "$sim_state/dpkg/$pkg" ]; then
        IFS= read -r version <"$sim_state/dpkg/$pkg"
        echo "Removing $pkg ($version) ..."
        # a removed package keeps its configuration files, and dpkg-query still shows its version
        printf 'deinstall ok config-files\\n%s\\n' "$version" >"$gone"
        rm -f "$sim_state/dpkg/$pkg"
        status='deinstall ok config-files'
      elif [ "$cmd" = remove ] || [ "$status" != 'deinstall ok config-files' ]; then
        echo "Package '$pkg' is not installed, so not removed"
        continue
      fi
      [ "$cmd" = purge ] || continue
      echo "Purging configuration files for $pkg ($(tail -n +2 "$gone")) ..."
      printf 'purge ok not-installed\\n\\n' >"$gone"
    done ;;
  *) echo "E: Invalid operation $cmd" >&2; exit 100 ;;
esac
`;

const DPKG_QUERY = `${header('dpkg-query')}fmt='\${Package}\\t\${Version}\\n'
# show PACKAGE VERSION STATUS ABBREV: fmt with its \${Package}, \${Version}, \${Status} and \${db:Status-Abbrev}
# fields filled, then its escapes
show() {
  rest=$fmt
  out=
  while :; do
    case $rest in
      *'\${'*) out=$out\${rest%%'\${'*}; rest=\${rest#*'\${'} ;;
      *) out=$out$rest; break ;;
    esac
    case $rest in
      'Package}'*) out=$out$1; rest=\${rest#'Package}'} ;;
      'Version}'*) out=$out$2; rest=\${rest#'Version}'} ;;
      'Status}'*) out=$out$3; rest=\${rest#'Status}'} ;;
      'db:Status-Abbrev}'*) out=$out$4; rest=\${rest#'db:Status-Abbrev}'} ;;
      *) out=$out'\${' ;;
    esac
  done
  printf '%b' "$out"
}
pkgs=
while [ $# -gt 0 ]; do
  case $1 in
    -W|--show) ;;
    -f|--showformat) shift; fmt=\${1:-} ;;
    --showformat=*) fmt=\${1#--showformat=} ;;
    -f*) fmt=\${1#-f}; fmt=\${fmt#=} ;;
    -*) ;;
    *) pkgs="$pkgs $1" ;;
  esac
  shift
done
rc=0
for pkg in $pkgs; do
  if [ -f "$sim_state/dpkg/$pkg" ]; then
    version=
    IFS= read -r version <"$sim_state/dpkg/$pkg"
    show "$pkg" "$version" 'install ok installed' 'ii '
  elif [ -f "$sim_state/dpkg-gone/$pkg" ]; then
    # removed (config-files, its version kept) or purged: dpkg still knows the package
    { IFS= read -r status; IFS= read -r version; } <"$sim_state/dpkg-gone/$pkg"
    case $status in deinstall*) abbrev='rc ' ;; *) abbrev='pn ' ;; esac
    show "$pkg" "$version" "$status" "$abbrev"
  else
    echo "dpkg-query: no packages found matching $pkg" >&2
    rc=1
  fi
done
exit $rc
`;

const NMCLI = `${header('nmcli')}conns="$sim_root/etc/NetworkManager/system-connections"
loaded="$sim_state/nmcli/loaded"
[ -d "$sim_state/nmcli" ] || mkdir -p "$sim_state/nmcli"
[ -f "$loaded" ] || : >"$loaded"
case "\${1:-} \${2:-}" in
  "connection reload"|"con reload"|"c reload")
    # like NetworkManager, only files readable by root alone (mode 0600) are loaded; the glob gives name order
    private=$(find "$conns" -maxdepth 1 -type f -name '*.nmconnection' -perm 0600 2>/dev/null)
    ids=
    for f in "$conns"/*.nmconnection; do
      case "
$private
" in *"
$f
"*) ;; *) continue ;; esac
      while IFS= read -r line || [ -n "$line" ]; do
        case $line in id=*) ids="$ids\${line#id=}
"; break ;; esac
      done <"$f"
    done
    printf '%s' "$ids" >"$loaded" ;;
  "connection show"|"con show"|"c show")
    if [ $# -lt 3 ]; then cat "$loaded"; exit 0; fi
    while IFS= read -r line; do
      if [ "$line" = "$3" ]; then echo "connection.id:                          $3"; exit 0; fi
    done <"$loaded"
    echo "Error: $3 - no such connection profile." >&2
    exit 10 ;;
  "connection delete"|"con delete"|"c delete"|"connection del"|"con del"|"c del")
    name=\${3:-}
    [ "$name" != id ] || name=\${4:-}
    kept= found=
    while IFS= read -r line; do
      if [ "$line" = "$name" ]; then found=1; else kept="$kept$line
"; fi
    done <"$loaded"
    if [ -z "$found" ]; then
      echo "Error: unknown connection '$name'." >&2
      echo "Error: cannot delete unknown connection(s): '$name'." >&2
      exit 10
    fi
    # NetworkManager deletes the keyfile the profile was loaded from
    uuid=
    for f in "$conns"/*.nmconnection; do
      [ -f "$f" ] || continue
      grep -qxF "id=$name" "$f" || continue
      uuid=$(sed -n 's/^uuid=//p' "$f" | head -n 1)
      rm -f "$f"
    done
    [ -n "$uuid" ] || uuid=$(cat /proc/sys/kernel/random/uuid)
    printf '%s' "$kept" >"$loaded"
    echo "Connection '$name' ($uuid) successfully deleted." ;;
  *) echo "Error: the simulated nmcli knows connection reload|show|delete only." >&2; exit 2 ;;
esac
`;

const DCONF = `${header('dconf')}case \${1:-} in
  update)
    for d in "$sim_root"/etc/dconf/db/*.d; do
      [ -d "$d" ] || continue
      # like dconf, the keyfiles in name order (the glob sorts them), hidden files left out
      set --
      for f in "$d"/*; do [ ! -f "$f" ] || set -- "$@" "$f"; done
      { echo "# simulated GVariant database"; [ $# -eq 0 ] || cat "$@"; } >"\${d%.d}"
    done ;;
  *) echo "error: the simulated dconf knows update only" >&2; exit 1 ;;
esac
`;

export const SIM_TOOLS: Record<string, string> = { 'apt-get': APT_GET, 'dpkg-query': DPKG_QUERY, nmcli: NMCLI, dconf: DCONF, loginctl: LOGINCTL_TOOL, shutdown: LINUX_SHUTDOWN_TOOL };
// mv stands in front of the real one only on a PC with a step fault bound to a file: every file a step writes is
// moved into place, and a shell started per move would be simulation cost a real PC does not pay.
const FILE_FAULT_TOOLS: Record<string, string> = { mv: MV };

/** PATH for the commands of a lab PC: its simulated tools first. */
export function simPath(root: string, rest = '/usr/local/bin:/usr/bin:/bin'): string {
  return `${root}/.sim/bin:${rest}`;
}

const CRYPTTAB = '# <target name> <source device> <key file> <options>\ncryptroot UUID=6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f none luks,discard\n';

async function writeIfMissing(file: string, content: string): Promise<void> {
  try {
    await writeFile(file, content, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/** Installs the simulated tools and a realistic skeleton (encrypted-disk crypttab, a home folder) under root. */
export async function installSimTools(root: string, opts: { user?: string } = {}): Promise<void> {
  const bin = join(root, '.sim', 'bin');
  const user = opts.user ?? 'agent';
  for (const dir of [bin, join(root, '.sim', 'fail'), join(root, 'var', 'lib', 'sim', 'dpkg'), join(root, 'var', 'lib', 'sim', 'nmcli'), join(root, 'etc', 'NetworkManager', 'system-connections'), join(root, 'etc', 'dconf', 'db', 'local.d'), join(root, 'home', user, 'Documents')]) {
    await mkdir(dir, { recursive: true });
  }
  for (const [name, text] of Object.entries(SIM_TOOLS)) {
    await writeFile(join(bin, name), text);
    await chmod(join(bin, name), 0o755);
  }
  const curl = simCurl();
  if (curl) {
    await writeFile(join(bin, 'curl'), curl);
    await chmod(join(bin, 'curl'), 0o755);
  }
  await writeIfMissing(join(root, 'etc', 'crypttab'), CRYPTTAB);
  await writeIfMissing(join(root, 'etc', 'hostname'), `${user}-pc\n`);
}

/** The tools a step fault bound to a file needs besides the others (mv, which fails for that file only). */
export async function installFileFaultTools(root: string): Promise<void> {
  const bin = join(root, '.sim', 'bin');
  await mkdir(bin, { recursive: true });
  for (const [name, text] of Object.entries(FILE_FAULT_TOOLS)) {
    await writeFile(join(bin, name), text);
    await chmod(join(bin, name), 0o755);
  }
}
