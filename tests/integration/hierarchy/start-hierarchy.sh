#!/usr/bin/env bash
# Starts the loopback DNS hierarchy (one NSD per zone, and the recursive unbound that one zone is
# delegated to) and, on request, the reference unbound, in the current network namespace, then
# waits until every server answers.
#
# usage: start-hierarchy.sh [--unbound] OUTDIR
#   OUTDIR is written by make-hierarchy.sh first if it holds no hierarchy yet (set
#   REBOUND_REFERENCE_RESOLVER=ADDR[@PORT] to move the reference unbound off 127.0.0.53@53).
#   Stop everything with stop-hierarchy.sh OUTDIR.
#
# Needs root (port 53). Best run inside a private network namespace, where only loopback exists:
#   unshare --net bash -c 'ip link set lo up && start-hierarchy.sh --unbound /tmp/h && bash'
# Nothing is written outside OUTDIR.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
with_unbound=0
if [[ ${1:-} == --unbound ]]; then
  with_unbound=1
  shift
fi
if [[ $# -ne 1 ]]; then
  echo "usage: $0 [--unbound] OUTDIR" >&2
  exit 2
fi
for tool in nsd dig; do
  command -v "$tool" >/dev/null || { echo "$0: $tool not found in PATH" >&2; exit 1; }
done
if ((with_unbound)); then
  command -v unbound >/dev/null || { echo "$0: unbound not found in PATH" >&2; exit 1; }
fi

mkdir -p "$1"
outdir=$(cd "$1" && pwd)
if [[ ! -f $outdir/instances ]]; then
  "$here/make-hierarchy.sh" "$outdir"
fi

# A pidfile naming a live process means an earlier start was never stopped.
running() {
  local pidfile=$1 pid
  [[ -s $pidfile ]] || return 1
  pid=$(<"$pidfile")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  local stat
  stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  # An exited process not yet reaped by init is a zombie: not running.
  [[ ${stat%% *} != Z ]]
}

# wait_for_answer ADDR PORT: any DNS reply counts (NSD answers id.server CH TXT with its instance
# name; a resolver at least replies). dig exits 0 on any reply, 9 when none came.
wait_for_answer() {
  local addr=$1 port=$2 deadline=$((SECONDS + 10))
  until dig +time=1 +tries=1 -p "$port" "@$addr" id.server CH TXT >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      echo "$0: no DNS server answers on $addr port $port; see the logs in $outdir" >&2
      return 1
    fi
    sleep 0.05
  done
}

# "instance zone conf addr[,addr]" per line; NSD daemonizes and writes its own pidfile.
declare -a wait_addrs=()
while read -r instance zone conf addrs; do
  if running "$outdir/nsd/$instance/nsd.pid"; then
    echo "$0: NSD $instance is already running (pidfile $outdir/nsd/$instance/nsd.pid)" >&2
    exit 1
  fi
  nsd -c "$conf" >>"$outdir/nsd/$instance/stdout.log" 2>&1
  IFS=, read -r -a list <<<"$addrs"
  wait_addrs+=("${list[@]}")
  echo "started NSD $instance for \"$zone\" on $addrs"
done <"$outdir/instances"

for addr in "${wait_addrs[@]}"; do
  wait_for_answer "$addr" 53
done

# "instance zone conf addr" per line: the recursive unbounds a zone is delegated to. They run in
# the foreground (do-daemonize: no); setsid detaches them as it does the reference unbound below.
if [[ -s $outdir/recursors ]]; then
  if ! command -v unbound >/dev/null; then
    echo "$0: unbound not found in PATH: the zones in $outdir/recursors will not resolve" >&2
  else
    while read -r instance zone conf addr; do
      if running "$outdir/recursor/$instance/unbound.pid"; then
        echo "$0: recursor $instance is already running" \
          "(pidfile $outdir/recursor/$instance/unbound.pid)" >&2
        exit 1
      fi
      setsid unbound -c "$conf" >>"$outdir/recursor/$instance/stdout.log" 2>&1 </dev/null &
      wait_for_answer "$addr" 53
      echo "started recursive unbound $instance for \"$zone\" on $addr"
    done <"$outdir/recursors"
  fi
fi

if ((with_unbound)); then
  if running "$outdir/unbound.pid"; then
    echo "$0: unbound is already running (pidfile $outdir/unbound.pid)" >&2
    exit 1
  fi
  listen=$(sed -n 's/^  interface: //p' "$outdir/unbound.conf")
  port=$(sed -n 's/^  port: //p' "$outdir/unbound.conf")
  # unbound.conf says do-daemonize: no (the test fixture wants it in the foreground); setsid
  # detaches it from this shell so it outlives the script and ignores the terminal's ^C.
  setsid unbound -c "$outdir/unbound.conf" >>"$outdir/unbound.stdout.log" 2>&1 </dev/null &
  wait_for_answer "$listen" "$port"
  echo "started reference unbound on $listen port $port"
fi
echo "hierarchy up in $outdir; stop it with $here/stop-hierarchy.sh $outdir"
