/**
 * The simulated winget of a Windows lab PC: a real executable on the PC's PATH (a POSIX sh script), so that
 * `$LASTEXITCODE` in the machine program is a real process exit code. Installed packages are files under
 * <PC>/.sim/state/winget/<id> holding the version; uninstall removes that file (--version, when given, must match).
 * Injected failures: .sim/fail/winget_install (every install) or .sim/fail/winget_install_<id> (one package), and
 * winget_uninstall / winget_uninstall_<id> alike: line 1 the exit code, line 2.. the message; the bytes of <file>.err,
 * where there is one, go to its error stream as they are. Uninstalling what is not installed answers as list does.
 * Exit codes are winget's HRESULTs as Linux keeps them (the low byte): 0x8A150014 "no package found" is 20.
 */
export const WINGET_NOT_FOUND = 20;

export const WINGET_TOOL = `#!/bin/sh
# homeshift lab: simulated winget
sim_root=\${0%/.sim/bin/*}
state="$sim_root/.sim/state/winget"
fail="$sim_root/.sim/fail"
cmd=\${1:-}
[ $# -eq 0 ] || shift
id= version=
while [ $# -gt 0 ]; do
  case $1 in
    --id) id=\${2:-}; shift ;;
    --version|-v) version=\${2:-}; shift ;;
  esac
  shift
done
case $id in
  ''|*/*|.*) echo "An argument was not valid: --id" >&2; exit 1 ;;
esac
# fail_if COMMAND: the injected failure of this command (every package, or this one), if any: its lines and code
fail_if() {
  for f in "$fail/winget_$1" "$fail/winget_$1_$id"; do
    [ -f "$f" ] || continue
    IFS= read -r code <"$f"
    tail -n +2 "$f"
    [ ! -f "$f.err" ] || cat "$f.err" >&2
    case $code in ''|*[!0-9]*) code=1 ;; esac
    exit "$code"
  done
}
case $cmd in
  list)
    if [ ! -f "$state/$id" ]; then
      echo "No installed package found matching input criteria."
      exit ${WINGET_NOT_FOUND}
    fi
    IFS= read -r installed <"$state/$id"
    echo "Name  Id  Version  Source"
    echo "--------------------------"
    echo "$id  $id  $installed  winget"
    ;;
  install)
    fail_if install
    [ -n "$version" ] || version=1.0.0
    echo "Found $id [$id] Version $version"
    echo "Downloading https://packages.example.invalid/$id/$version"
    mkdir -p "$state" && printf '%s\\n' "$version" >"$state/$id" || exit 1
    echo "Successfully installed"
    ;;
  uninstall)
    installed=
    [ ! -f "$state/$id" ] || IFS= read -r installed <"$state/$id"
    if [ -z "$installed" ] || { [ -n "$version" ] && [ "$version" != "$installed" ]; }; then
      echo "No installed package found matching input criteria."
      exit ${WINGET_NOT_FOUND}
    fi
    fail_if uninstall
    echo "Found $id [$id]"
    echo "Starting package uninstall..."
    rm -f "$state/$id" || exit 1
    echo "Successfully uninstalled"
    ;;
  *) echo "Unrecognized command: '$cmd'"; exit 1 ;;
esac
`;
