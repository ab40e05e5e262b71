#!/usr/bin/env bash
# Shows rebound answering with no internet: in a private network namespace it starts the test
# DNS hierarchy (NSD on 127.0.x.y) and rebound recursing over it from loopback root hints, then
# asks rebound questions with dig. Needs root (network namespace, port 53).
#
# usage: tools/demo.sh            (builds rebound first if needed)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${BUILD_DIR:-$root/build}"

if [[ ${REBOUND_DEMO_IN_NAMESPACE:-} != 1 ]]; then
  "$root/tools/install-deps.sh"
  if [[ ! -x $build/resolver/rebound ]]; then
    cmake -S "$root" -B "$build" -G Ninja >/dev/null
    cmake --build "$build" --target rebound
  fi
  # Everything below runs where only loopback exists: nothing can reach the real Internet.
  exec unshare --net env REBOUND_DEMO_IN_NAMESPACE=1 "$0" "$@"
fi

ip link set lo up
work=$(mktemp -d /tmp/rebound-demo.XXXXXX)
"$root/tests/integration/hierarchy/start-hierarchy.sh" "$work/hierarchy" >/dev/null

cat >"$work/rebound.conf" <<CONF
server:
  interface: 127.0.0.10
  interface: ::1
  logfile: "$work/rebound.log"
  root-hints: "$work/hierarchy/root.hints"   # the loopback root servers
  do-not-query-localhost: no                 # every server of the hierarchy is on loopback
CONF
"$build/resolver/rebound" -c "$work/rebound.conf" &
rebound_pid=$!
cleanup() {
  kill "$rebound_pid" 2>/dev/null || true
  wait "$rebound_pid" 2>/dev/null || true
  "$root/tests/integration/hierarchy/stop-hierarchy.sh" "$work/hierarchy" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 50); do
  dig @127.0.0.10 +time=1 +tries=1 id.server CH TXT >/dev/null 2>&1 && break
  sleep 0.1
done

ask() {
  echo "\$ dig $*"
  dig "$@" | grep -vE '^;; (Got answer|QUESTION|OPT|WHEN|MSG SIZE|SERVER)|^; EDNS|^;; global|^$|^; <<>>'
  echo
}
ask @127.0.0.10 v4only.alpha.test A
ask @127.0.0.10 cross.alpha.test A
ask @127.0.0.10 dual.alpha.test AAAA +tcp
ask @::1 alpha.test MX
ask @127.0.0.10 nxdomain.alpha.test A
echo "# the same question again is answered from rebound's cache, its TTL counting down:"
sleep 2
ask @127.0.0.10 cross.alpha.test A
echo "# a large answer does not fit 1232 bytes over UDP, so dig retries over TCP:"
dig @127.0.0.10 big.alpha.test A | grep -E 'Truncated|ANSWER:' || true
