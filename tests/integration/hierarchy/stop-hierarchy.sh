#!/usr/bin/env bash
# Stops the NSD instances, the hierarchy's recursive unbound(s) and the reference unbound(s) that
# start-hierarchy.sh (or the test fixture) started for OUTDIR, through their pidfiles in OUTDIR.
#
# usage: stop-hierarchy.sh OUTDIR

set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
outdir=$(cd "$1" && pwd)

# A process that has exited but is not reaped yet (its parent is init, which may take seconds)
# is a zombie: it counts as stopped.
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

# signal PIDFILE NAME: SIGTERM to the process the pidfile names, and remember it. A stale
# pidfile whose number now belongs to another program is left alone: only our own processes are
# signalled.
declare -a pids=() names=()
signal() {
  local pidfile=$1 name=$2 pid comm
  [[ -s $pidfile ]] || return 0
  pid=$(<"$pidfile")
  rm -f "$pidfile"
  [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" || return 0
  comm=$(<"/proc/$pid/comm")
  if [[ $comm != "$name"* ]]; then
    echo "$0: $pidfile names pid $pid, which is \"$comm\", not $name; not touching it" >&2
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  pids+=("$pid")
  names+=("$name")
}

shopt -s nullglob
for pidfile in "$outdir"/unbound*.pid "$outdir"/recursor/*/unbound.pid; do
  signal "$pidfile" unbound
done
for pidfile in "$outdir"/nsd/*/nsd.pid; do
  signal "$pidfile" nsd
done

# All were signalled at once, so they shut down in parallel; 5 s for a clean exit, then SIGKILL.
deadline=$((SECONDS + 5))
for i in "${!pids[@]}"; do
  while alive "${pids[$i]}" && ((SECONDS < deadline)); do
    sleep 0.02
  done
  if alive "${pids[$i]}"; then
    echo "$0: ${names[$i]} (pid ${pids[$i]}) ignored SIGTERM; killing it" >&2
    kill -KILL "${pids[$i]}" 2>/dev/null || true
  fi
  echo "stopped ${names[$i]} (pid ${pids[$i]})"
done
