#!/usr/bin/env bash
# rebound vs unbound, side by side in one run, over the loopback DNS hierarchy plus a bench zone of
# many names; prints each figure for both, and their ratio. See bench/README.md.
#
# usage: bench/run.sh [--duration S] [--reps N] [--latency-qps Q] [--zone-names N]
#                     [--miss-names N] [--hit-names N] [--only PARTS] [--perf] [--keep]
#   --duration S      seconds per cache-hit dnsperf run (default 10)
#   --reps N          repetitions of every measurement; medians are reported (default 3)
#   --latency-qps Q   offered load of the latency runs (default 20000 queries/s)
#   --latency-duration S  seconds per latency run (default 5)
#   --zone-names N    A records in the bench zone (default 110000)
#   --miss-names N    distinct names of the cache-miss / memory run (default 100000)
#   --hit-names N     distinct names of the cache-hit set, each asked for A and AAAA (default 1000)
#   --only PARTS      run only these parts, comma-separated: hit1 (figure a and the reflector),
#                     hit2 (figure b), miss (figures c and d), miss6 (figure e, AAAA misses
#                     through DNS64); default hit1,hit2,miss,miss6
#   --perf            record `perf record -g` of each resolver during its first miss run and its
#                     first 1-thread loadgen hit run into the work directory (perf-rebound.data,
#                     perf-rebound-hit.data, and the same for unbound); implies --keep
#   --keep            keep the work directory (configs, logs, raw dnsperf output)
#
# Needs root: everything runs in a private network namespace (unshare --net) where only loopback
# exists. Builds rebound in $BUILD_DIR (default build-bench) if it is not there yet.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${BUILD_DIR:-$root/build-bench}"
# shellcheck source=bench/lib.sh
source "$root/bench/lib.sh"

orig_args=("$@")
duration=10
reps=3
latency_qps=20000
latency_duration=5
zone_names=110000
miss_names=100000
hit_names=1000
only=hit1,hit2,miss,miss6
perf=0
keep=0
while (($#)); do
  case $1 in
    --duration) duration=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --latency-qps) latency_qps=$2; shift 2 ;;
    --latency-duration) latency_duration=$2; shift 2 ;;
    --zone-names) zone_names=$2; shift 2 ;;
    --miss-names) miss_names=$2; shift 2 ;;
    --hit-names) hit_names=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --perf) perf=1; keep=1; shift ;;
    --keep) keep=1; shift ;;
    -h | --help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "$0: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
((miss_names <= zone_names && hit_names <= zone_names)) || {
  echo "$0: --miss-names and --hit-names must not exceed --zone-names" >&2
  exit 2
}
for part in ${only//,/ }; do
  case $part in hit1 | hit2 | miss | miss6) ;; *) echo "$0: --only: unknown part $part" >&2; exit 2 ;; esac
done
# selected PART: whether --only includes PART.
selected() { [[ ,$only, == *,$1,* ]]; }

if [[ ${REBOUND_BENCH_IN_NAMESPACE:-} != 1 ]]; then
  [[ $(id -u) == 0 ]] || { echo "$0: needs root (network namespace, port 53)" >&2; exit 1; }
  bench_require_tools nsd unbound dnsperf taskset dig cc unshare ip
  ((perf)) && bench_require_tools perf
  bench_build_rebound "$build"
  work=$(mktemp -d /tmp/rebound-bench.XXXXXX)
  cc -O2 -Wall -o "$work/reflector" "$root/bench/reflector.c"
  cc -O2 -Wall -o "$work/loadgen" "$root/bench/loadgen.c"
  # Everything below runs where only loopback exists: no packet can leave the machine.
  exec unshare --net env REBOUND_BENCH_IN_NAMESPACE=1 BENCH_WORK="$work" BUILD_DIR="$build" "$0" "${orig_args[@]}"
fi

ip link set lo up
work=$BENCH_WORK
rebound_bin=$build/resolver/rebound
hier=$work/hierarchy
REBOUND_ADDR=127.0.0.10
UNBOUND_ADDR=127.0.0.11
REFLECTOR_ADDR=127.0.0.12
# Resolver on CPU 0, load generator (and the authoritative servers) on CPU 1.
RESOLVER_CPU=0
LOADGEN_CPU=1
# dnsperf: 4 sockets, up to 200 queries in flight (more loses queries to the reflector's socket
# buffer on this machine, fewer leaves the one dnsperf thread idle waiting).
DNSPERF_ARGS=(-c 4 -q 200 -t 5)

declare -a started_pids=()
# The running process of each server, for its CPU time: pid_of[rebound|unbound|reflector].
declare -A pid_of=()
cleanup() {
  local pid
  for pid in "${started_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${started_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  bench_stop_authorities "$work"
  if ((keep)); then echo "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# ---- authoritative side: the hierarchy (root hints) and a bench zone of many names -------------
say "starting the hierarchy and the bench zone ($zone_names names)"
# Global-looking IPv4 data (never contacted), so DNS64 with the well-known prefix synthesizes
# AAAA from it. A long TTL: nothing expires during a run.
bench_start_authorities "$work" "$LOADGEN_CPU" "$zone_names"

# Query files. The hit set: hit_names names, each for A and for AAAA (the AAAA synthesized by
# DNS64 from the A, as an IPv6-only client would ask). The miss set: miss_names distinct A names;
# the AAAA miss set: the same names asked for AAAA, which IPv6-only clients ask and DNS64 answers
# from the A (the names have no AAAA).
awk -v n="$hit_names" 'BEGIN { for (i = 0; i < n; i++) printf "n%06d.bench A\nn%06d.bench AAAA\n", i, i }' \
  >"$work/hit.txt"
awk -v n="$miss_names" 'BEGIN { for (i = 0; i < n; i++) printf "n%06d.bench A\n", i }' >"$work/miss.txt"
awk -v n="$miss_names" 'BEGIN { for (i = 0; i < n; i++) printf "n%06d.bench AAAA\n", i }' \
  >"$work/miss6.txt"

# ---- resolvers -------------------------------------------------------------------------------
# Shared settings: same caches, threads, DNS64 and the bench stub for both.
common_conf() {
  local threads=$1
  cat <<EOF
  num-threads: $threads
  so-reuseport: yes
  so-rcvbuf: 4m
  rrset-cache-size: 64m
  msg-cache-size: 32m
  module-config: "dns64 iterator"
  dns64-prefix: 64:ff9b::/96
  do-not-query-localhost: no
EOF
}
stub_conf() {
  cat <<EOF
stub-zone:
  name: "bench."
  stub-addr: $BENCH_NSD_ADDR
EOF
}

# start_resolver NAME THREADS CPUS: sets RESOLVER_PID; the resolver answers when this returns.
start_resolver() {
  local name=$1 threads=$2 cpus=$3 conf=$work/$1-$2.conf addr
  if [[ $name == rebound ]]; then
    addr=$REBOUND_ADDR
    {
      echo "server:"
      echo "  interface: $addr"
      echo "  logfile: \"$work/rebound.log\""
      echo "  root-hints: \"$hier/root.hints\""   # unbound's comes from unbound-base.conf
      common_conf "$threads"
      stub_conf
    } >"$conf"
    taskset -c "$cpus" "$rebound_bin" -c "$conf" >>"$work/rebound.stdout.log" 2>&1 &
  else
    addr=$UNBOUND_ADDR
    {
      echo "include: \"$hier/unbound-base.conf\""
      echo "server:"
      echo "  interface: $addr"
      echo "  port: 53"
      echo "  logfile: \"$work/unbound.log\""
      echo "  pidfile: \"$work/unbound.pid\""
      common_conf "$threads"
      # The base keeps unbound small for tests (128 queries per thread, 256 ports); the bench
      # keeps up to 200 queries in flight, so give it room.
      echo "  num-queries-per-thread: 1024"
      echo "  outgoing-range: 4096"
      stub_conf
    } >"$conf"
    taskset -c "$cpus" unbound -c "$conf" >>"$work/unbound.stdout.log" 2>&1 &
  fi
  RESOLVER_PID=$!
  pid_of[$name]=$RESOLVER_PID
  started_pids+=("$RESOLVER_PID")
  local deadline=$((SECONDS + 15))
  until dig +time=1 +tries=1 @"$addr" id.server CH TXT >/dev/null 2>&1; do
    if ((SECONDS >= deadline)) || ! kill -0 "$RESOLVER_PID" 2>/dev/null; then
      echo "$0: $name does not answer on $addr; see $work/$name.log" >&2
      exit 1
    fi
    sleep 0.05
  done
}
stop_resolver() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
addr_of() { case $1 in rebound) echo $REBOUND_ADDR ;; unbound) echo $UNBOUND_ADDR ;; reflector) echo $REFLECTOR_ADDR ;; esac; }

# ---- measurements ----------------------------------------------------------------------------
# Raw results: "figure server value" lines in $work/results.
results=$work/results
: >"$results"
record() { echo "$1 $2 $3" >>"$results"; }

# dnsperf_run OUTFILE SERVER ARGS...: runs dnsperf on the load-generator CPU, and adds to its
# output the drops and the server CPU time during the run.
dnsperf_run() { generator_run dnsperf "$@"; }
# loadgen_run OUTFILE SERVER ARGS...: the same with bench/loadgen, which batches its system calls
# and so can keep a server busy where dnsperf cannot (see bench/README.md).
loadgen_run() { generator_run "$work/loadgen" "$@"; }
generator_run() {
  local generator=$1 out=$2 server=$3
  shift 3
  local before after sbefore safter cbefore cafter
  before=$(udp_rcvbuf_errors)
  sbefore=$(socket_drops "$(addr_of "$server")")
  cbefore=$(cpu_ticks "${pid_of[$server]}")
  taskset -c "$LOADGEN_CPU" "$generator" -s "$(addr_of "$server")" "${DNSPERF_ARGS[@]}" "$@" >"$out" 2>&1 || true
  cafter=$(cpu_ticks "${pid_of[$server]}")
  after=$(udp_rcvbuf_errors)
  safter=$(socket_drops "$(addr_of "$server")")
  echo "UDP receive buffer drops in the namespace during the run: $((after - before))" >>"$out"
  echo "of which at the server's port-53 sockets: $((safter - sbefore))" >>"$out"
  echo "server CPU time during the run, clock ticks: $((cafter - cbefore))" >>"$out"
}
# CPU time (user + system, all threads) PID has used so far, in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
CLOCK_TICKS_PER_SECOND=$(getconf CLK_TCK)
# The server's CPU time per completed query in microseconds: what a query costs the server,
# whether or not the load generator kept it busy.
cpu_us_of() {
  awk -v hz="$CLOCK_TICKS_PER_SECOND" '/Queries completed:/ { n = $3 }
    /server CPU time during the run/ { t = $NF }
    END { if (n > 0) printf "%.2f\n", t * 1e6 / hz / n }' "$1"
}
# Drops counted on the UDP sockets bound to ADDR:53 (the last column of /proc/net/udp).
socket_drops() {
  local hex
  hex=$(printf '%02X%02X%02X%02X:0035' $(echo "$1" | awk -F. '{ print $4, $3, $2, $1 }'))
  awk -v a="$hex" '$2 == a { d += $NF } END { print d + 0 }' /proc/net/udp
}
sdrops_of() { awk '/at the server.s port-53 sockets/ { print $NF }' "$1"; }
# Datagrams the kernel dropped because a socket's receive buffer was full (any socket here).
udp_rcvbuf_errors() {
  awk '$1 == "Udp:" { if (!h) { for (i = 2; i <= NF; i++) if ($i == "RcvbufErrors") c = i; h = 1 }
                      else print $c }' /proc/net/snmp
}
drops_of() { awk '/UDP receive buffer drops/ { print $NF }' "$1"; }
completed_of() { awk '/Queries completed:/ { print $3 }' "$1"; }
# UDP datagrams delivered to sockets in the namespace so far (Udp InDatagrams).
udp_in_datagrams() {
  awk '$1 == "Udp:" { if (!h) { for (i = 2; i <= NF; i++) if ($i == "InDatagrams") c = i; h = 1 }
                      else print $c }' /proc/net/snmp
}
# start_perf NAME PID: samples PID with call graphs into WORK/perf-NAME.data until stop_perf.
start_perf() {
  perf record -q -g -p "$2" -o "$work/perf-$1.data" >"$work/perf-$1.log" 2>&1 &
  perf_pid=$!
  sleep 0.5  # perf attaches before the load starts
}
stop_perf() {
  kill -INT "$perf_pid"
  wait "$perf_pid" || true
}
# latency_ms_of FILE p50|p99: a percentile of the latency from loadgen's output, in ms.
latency_ms_of() { awk -v p="$2" '$1 == "Latency" && $2 == p { printf "%.3f\n", $4 * 1000 }' "$1"; }
# From dnsperf -v's per-query lines ("> NOERROR name type seconds"): average and 99th percentile.
latency_stats() {
  awk '$1 == ">" { print $5 * 1000 }' "$1" | sort -g | awk '
    { v[NR] = $1; s += $1 }
    END { if (NR == 0) { print "nan nan"; exit }
          i = int(NR * 0.99); if (i < 1) i = 1; printf "%.3f %.3f\n", s / NR, v[i] }'
}

# warm_hit_set THREADS: both resolvers asked every hit question twice, so the runs after are all hits.
warm_hit_set() {
  local threads=$1 server pass
  for server in rebound unbound; do
    for pass in 1 2; do
      dnsperf_run "$work/warm$pass-$server-$threads.out" "$server" -d "$work/hit.txt" -n 1
    done
  done
}

# cache_hit TAG SERVER REP: QPS runs (closed loop, as fast as the server answers) with dnsperf and
# with bench/loadgen, and one latency run at a fixed offered load.
cache_hit() {
  local tag=$1 server=$2 rep=$3 out
  out=$work/$tag-$server-$rep-qps.out
  dnsperf_run "$out" "$server" -d "$work/hit.txt" -l "$duration"
  record "$tag.qps" "$server" "$(qps_of "$out")"
  record "$tag.cpu_us" "$server" "$(cpu_us_of "$out")"
  record "$tag.avg_ms_at_max" "$server" "$(avg_ms_of "$out")"
  record "$tag.lost" "$server" "$(lost_of "$out")"
  record "$tag.drops" "$server" "$(drops_of "$out")"
  record "$tag.sdrops" "$server" "$(sdrops_of "$out")"
  out=$work/$tag-$server-$rep-loadgen.out
  local profile=0
  [[ $perf == 1 && $rep == 1 && $tag == hit1 && $server != reflector ]] && profile=1
  ((profile)) && start_perf "$server-hit" "${pid_of[$server]}"
  loadgen_run "$out" "$server" -d "$work/hit.txt" -l "$duration"
  ((profile)) && stop_perf
  record "$tag.lg_qps" "$server" "$(qps_of "$out")"
  record "$tag.lg_cpu_us" "$server" "$(cpu_us_of "$out")"
  record "$tag.lost" "$server" "$(lost_of "$out")"
  record "$tag.drops" "$server" "$(drops_of "$out")"
  record "$tag.sdrops" "$server" "$(sdrops_of "$out")"
  out=$work/$tag-$server-$rep-loadgen-lat.out
  loadgen_run "$out" "$server" -d "$work/hit.txt" -l "$latency_duration" -Q "$latency_qps"
  record "$tag.lg_lat_p50_ms" "$server" "$(latency_ms_of "$out" p50)"
  record "$tag.lg_lat_p99_ms" "$server" "$(latency_ms_of "$out" p99)"
  record "$tag.lost" "$server" "$(lost_of "$out")"
  [[ $server == reflector ]] && return
  out=$work/$tag-$server-$rep-lat.out
  dnsperf_run "$out" "$server" -d "$work/hit.txt" -l "$latency_duration" -Q "$latency_qps" -v
  read -r avg p99 < <(latency_stats "$out")
  record "$tag.lat_avg_ms" "$server" "$avg"
  record "$tag.lat_p99_ms" "$server" "$p99"
  record "$tag.lost" "$server" "$(lost_of "$out")"
}

# (a) one resolver thread on CPU 0, dnsperf on CPU 1; the reflector likewise.
if selected hit1; then
  say "(a) cache hits, 1 thread: warming, then $reps x ${duration}s QPS + ${latency_duration}s latency runs"
  taskset -c "$RESOLVER_CPU" "$work/reflector" $REFLECTOR_ADDR 53 &
  reflector_pid=$!
  pid_of[reflector]=$reflector_pid
  started_pids+=("$reflector_pid")
  start_resolver rebound 1 "$RESOLVER_CPU"; rebound_pid=$RESOLVER_PID
  start_resolver unbound 1 "$RESOLVER_CPU"; unbound_pid=$RESOLVER_PID
  warm_hit_set 1
  for ((rep = 1; rep <= reps; rep++)); do
    for server in reflector rebound unbound; do cache_hit hit1 "$server" "$rep"; done
  done
  stop_resolver "$rebound_pid"
  stop_resolver "$unbound_pid"
  stop_resolver "$reflector_pid"
fi

# (b) two resolver threads on CPUs 0 and 1: they share CPU 1 with dnsperf.
if selected hit2; then
  say "(b) cache hits, 2 threads (resolver on CPUs 0+1, sharing CPU 1 with dnsperf)"
  start_resolver rebound 2 "$RESOLVER_CPU,$LOADGEN_CPU"; rebound_pid=$RESOLVER_PID
  start_resolver unbound 2 "$RESOLVER_CPU,$LOADGEN_CPU"; unbound_pid=$RESOLVER_PID
  warm_hit_set 2
  for ((rep = 1; rep <= reps; rep++)); do
    for server in rebound unbound; do cache_hit hit2 "$server" "$rep"; done
  done
  stop_resolver "$rebound_pid"
  stop_resolver "$unbound_pid"
fi

# (c)+(d) a fresh resolver per repetition: every one of miss_names distinct names once (each a
# cache miss that goes to the bench NSD), then the resident memory holding them all. The UDP
# datagrams the namespace received during the miss run count the resolver's upstream queries: each
# miss is the client's query and its answer plus a query and a reply per upstream exchange.
if selected miss; then
  say "(c,d) cache misses: $reps x $miss_names distinct names per resolver, fresh each time"
  for ((rep = 1; rep <= reps; rep++)); do
    for server in rebound unbound; do
      start_resolver "$server" 1 "$RESOLVER_CPU"
      pid=$RESOLVER_PID
      record rss_idle_mb "$server" "$(awk -v k="$(rss_kb "$pid")" 'BEGIN { printf "%.1f", k / 1024 }')"
      out=$work/miss-$server-$rep.out
      ((perf && rep == 1)) && start_perf "$server" "$pid"
      datagrams_before=$(udp_in_datagrams)
      dnsperf_run "$out" "$server" -d "$work/miss.txt" -n 1
      datagrams_after=$(udp_in_datagrams)
      ((perf && rep == 1)) && stop_perf
      record miss.upstream_per_miss "$server" "$(awk -v d="$((datagrams_after - datagrams_before))" \
        -v n="$(completed_of "$out")" 'BEGIN { if (n > 0) printf "%.3f\n", (d - 2 * n) / (2 * n) }')"
      record miss.qps "$server" "$(qps_of "$out")"
      record miss.cpu_us "$server" "$(cpu_us_of "$out")"
      record miss.avg_ms "$server" "$(avg_ms_of "$out")"
      record miss.lost "$server" "$(lost_of "$out")"
      record miss.drops "$server" "$(drops_of "$out")"
      record rss_loaded_mb "$server" "$(awk -v k="$(rss_kb "$pid")" 'BEGIN { printf "%.1f", k / 1024 }')"
      # Second pass over the same names: now all cached (a hit set far larger than the CPU caches).
      out=$work/miss2-$server-$rep.out
      dnsperf_run "$out" "$server" -d "$work/miss.txt" -n 1
      record bighit.qps "$server" "$(qps_of "$out")"
      record bighit.cpu_us "$server" "$(cpu_us_of "$out")"
      record bighit.lost "$server" "$(lost_of "$out")"
      record bighit.drops "$server" "$(drops_of "$out")"
      record bighit.sdrops "$server" "$(sdrops_of "$out")"
      stop_resolver "$pid"
    done
  done
fi

# (e) the users' mix: a fresh resolver per repetition gets every name once for AAAA. Each is a
# miss twice over, the AAAA (NODATA) and the A that DNS64 synthesizes from (RFC 6147 5.1), so two
# upstream exchanges per client query are expected.
if selected miss6; then
  say "(e) AAAA misses through DNS64: $reps x $miss_names distinct names per resolver"
  for ((rep = 1; rep <= reps; rep++)); do
    for server in rebound unbound; do
      start_resolver "$server" 1 "$RESOLVER_CPU"
      pid=$RESOLVER_PID
      out=$work/miss6-$server-$rep.out
      datagrams_before=$(udp_in_datagrams)
      dnsperf_run "$out" "$server" -d "$work/miss6.txt" -n 1
      datagrams_after=$(udp_in_datagrams)
      record miss6.upstream_per_miss "$server" "$(awk -v d="$((datagrams_after - datagrams_before))" \
        -v n="$(completed_of "$out")" 'BEGIN { if (n > 0) printf "%.3f\n", (d - 2 * n) / (2 * n) }')"
      record miss6.qps "$server" "$(qps_of "$out")"
      record miss6.cpu_us "$server" "$(cpu_us_of "$out")"
      record miss6.avg_ms "$server" "$(avg_ms_of "$out")"
      record miss6.lost "$server" "$(lost_of "$out")"
      stop_resolver "$pid"
    done
  done
fi

# ---- report ----------------------------------------------------------------------------------
median() { # of the values of FIGURE for SERVER ("-" when none)
  awk -v f="$1" -v s="$2" '$1 == f && $2 == s && $3 != "" { print $3 }' "$results" | sort -g | awk '
    { v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2];
                         else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
total() { awk -v f="$1" -v s="$2" '$1 == f && $2 == s { t += $3 } END { print t + 0 }' "$results"; }
row() { # LABEL FIGURE FORMAT
  local a b ratio
  a=$(median "$2" rebound)
  b=$(median "$2" unbound)
  ratio=$(awk -v a="$a" -v b="$b" 'BEGIN { if (a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.2f", a / b }')
  [[ $a != - ]] && a=$(printf "$3" "$a")
  [[ $b != - ]] && b=$(printf "$3" "$b")
  printf "| %-44s | %12s | %12s | %8s |\n" "$1" "$a" "$b" "$ratio"
}
echo
echo "rebound vs unbound $(unbound -V 2>/dev/null | awk '/^Version/ { print $2 }'), medians of $reps runs" \
  "($(nproc) CPUs; resolver on CPU $RESOLVER_CPU, dnsperf on CPU $LOADGEN_CPU; dnsperf ${DNSPERF_ARGS[*]})"
echo
printf "| %-44s | %12s | %12s | %8s |\n" figure rebound unbound "reb/unb"
printf "|%s|%s|%s|%s|\n" "$(printf -- '-%.0s' {1..46})" "$(printf -- '-%.0s' {1..14})" \
  "$(printf -- '-%.0s' {1..14})" "$(printf -- '-%.0s' {1..10})"
row "(a) cache-hit QPS, 1 thread" hit1.qps "%.0f"
row "(a) server CPU per hit, us" hit1.cpu_us "%.2f"
row "(a) avg latency at that max load, ms" hit1.avg_ms_at_max "%s"
row "(a) cache-hit QPS, 1 thread, bench/loadgen" hit1.lg_qps "%.0f"
row "(a) server CPU per hit under loadgen, us" hit1.lg_cpu_us "%.2f"
row "(a) avg latency at $latency_qps qps, ms" hit1.lat_avg_ms "%s"
row "(a) p99 latency at $latency_qps qps, ms" hit1.lat_p99_ms "%s"
row "(a) p50 latency at $latency_qps qps, loadgen, ms" hit1.lg_lat_p50_ms "%s"
row "(a) p99 latency at $latency_qps qps, loadgen, ms" hit1.lg_lat_p99_ms "%s"
row "(b) cache-hit QPS, 2 threads (share CPU 1)" hit2.qps "%.0f"
row "(b) p99 latency at $latency_qps qps, ms" hit2.lat_p99_ms "%s"
row "(b) p99 latency at $latency_qps qps, loadgen, ms" hit2.lg_lat_p99_ms "%s"
row "(b) cache-hit QPS, 2 threads, bench/loadgen" hit2.lg_qps "%.0f"
row "(c) cache-miss QPS, $miss_names names" miss.qps "%.0f"
row "(c) avg latency of a miss, ms" miss.avg_ms "%s"
row "(c) server CPU per miss, us" miss.cpu_us "%.1f"
row "(c) upstream queries per miss (UDP)" miss.upstream_per_miss "%.2f"
row "    QPS, same $miss_names names cached" bighit.qps "%.0f"
row "    server CPU per hit, same names, us" bighit.cpu_us "%.2f"
row "(d) RSS at start, MB" rss_idle_mb "%s"
row "(d) RSS with $miss_names names cached, MB" rss_loaded_mb "%s"
row "(e) AAAA (DNS64) miss QPS, $miss_names names" miss6.qps "%.0f"
row "(e) avg latency of an AAAA miss, ms" miss6.avg_ms "%s"
row "(e) server CPU per AAAA miss, us" miss6.cpu_us "%.1f"
row "(e) upstream queries per AAAA miss (UDP)" miss6.upstream_per_miss "%.2f"
# ceiling_line GENERATOR FIGURE: the reflector's QPS under one load generator, and each resolver's
# share of it.
ceiling_line() {
  local ceiling
  ceiling=$(median "$2" reflector)
  echo "ceiling with $1: the UDP reflector (bench/reflector.c, CPU $RESOLVER_CPU) answered" \
    "$(printf %.0f "$ceiling") qps; rebound reached $(percent "$(median "$2" rebound)" "$ceiling")," \
    "unbound $(percent "$(median "$2" unbound)" "$ceiling") of it; it used" \
    "$(median "${2%qps}cpu_us" reflector) us of CPU per query."
}
percent() { awk -v a="$1" -v c="$2" 'BEGIN { printf "%.0f%%", 100 * a / c }'; }
echo
if selected hit1; then
  ceiling_line dnsperf hit1.qps
  ceiling_line bench/loadgen hit1.lg_qps
  echo "latency floor: the reflector's p50 and p99 at $latency_qps qps under loadgen were" \
    "$(median hit1.lg_lat_p50_ms reflector) and $(median hit1.lg_lat_p99_ms reflector) ms."
fi
echo "queries lost (all runs): rebound hit1 $(total hit1.lost rebound), hit2 $(total hit2.lost rebound)," \
  "miss $(total miss.lost rebound), cached $(total bighit.lost rebound), AAAA miss $(total miss6.lost rebound);" \
  "unbound hit1 $(total hit1.lost unbound), hit2 $(total hit2.lost unbound), miss $(total miss.lost unbound)," \
  "cached $(total bighit.lost unbound), AAAA miss $(total miss6.lost unbound); reflector $(total hit1.lost reflector)"
echo "kernel UDP receive-buffer drops during the QPS runs (all runs): rebound hit1 $(total hit1.drops rebound)," \
  "hit2 $(total hit2.drops rebound), miss $(total miss.drops rebound), cached $(total bighit.drops rebound);" \
  "unbound hit1 $(total hit1.drops unbound), hit2 $(total hit2.drops unbound), miss $(total miss.drops unbound)," \
  "cached $(total bighit.drops unbound); reflector $(total hit1.drops reflector)"
echo "  of those, at the server's own socket: rebound hit1 $(total hit1.sdrops rebound)," \
  "hit2 $(total hit2.sdrops rebound), cached $(total bighit.sdrops rebound); unbound hit1" \
  "$(total hit1.sdrops unbound), hit2 $(total hit2.sdrops unbound), cached $(total bighit.sdrops unbound)"
for name in rebound unbound; do
  n=$(grep -ciE 'error|warn' "$work/$name.log" 2>/dev/null || true)
  if [[ ${n:-0} == 0 ]]; then
    echo "$name log: no error/warning lines"
  else
    echo "$name log: $n error/warning lines, first: $(grep -iE 'error|warn' "$work/$name.log" | head -1)"
  fi
done
