# shellcheck shell=bash
# Shell shared by bench/run.sh and bench/soak.sh (sourced, not run): the authoritative side (the
# test hierarchy plus an NSD serving a zone of many names) and small helpers. Expects $root (the
# repository) to be set by the script that sources it.
# shellcheck disable=SC2154  # root comes from the sourcing script

# say MESSAGE...: a timestamped progress line on stderr.
say() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# rss_kb PID: the process's resident set (VmRSS) in KiB.
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# bench_require_tools TOOL...: exits with a message naming the first tool not in PATH.
bench_require_tools() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$0: $tool not found in PATH" >&2; exit 1; }
  done
}

# bench_build_rebound BUILD: builds rebound (RelWithDebInfo) into BUILD unless it is there.
bench_build_rebound() {
  local build=$1
  if [[ ! -x $build/resolver/rebound ]]; then
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$build" -j2 --target rebound
  fi
}

# The address of the extra NSD that serves the bench zone.
BENCH_NSD_ADDR=127.0.50.1

# bench_zone NAMES [TTL] [HOT]: a zone file for "bench." on stdout: NAMES A records
# n000000.bench. ... with TTL (default one day, so nothing expires during a run), addresses in
# 20.0.0.0/8 (global-looking, never contacted, so DNS64 with the well-known prefix synthesizes AAAA
# from them), and HOT more names h0000.bench. ... with a one-day TTL (default none).
bench_zone() {
  awk -v n="$1" -v ttl="${2:-86400}" -v hot="${3:-0}" 'BEGIN {
    print "$ORIGIN bench."
    print "$TTL 86400"
    print "@ 3600 IN SOA ns1.bench. hostmaster.bench. 1 3600 900 604800 300"
    print "@ IN NS ns1"
    print "ns1 IN A 127.0.50.1"
    for (i = 0; i < n; i++)
      printf "n%06d %d IN A 20.%d.%d.%d\n", i, ttl, int(i / 65536) % 256, int(i / 256) % 256, i % 256
    for (i = 0; i < hot; i++)
      printf "h%04d IN A 21.0.%d.%d\n", i, int(i / 256) % 256, i % 256
  }'
}

# bench_start_authorities WORK CPU ZONE_NAMES [TTL] [HOT]: starts the loopback hierarchy in
# WORK/hierarchy and an NSD for bench_zone in WORK/bench-nsd, both on CPU, and waits until the
# bench zone answers. bench_stop_authorities WORK stops them.
bench_start_authorities() {
  local work=$1 cpu=$2 names=$3 ttl=${4:-86400} hot=${5:-0}
  taskset -c "$cpu" "$root/tests/integration/hierarchy/start-hierarchy.sh" "$work/hierarchy" >/dev/null
  mkdir -p "$work/bench-nsd"
  bench_zone "$names" "$ttl" "$hot" >"$work/bench-nsd/bench.zone"
  cat >"$work/bench-nsd/nsd.conf" <<EOF
server:
  ip-address: $BENCH_NSD_ADDR
  port: 53
  do-ip4: yes
  do-ip6: no
  server-count: 1
  username: ""
  chroot: ""
  database: ""
  zonesdir: "$work/bench-nsd"
  zonelistfile: "$work/bench-nsd/zone.list"
  xfrdfile: "$work/bench-nsd/xfrd.state"
  xfrdir: "$work/bench-nsd"
  pidfile: "$work/bench-nsd/nsd.pid"
  logfile: "$work/bench-nsd/nsd.log"
  verbosity: 1
  zonefiles-check: no
  zonefiles-write: 0
  rrl-ratelimit: 0
  rrl-whitelist-ratelimit: 0
  rrl-size: 1024
  xfrd-tcp-max: 1
remote-control:
  control-enable: no
zone:
  name: "bench."
  zonefile: "bench.zone"
EOF
  taskset -c "$cpu" nsd -c "$work/bench-nsd/nsd.conf" >>"$work/bench-nsd/stdout.log" 2>&1
  local _
  for _ in $(seq 100); do
    dig +time=1 +tries=1 +norec @"$BENCH_NSD_ADDR" n000000.bench A 2>/dev/null |
      grep -q 'status: NOERROR' && return 0
    sleep 0.1
  done
  echo "$0: the bench NSD does not answer; see $work/bench-nsd/nsd.log" >&2
  return 1
}
bench_stop_authorities() {
  local work=$1
  if [[ -s $work/bench-nsd/nsd.pid ]]; then kill "$(<"$work/bench-nsd/nsd.pid")" 2>/dev/null || true; fi
  "$root/tests/integration/hierarchy/stop-hierarchy.sh" "$work/hierarchy" >/dev/null 2>&1 || true
}

# bench_wait_for_dns ADDR PID NAME LOG: waits up to 15 s until ADDR answers, failing early when
# PID has exited.
bench_wait_for_dns() {
  local addr=$1 pid=$2 name=$3 log=$4 deadline=$((SECONDS + 15))
  until dig +time=1 +tries=1 @"$addr" id.server CH TXT >/dev/null 2>&1; do
    if ((SECONDS >= deadline)) || ! kill -0 "$pid" 2>/dev/null; then
      echo "$0: $name does not answer on $addr; see $log" >&2
      exit 1
    fi
    sleep 0.05
  done
}

# Figures from a dnsperf output file.
qps_of() { awk '/Queries per second:/ { print $4 }' "$1"; }
lost_of() { awk '/Queries lost:/ { print $3 }' "$1"; }
avg_ms_of() { awk '/Average Latency \(s\):/ { printf "%.3f\n", $4 * 1000 }' "$1"; }
