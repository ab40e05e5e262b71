#!/bin/bash
# install_test.sh BUILD_DIR CONFIG_FILE: runs `cmake --install BUILD_DIR --prefix /tmp/x` with
# DESTDIR set to a fresh directory and checks what was installed. CONFIG_FILE is the path the
# binary reads by default (REBOUND_CONFIG_FILE in CMakeLists.txt), where the example config must
# land. Fails with a message on the first thing missing or wrong.
set -euo pipefail

build=$1
config=$2
prefix=/tmp/x
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

DESTDIR=$stage cmake --install "$build" --prefix "$prefix" >"$stage.log" 2>&1 ||
  { cat "$stage.log" >&2; rm -f "$stage.log"; fail "cmake --install failed"; }
rm -f "$stage.log"

binary=$stage$prefix/sbin/rebound
unit=$stage$prefix/lib/systemd/system/rebound.service
for file in "$binary" "$stage$prefix/share/man/man8/rebound.8" \
  "$stage$prefix/share/man/man5/rebound.conf.5" "$stage$config" "$unit"; do
  [[ -f $file ]] || fail "not installed: ${file#"$stage"}"
done
[[ -x $binary ]] || fail "not executable: ${binary#"$stage"}"

# The unit starts the installed binary with the installed config, as a notify service.
grep -qx "ExecStart=$prefix/sbin/rebound -c $config" "$unit" ||
  fail "ExecStart is not '$prefix/sbin/rebound -c $config': $(grep ExecStart "$unit")"
grep -qx "Type=notify" "$unit" || fail "the unit is not Type=notify"
# systemctl reload: SIGHUP rereads the configuration (rebound(8)).
grep -qx 'ExecReload=/bin/kill -HUP $MAINPID' "$unit" || fail "the unit has no ExecReload sending SIGHUP"

# The installed binary accepts the installed config.
"$binary" -n -c "$stage$config" || fail "rebound -n rejects the installed config"

# systemd-analyze checks the unit's syntax, that ExecStart names an executable and that the
# Documentation= man pages open; inside the stage the binary is at $stage$prefix, so the copy it
# reads says so, and man looks in the stage. It reports a bad line on stderr and still exits 0,
# so any output is a failure.
if command -v systemd-analyze >/dev/null; then
  check=$stage/check
  mkdir "$check"
  sed "s#^ExecStart=$prefix/#ExecStart=$stage$prefix/#" "$unit" >"$check/rebound.service"
  out=$(MANPATH=$stage$prefix/share/man systemd-analyze verify "$check/rebound.service" 2>&1) ||
    fail "systemd-analyze verify: $out"
  [[ -z $out ]] || fail "systemd-analyze verify: $out"
else
  echo "systemd-analyze not found: the unit's syntax is not checked"
fi
echo "installed and checked: $(cd "$stage" && find . -type f | sort | tr '\n' ' ')"
