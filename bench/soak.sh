#!/usr/bin/env bash
# Soak: rebound under steady mixed load for a long while, its memory sampled, to show it levels
# off. Not part of the test suite (it is load, and takes minutes); run it by hand.
#
# usage: bench/soak.sh [SECONDS, default 600] [--qps Q] [--malloc-stats] [--keep]
#   SECONDS          how long the load runs after the warm-up; that is the window that must be flat
#   --qps Q          offered load (default 3000 queries/s)
#   --malloc-stats   also read glibc's own count of bytes in use (malloc_stats() through gdb, which
#                    stops rebound for a moment) after warm-up and at the end: RSS that grows while
#                    that stays flat is free memory the allocator keeps, not a leak
#   --keep           keep the work directory (config, logs, dnsperf output)
#
# The load, sent in a loop by dnsperf at a fixed rate: cache hits (1,000 names with a one-day TTL,
# A and AAAA, every AAAA synthesized by DNS64), cache misses (100,000 names whose records live
# 60 s, so each pass misses again, and the caches, at their default 4 MB, evict all the time),
# DNS64 AAAA for those, and NXDOMAIN names. RSS is sampled every 10 s. Printed: the RSS series,
# its growth from the end of warm-up to the end and to the peak (the run fails when either is 5%
# or more), and dnsperf's totals: sent, completed, lost, and the response codes.
#
# The warm-up is two full passes of the query file (at least 60 s). Memory is meant to grow until
# the caches reach their caps, and not after. The negative cache fills slowest: only one question
# in seven is negative. After two passes every cache has been offered every question twice, is at
# its cap, and has replaced all it holds at least once (the miss records live 60 s; a pass lasts
# longer), so the allocator's free lists have reached their steady state too. Growth after that is
# what a leak would look like. (At 3000 qps a pass is 117 s; RSS stopped rising after about 130 s.)
#
# Needs root: it runs in a private network namespace (unshare --net) where only loopback exists,
# with the authorities of bench/run.sh (bench/lib.sh). Builds rebound in $BUILD_DIR (default
# build-bench) if it is not there yet.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${BUILD_DIR:-$root/build-bench}"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

orig_args=("$@")
duration=600
qps=3000
keep=0
malloc_stats=0
while (($#)); do
  case $1 in
    --qps) qps=$2; shift 2 ;;
    --malloc-stats) malloc_stats=1; shift ;;
    --keep) keep=1; shift ;;
    -h | --help) sed -n '2,29p' "$0"; exit 0 ;;
    [0-9]*) duration=$1; shift ;;
    *) echo "$0: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
((duration >= 60)) || { echo "$0: the measured window must last at least 60 s" >&2; exit 2; }
readonly MISS_NAMES=100000 MISS_TTL=60 HOT_NAMES=1000 SAMPLE_S=10

if [[ ${REBOUND_BENCH_IN_NAMESPACE:-} != 1 ]]; then
  [[ $(id -u) == 0 ]] || { echo "$0: needs root (network namespace, port 53)" >&2; exit 1; }
  bench_require_tools nsd dnsperf taskset dig unshare ip awk
  ((malloc_stats)) && bench_require_tools gdb
  bench_build_rebound "$build"
  work=$(mktemp -d /tmp/rebound-soak.XXXXXX)
  exec unshare --net env REBOUND_BENCH_IN_NAMESPACE=1 BENCH_WORK="$work" BUILD_DIR="$build" \
    "$0" "${orig_args[@]}"
fi

ip link set lo up
work=$BENCH_WORK
REBOUND_ADDR=127.0.0.10
# rebound on CPU 0; dnsperf and the authorities on CPU 1.
RESOLVER_CPU=0
LOADGEN_CPU=1
rebound_pid=
sampler_pid=
cleanup() {
  [[ -n $sampler_pid ]] && kill "$sampler_pid" 2>/dev/null || true
  [[ -n $rebound_pid ]] && { kill "$rebound_pid" 2>/dev/null || true; wait "$rebound_pid" 2>/dev/null || true; }
  bench_stop_authorities "$work"
  if ((keep)); then echo "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

say "starting the hierarchy and the bench zone ($MISS_NAMES names, TTL ${MISS_TTL}s, $HOT_NAMES hot)"
bench_start_authorities "$work" "$LOADGEN_CPU" "$MISS_NAMES" "$MISS_TTL" "$HOT_NAMES"

# The query file, one pass about 4.6 lines per miss name: for every miss name its A, two hot
# questions (A and AAAA), and for every fourth one a DNS64 AAAA of a miss name and an NXDOMAIN.
awk -v n="$MISS_NAMES" -v hot="$HOT_NAMES" 'BEGIN {
  for (i = 0; i < n; i++) {
    printf "n%06d.bench A\n", i
    printf "h%04d.bench A\nh%04d.bench AAAA\n", i % hot, (i * 7) % hot
    if (i % 4 == 0) printf "n%06d.bench AAAA\nnx%06d.bench A\n", (i + n / 2) % n, i
  }
}' >"$work/queries.txt"
pass_lines=$(wc -l <"$work/queries.txt")
pass_s=$(((pass_lines + qps - 1) / qps))
warmup=$((2 * pass_s > 60 ? 2 * pass_s : 60))
total=$((warmup + duration))

cat >"$work/rebound.conf" <<EOF
server:
  interface: $REBOUND_ADDR
  access-control: 127.0.0.0/8 allow
  logfile: "$work/rebound.log"
  verbosity: 1
  root-hints: "$work/hierarchy/root.hints"
  do-not-query-localhost: no
  num-threads: 1
  module-config: "dns64 iterator"
  dns64-prefix: 64:ff9b::/96
  # Only loopback exists here: the built-in public relays of the fallback cannot be reached.
  bootstrap: no
stub-zone:
  name: "bench."
  stub-addr: $BENCH_NSD_ADDR
EOF
taskset -c "$RESOLVER_CPU" "$build/resolver/rebound" -c "$work/rebound.conf" \
  >>"$work/rebound.stdout.log" 2>&1 &
rebound_pid=$!
bench_wait_for_dns "$REBOUND_ADDR" "$rebound_pid" rebound "$work/rebound.log"

# RSS every SAMPLE_S seconds: "seconds-since-start KiB".
start=$SECONDS
(
  while kill -0 "$rebound_pid" 2>/dev/null; do
    echo "$((SECONDS - start)) $(rss_kb "$rebound_pid")"
    sleep "$SAMPLE_S"
  done
) >"$work/rss.txt" &
sampler_pid=$!

# malloc_in_use: glibc's "in use bytes" over all arenas (malloc_stats() prints to rebound's stderr).
malloc_in_use() {
  gdb -p "$rebound_pid" -batch -ex 'call (void)malloc_stats()' >/dev/null 2>&1 || true
  sleep 0.5
  awk '/^Total/ { total = 1 } total && /in use bytes/ { v = $NF; total = 0 } END { print v + 0 }' \
    "$work/rebound.stdout.log"
}

say "soaking for ${total}s at $qps qps: ${warmup}s of warm-up (two passes of $pass_lines questions), then ${duration}s measured"
taskset -c "$LOADGEN_CPU" dnsperf -s "$REBOUND_ADDR" -d "$work/queries.txt" -l "$total" \
  -Q "$qps" -c 4 -q 500 -t 5 >"$work/dnsperf.out" 2>&1 &
dnsperf_pid=$!
if ((malloc_stats)); then
  sleep "$warmup"
  in_use_warm=$(malloc_in_use)
fi
wait "$dnsperf_pid" || true
((malloc_stats)) && in_use_end=$(malloc_in_use)
echo "$((SECONDS - start)) $(rss_kb "$rebound_pid")" >>"$work/rss.txt"
kill "$sampler_pid" 2>/dev/null || true
wait "$sampler_pid" 2>/dev/null || true
sampler_pid=
alive=yes
kill -0 "$rebound_pid" 2>/dev/null || alive=no

# ---- report ----------------------------------------------------------------------------------
echo
echo "rebound soak: ${total}s at $qps qps offered, warm-up ${warmup}s, then ${duration}s measured; RSS every ${SAMPLE_S}s"
echo
echo "RSS series (s: MiB):"
awk '{ printf "%s%4ds %6.1f", (NR % 6 == 1 ? (NR > 1 ? "\n" : "") "  " : "   "), $1, $2 / 1024 }
     END { print "" }' "$work/rss.txt"
read -r warm_kib end_kib peak_kib < <(awk -v w="$warmup" '
  $1 <= w { warm = $2 } $1 >= w { if ($2 > peak) peak = $2; last = $2 }
  END { print warm + 0, last + 0, peak + 0 }' "$work/rss.txt")
growth=$(awk -v a="$warm_kib" -v b="$end_kib" 'BEGIN { printf "%.2f", a ? 100 * (b - a) / a : 0 }')
peak_growth=$(awk -v a="$warm_kib" -v b="$peak_kib" 'BEGIN { printf "%.2f", a ? 100 * (b - a) / a : 0 }')
echo
printf 'RSS after warm-up %.1f MiB, at the end %.1f MiB, peak after warm-up %.1f MiB\n' \
  "$(awk -v k="$warm_kib" 'BEGIN { print k / 1024 }')" "$(awk -v k="$end_kib" 'BEGIN { print k / 1024 }')" \
  "$(awk -v k="$peak_kib" 'BEGIN { print k / 1024 }')"
echo "growth after warm-up: ${growth}% to the end, ${peak_growth}% to the peak (limit 5%)"
if ((malloc_stats)); then
  awk -v a="$in_use_warm" -v b="$in_use_end" 'BEGIN {
    printf "malloc in use (glibc): %.2f MiB after warm-up, %.2f MiB at the end (%+.2f%%)\n",
      a / 1048576, b / 1048576, a ? 100 * (b - a) / a : 0 }'
fi
echo
echo "dnsperf:"
grep -E 'Queries sent|Queries completed|Queries lost|Response codes|Queries per second|Average Latency' \
  "$work/dnsperf.out" | sed 's/^ */  /'
errors=$(grep -ciE 'error|warn' "$work/rebound.log" 2>/dev/null || true)
echo "rebound log: ${errors:-0} error/warning lines; rebound still running at the end: $alive"

verdict=0
awk -v g="$growth" -v p="$peak_growth" 'BEGIN { exit !(g < 5 && p < 5) }' || verdict=1
[[ $alive == yes ]] || verdict=1
if ((verdict)); then echo "SOAK FAILED"; else echo "soak passed"; fi
exit "$verdict"
