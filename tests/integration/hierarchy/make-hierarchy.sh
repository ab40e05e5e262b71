#!/usr/bin/env bash
# Writes a complete DNS hierarchy for loopback tests into OUTDIR: zone files, one nsd.conf per NSD
# instance, root hints, and the config of a reference unbound that recurses over it.
#
# usage: make-hierarchy.sh OUTDIR [RESOLVER_ADDR[@PORT]]
#   RESOLVER_ADDR defaults to $REBOUND_REFERENCE_RESOLVER, else 127.0.0.53@53: where the reference
#   unbound listens when started with OUTDIR/unbound.conf.
#
# Nothing is written outside OUTDIR and nothing is started. The layout (every name, address and
# TTL) is documented in README.md next to this script; tests/integration/fixture/hierarchy_names.h
# mirrors it for C++ tests, so change all three together.
#
# Output:
#   OUTDIR/zones/*.zone               zone files
#   OUTDIR/nsd/<instance>/nsd.conf    one NSD per zone (pid, log, xfrd state next to it)
#   OUTDIR/instances                  "instance zone conf addr[,addr]" per line, read by the fixture
#   OUTDIR/recursors                  the same for the recursive unbounds that are part of the
#                                     hierarchy (a zone delegated to a recursive server)
#   OUTDIR/root.hints                 root hints naming only the loopback root servers
#   OUTDIR/unbound-base.conf          reference resolver settings without a listening address
#   OUTDIR/unbound.conf               includes the base and listens on RESOLVER_ADDR

set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
  echo "usage: $0 OUTDIR [RESOLVER_ADDR[@PORT]]" >&2
  exit 2
fi

mkdir -p "$1"
OUTDIR=$(cd "$1" && pwd)
RESOLVER=${2:-${REBOUND_REFERENCE_RESOLVER:-127.0.0.53@53}}
RESOLVER_ADDR=${RESOLVER%@*}
RESOLVER_PORT=53
if [[ $RESOLVER == *@* ]]; then
  RESOLVER_PORT=${RESOLVER##*@}
fi

ZONES="$OUTDIR/zones"
# Every NSD instance (write_nsd needs its instance listed here), each with its own directory,
# made by one mkdir: the fixture runs this script for every test suite, and every fork costs
# milliseconds on a loaded machine.
INSTANCES=(root test example alpha.test beta.example gamma.test glueless.test halfdead.test
  v4ns.example halfblack.test 5.in-addr.arpa moved.test recursor.test expired.test)
# Every recursive unbound of the hierarchy itself (write_recursor), likewise.
RECURSORS=(recursor)
mkdir -p "$ZONES" "${INSTANCES[@]/#/$OUTDIR/nsd/}" "${RECURSORS[@]/#/$OUTDIR/recursor/}"

# text: copies its stdin (a here-document) to stdout with builtins only, unlike cat.
text() {
  local content
  IFS= read -r -d "" content || true
  printf "%s" "$content"
}
: >"$OUTDIR/instances"
: >"$OUTDIR/recursors"

# soa ZONE PRIMARY MINIMUM sets $SOA to the zone's SOA line (a variable, not output: command
# substitution would fork). MINIMUM is the negative-caching TTL of the zone (RFC 2308 5: the SOA
# TTL, 3600 everywhere, is larger, so MINIMUM wins). Every zone has its own value so a test can
# tell from a TTL which zone a negative answer came from.
soa() {
  local zone=$1 primary=$2 minimum=$3
  local rname="hostmaster.$zone"
  [[ $zone == . ]] && rname=hostmaster.nic.test.
  SOA="@ 3600 IN SOA $primary $rname 2024010101 3600 900 604800 $minimum"
}

# write_nsd INSTANCE ZONE ZONEFILE ADDR...: one NSD that serves exactly one zone. A parent and
# its child never share a server, or NSD would answer from the child instead of referring.
write_nsd() {
  local instance=$1 zone=$2 zonefile=$3
  shift 3
  local dir="$OUTDIR/nsd/$instance"
  {
    echo "# NSD for zone \"$zone\" (instance $instance), written by make-hierarchy.sh."
    echo "server:"
    local addr
    for addr in "$@"; do
      echo "  ip-address: $addr"
    done
    text <<EOF
  port: 53
  do-ip4: yes
  do-ip6: no
  server-count: 1
  reuseport: no
  # Runs as the invoking user (root in tests) without chroot: everything stays in OUTDIR.
  username: ""
  chroot: ""
  zonesdir: "$ZONES"
  database: ""
  zonelistfile: "$dir/zone.list"
  xfrdfile: "$dir/xfrd.state"
  xfrdir: "$dir"
  pidfile: "$dir/nsd.pid"
  logfile: "$dir/nsd.log"
  verbosity: 1
  # Answers "dig @addr id.server CH TXT", so a test can tell which instance replied.
  identity: "$instance"
  zonefiles-check: no
  zonefiles-write: 0
  # Deterministic answers: RRset order as in the zone file, full additional sections.
  round-robin: no
  minimal-responses: no
  # Benchmarks send thousands of queries per second from one address; RRL must not drop them.
  # The small table and single xfrd TCP slot cut start-up from ~0.2 s to ~0.05 s of CPU per
  # instance (the defaults allocate 32 MB and 128 transfer buffers), which matters with ten.
  rrl-ratelimit: 0
  rrl-whitelist-ratelimit: 0
  rrl-size: 1024
  xfrd-tcp-max: 1
  tcp-count: 200
  tcp-timeout: 10

remote-control:
  control-enable: no

zone:
  name: "$zone"
  zonefile: "$zonefile"
EOF
  } >"$dir/nsd.conf"
  local IFS=,
  echo "$instance $zone $dir/nsd.conf $*" >>"$OUTDIR/instances"
}

# ---------------------------------------------------------------------------------------------
# "." on 127.0.1.1 and 127.0.1.2 (one instance). The root server names live in test., as the
# real ones live in net.; their addresses here are glue.
soa . a.root.test. 900
text >"$ZONES/root.zone" <<EOF
\$ORIGIN .
$SOA
.                  518400 IN NS a.root.test.
.                  518400 IN NS b.root.test.
test.              172800 IN NS ns1.nic.test.
example.           172800 IN NS ns1.nic.example.
a.root.test.       518400 IN A  127.0.1.1
b.root.test.       518400 IN A  127.0.1.2
ns1.nic.test.      172800 IN A  127.0.2.1
ns1.nic.example.   172800 IN A  127.0.3.1
; The only reverse zone, delegated straight from the root: arpa. and in-addr.arpa. are empty
; non-terminals here, so every other reverse name (ip6.arpa. included) is NXDOMAIN at the root.
5.in-addr.arpa.     86400 IN NS ns1.5.in-addr.arpa.
ns1.5.in-addr.arpa. 86400 IN A  127.0.19.1
EOF
write_nsd root . root.zone 127.0.1.1 127.0.1.2

# ---------------------------------------------------------------------------------------------
# TLD test. on 127.0.2.1
soa test. ns1.nic.test. 600
{
  text <<EOF
\$ORIGIN test.
$SOA
@                  172800 IN NS ns1.nic.test.
ns1.nic            172800 IN A  127.0.2.1
a.root             518400 IN A  127.0.1.1
b.root             518400 IN A  127.0.1.2
; the main data zone
alpha               86400 IN NS ns1.alpha
ns1.alpha           86400 IN A  127.0.10.1
; end of the cross-TLD CNAME chain
gamma               86400 IN NS ns1.gamma
ns1.gamma           86400 IN A  127.0.12.1
; glueless: the only NS name is in another TLD, so no glue can be given
glueless            86400 IN NS ns-glueless.beta.example.
; one live (127.0.14.1) and one dead (127.0.14.2) server
halfdead            86400 IN NS ns1.halfdead
halfdead            86400 IN NS ns2.halfdead
ns1.halfdead        86400 IN A  127.0.14.1
ns2.halfdead        86400 IN A  127.0.14.2
; no server listens on either address
alldead             86400 IN NS ns1.alldead
alldead             86400 IN NS ns2.alldead
ns1.alldead         86400 IN A  127.0.15.1
ns2.alldead         86400 IN A  127.0.15.2
; delegation loop: each zone's only server is named inside the other zone, and neither has glue
loop1               86400 IN NS ns.loop2
loop2               86400 IN NS ns.loop1
; black holes: nothing runs there unless a test binds a socket that never answers
blackhole           86400 IN NS ns1.blackhole
ns1.blackhole       86400 IN A  127.0.17.1
halfblack           86400 IN NS ns1.halfblack
halfblack           86400 IN NS ns2.halfblack
ns1.halfblack       86400 IN A  127.0.18.1
ns2.halfblack       86400 IN A  127.0.18.2
; played by the test process (ScriptedAuthServer); nothing listens there otherwise
scripted            86400 IN NS ns.scripted
ns.scripted         86400 IN A  127.0.20.1
refused             86400 IN NS ns1.refused
refused             86400 IN NS ns2.refused
ns1.refused         86400 IN A  127.0.21.1
ns2.refused         86400 IN A  127.0.21.2
servfail            86400 IN NS ns1.servfail
servfail            86400 IN NS ns2.servfail
ns1.servfail        86400 IN A  127.0.22.1
ns2.servfail        86400 IN A  127.0.22.2
; broken the way real zones are (issue 18). moved: this glue is right, but the child zone's own A
; record for ns1.moved names 127.0.23.2, where nothing listens.
moved               86400 IN NS ns1.moved
ns1.moved           86400 IN A  127.0.23.1
; delegated to a recursive server (an unbound that answers with RA and without AA); the zone's
; data is on an NSD nobody delegates to, 127.0.24.2, which that unbound has as a stub-zone.
recursor            86400 IN NS ns1.recursor
ns1.recursor        86400 IN A  127.0.24.1
; expired: the glue is right and long-lived, the child's own A record for ns1.expired lives 2 s.
expired             86400 IN NS ns1.expired
ns1.expired         86400 IN A  127.0.25.1
EOF
  # NXNSAttack shape: twenty glueless NS names, each its own NXDOMAIN at example. They are
  # siblings, not children of one absent name, so an RFC 8020 NXDOMAIN cut cannot answer them all
  # at once: only the resolver's own cap on NS-name lookups bounds the work.
  for ((i = 1; i <= 20; i++)); do
    printf "nxns                86400 IN NS nxns%02d.example.\n" "$i"
  done
} >"$ZONES/test.zone"
write_nsd test test. test.zone 127.0.2.1

# ---------------------------------------------------------------------------------------------
# TLD example. on 127.0.3.1
soa example. ns1.nic.example. 500
text >"$ZONES/example.zone" <<EOF
\$ORIGIN example.
$SOA
@                  172800 IN NS ns1.nic.example.
ns1.nic            172800 IN A  127.0.3.1
beta                86400 IN NS ns1.beta
ns1.beta            86400 IN A  127.0.11.1
; name server with an A record only (every server here is IPv4-only; this one is the one DNS64
; tests name when they mean "reach a v4-only authority through NAT64")
v4ns                86400 IN NS ns1.v4ns
ns1.v4ns            86400 IN A  127.0.16.1
EOF
write_nsd example example. example.zone 127.0.3.1

# ---------------------------------------------------------------------------------------------
# alpha.test. on 127.0.10.1: answer shapes. Default TTL 3600, negative TTL 300.
{
  soa alpha.test. ns1.alpha.test. 300
  text <<EOF
\$ORIGIN alpha.test.
\$TTL 3600
$SOA
@                  IN NS    ns1
@                  IN MX    10 mail
ns1                IN A     127.0.10.1
mail               IN A     5.6.7.11
v4only             IN A     5.6.7.8
dual               IN A     5.6.7.9
dual               IN AAAA  2001:db8:a::9
v6only             IN AAAA  2001:db8:a::6
mapped             IN A     5.6.7.10
mapped             IN AAAA  ::ffff:5.6.7.10
private            IN A     10.1.2.3
private192         IN A     192.168.1.10
; private-address (rebinding protection, private_address_test): a private and a public address
; of each family, a private IPv6 address alone, a CNAME to a private address, and private
; addresses below lan.alpha.test (an empty non-terminal), which the test makes a private-domain
mixed              IN A     10.9.8.7
mixed              IN A     5.6.7.13
mixed              IN AAAA  fd00::13
mixed              IN AAAA  2001:db8:a::13
private6           IN AAAA  fd00::1:2
privcname          IN CNAME private
host.lan           IN A     192.168.1.20
host.lan           IN AAAA  fd00::20
; in-zone chain, TTLs falling link by link so "minimum TTL of the chain" is observable
chain1        3600 IN CNAME chain2
chain2        1800 IN CNAME chain3
chain3         900 IN CNAME v4only
; alpha.test -> beta.example -> gamma.test, ends at an A-only name
cross              IN CNAME mid.beta.example.
loop1              IN CNAME loop2
loop2              IN CNAME loop1
nodata             IN TXT   "this name has only a TXT record"
txt                IN TXT   "rebound test hierarchy" "second string"
; ent.alpha.test is an empty non-terminal (NODATA, not NXDOMAIN)
x.ent              IN A     5.6.7.12
EOF
  # 100 A records: about 1.6 KB on the wire, more than an EDNS buffer of 1232 holds.
  for ((i = 1; i <= 100; i++)); do
    echo "big                IN A     198.51.100.$i"
  done
  # Long CNAME chain long01.alpha.test -> long02.gamma.test -> long03.alpha.test -> ... ->
  # long20.gamma.test -> v4only.alpha.test: twenty links alternating between two zones, so every
  # link costs the resolver a query of its own (NSD follows a chain only inside its zone). Odd
  # links live here, even ones in gamma.test.
  for ((i = 1; i <= 19; i += 2)); do
    printf "long%02d             IN CNAME long%02d.gamma.test.\n" "$i" $((i + 1))
  done
  # 8 TXT records of 200 characters each: about 1.7 KB.
  printf -v txt_fill "%196s" ""
  txt_fill=${txt_fill// /x}
  for ((i = 1; i <= 8; i++)); do
    echo "bigtxt             IN TXT   \"$i-$i-$txt_fill\""
  done
} >"$ZONES/alpha.test.zone"
write_nsd alpha.test alpha.test. alpha.test.zone 127.0.10.1

# ---------------------------------------------------------------------------------------------
# beta.example. on 127.0.11.1: middle of the cross chain, and the host of glueless.test's server.
soa beta.example. ns1.beta.example. 240
text >"$ZONES/beta.example.zone" <<EOF
\$ORIGIN beta.example.
\$TTL 1800
$SOA
@                  IN NS    ns1
ns1                IN A     127.0.11.1
mid                IN CNAME end.gamma.test.
ns-glueless        IN A     127.0.13.1
www                IN A     20.30.40.50
EOF
write_nsd beta.example beta.example. beta.example.zone 127.0.11.1

# ---------------------------------------------------------------------------------------------
# gamma.test. on 127.0.12.1: end of the cross chain.
soa gamma.test. ns1.gamma.test. 120
{
  text <<EOF
\$ORIGIN gamma.test.
\$TTL 7200
$SOA
@                  IN NS    ns1
ns1                IN A     127.0.12.1
end                IN A     44.55.66.77
EOF
  # The even links of alpha.test's long chain; the last one ends at an A record.
  for ((i = 2; i <= 18; i += 2)); do
    printf "long%02d             IN CNAME long%02d.alpha.test.\n" "$i" $((i + 1))
  done
  echo "long20             IN CNAME v4only.alpha.test."
} >"$ZONES/gamma.test.zone"
write_nsd gamma.test gamma.test. gamma.test.zone 127.0.12.1

# ---------------------------------------------------------------------------------------------
# glueless.test. on 127.0.13.1, whose server name ns-glueless.beta.example is resolved separately.
soa glueless.test. ns-glueless.beta.example. 180
text >"$ZONES/glueless.test.zone" <<EOF
\$ORIGIN glueless.test.
\$TTL 1200
$SOA
@                  IN NS    ns-glueless.beta.example.
www                IN A     20.30.40.51
EOF
write_nsd glueless.test glueless.test. glueless.test.zone 127.0.13.1

# ---------------------------------------------------------------------------------------------
# halfdead.test. on 127.0.14.1; its second server 127.0.14.2 is never started.
soa halfdead.test. ns1.halfdead.test. 200
text >"$ZONES/halfdead.test.zone" <<EOF
\$ORIGIN halfdead.test.
\$TTL 1500
$SOA
@                  IN NS    ns1
@                  IN NS    ns2
ns1                IN A     127.0.14.1
ns2                IN A     127.0.14.2
www                IN A     20.30.40.52
EOF
write_nsd halfdead.test halfdead.test. halfdead.test.zone 127.0.14.1

# ---------------------------------------------------------------------------------------------
# v4ns.example. on 127.0.16.1
soa v4ns.example. ns1.v4ns.example. 260
text >"$ZONES/v4ns.example.zone" <<EOF
\$ORIGIN v4ns.example.
\$TTL 2400
$SOA
@                  IN NS    ns1
ns1                IN A     127.0.16.1
www                IN A     20.30.40.53
EOF
write_nsd v4ns.example v4ns.example. v4ns.example.zone 127.0.16.1

# ---------------------------------------------------------------------------------------------
# halfblack.test. on 127.0.18.2; its first server 127.0.18.1 is a black hole when a test binds it
# (and dead otherwise). The wildcard gives tests as many never-asked names as they need.
soa halfblack.test. ns2.halfblack.test. 220
text >"$ZONES/halfblack.test.zone" <<EOF
\$ORIGIN halfblack.test.
\$TTL 1600
$SOA
@                  IN NS    ns1
@                  IN NS    ns2
ns1                IN A     127.0.18.1
ns2                IN A     127.0.18.2
*                  IN A     20.30.40.54
EOF
write_nsd halfblack.test halfblack.test. halfblack.test.zone 127.0.18.2

# ---------------------------------------------------------------------------------------------
# 5.in-addr.arpa. on 127.0.19.1: reverse names of alpha.test's 5.6.7.x addresses, so that a
# DNS64 PTR answer (RFC 6147 5.3.1: a CNAME from the ip6.arpa. name of 64:ff9b::506:708 to
# 8.7.6.5.in-addr.arpa.) ends at a real PTR record.
soa 5.in-addr.arpa. ns1.5.in-addr.arpa. 280
text >"$ZONES/5.in-addr.arpa.zone" <<EOF
\$ORIGIN 5.in-addr.arpa.
\$TTL 2000
$SOA
@                  IN NS    ns1
ns1                IN A     127.0.19.1
8.7.6              IN PTR   v4only.alpha.test.
EOF
write_nsd 5.in-addr.arpa 5.in-addr.arpa. 5.in-addr.arpa.zone 127.0.19.1

# ---------------------------------------------------------------------------------------------
# Three zones broken the way zones on the internet are (issue 18). Each has its own NSD; what
# breaks them is where their name server records point.

# moved.test. on 127.0.23.1, which is what the parent's glue says. The zone's own A record for
# ns1.moved.test. says 127.0.23.2, where nothing listens (a server renumbered at the registry but
# not in the zone): a resolver that believes the child, as RFC 2181 5.4.1 ranks it, has no
# working address for the zone until it asks the parent again.
soa moved.test. ns1.moved.test. 230
text >"$ZONES/moved.test.zone" <<EOF
\$ORIGIN moved.test.
\$TTL 1300
$SOA
@                  IN NS    ns1
ns1                IN A     127.0.23.2
www                IN A     20.30.40.55
EOF
write_nsd moved.test moved.test. moved.test.zone 127.0.23.1

# recursor.test.: the parent delegates it to 127.0.24.1, where a recursive unbound runs
# (write_recursor below), not an authoritative server. That unbound answers with RA=1 and AA=0,
# from a stub-zone pointing at this NSD on 127.0.24.2, which nobody delegates to.
soa recursor.test. ns1.recursor.test. 250
text >"$ZONES/recursor.test.zone" <<EOF
\$ORIGIN recursor.test.
\$TTL 1700
$SOA
@                  IN NS    ns1
ns1                IN A     127.0.24.1
www                IN A     20.30.40.56
EOF
write_nsd recursor.test recursor.test. recursor.test.zone 127.0.24.2

# expired.test. on 127.0.25.1. The parent's NS and glue live 86400 s, and so does the zone's own
# NS RRset, but every other record here lives 2 s (negative answers 3 s), the zone's A record
# for its own server included: once a resolver has replaced the glue with it (RFC 2181 5.4.1)
# and 2 s have passed, it holds the NS RRset without any address, and the address is inside the
# zone it would have to ask.
soa expired.test. ns1.expired.test. 3
text >"$ZONES/expired.test.zone" <<EOF
\$ORIGIN expired.test.
\$TTL 2
$SOA
@            86400 IN NS    ns1
ns1                IN A     127.0.25.1
www                IN A     20.30.40.57
EOF
write_nsd expired.test expired.test. expired.test.zone 127.0.25.1

# ---------------------------------------------------------------------------------------------
# Root hints: only the loopback roots, so a resolver using them can never reach a real one.
text >"$OUTDIR/root.hints" <<EOF
; Root hints of the rebound loopback test hierarchy (make-hierarchy.sh).
.                3600000 IN NS a.root.test.
.                3600000 IN NS b.root.test.
a.root.test.     3600000 IN A  127.0.1.1
b.root.test.     3600000 IN A  127.0.1.2
EOF

# The listening address is kept out of the base so the test fixture can start more unbounds on
# other addresses from the same base (unbound's "interface:" adds, it does not replace).
text >"$OUTDIR/unbound-base.conf" <<EOF
# Reference recursive resolver over the loopback hierarchy, written by make-hierarchy.sh.
server:
  verbosity: 1
  num-threads: 1
  do-ip4: yes
  do-ip6: no
  do-udp: yes
  do-tcp: yes
  so-reuseport: no
  access-control: 127.0.0.0/8 allow
  access-control: ::1/128 allow
  root-hints: "$OUTDIR/root.hints"
  # The whole hierarchy is on 127/8, which unbound refuses to query by default.
  do-not-query-localhost: no
  # test. and invalid. are RFC 6761 names that unbound answers locally by default.
  local-zone: "test." nodefault
  local-zone: "invalid." nodefault
  username: ""
  chroot: ""
  directory: "$OUTDIR"
  use-syslog: no
  log-time-ascii: yes
  do-daemonize: no
  # Plain iteration: no trust anchor and no validator, the hierarchy is unsigned.
  module-config: "iterator"
  harden-dnssec-stripped: no
  # Only loopback exists in the test namespace; keep the outgoing socket pool small.
  outgoing-range: 256
  num-queries-per-thread: 128
  prefetch: no
  minimal-responses: no
  # Dead servers here refuse at once but unbound waits out a timeout per try, doubling up to
  # this cap (default 2 minutes); at the cap a server counts as down. 500 ms makes an all-dead
  # delegation SERVFAIL in about 1.5 s instead of a minute.
  infra-cache-max-rtt: 500
  # By default a client whose query takes over 1.9 s gets no reply at all; tests want the
  # SERVFAIL.
  discard-timeout: 0

remote-control:
  control-enable: no
EOF

write_unbound_conf() {
  local addr=$1 port=$2 name=$3
  text >"$OUTDIR/$name.conf" <<EOF
include: "$OUTDIR/unbound-base.conf"
server:
  interface: $addr
  port: $port
  pidfile: "$OUTDIR/$name.pid"
  logfile: "$OUTDIR/$name.log"
EOF
  if [[ $addr == *:* ]]; then
    echo "  do-ip6: yes" >>"$OUTDIR/$name.conf"
  fi
}
write_unbound_conf "$RESOLVER_ADDR" "$RESOLVER_PORT" unbound

# write_recursor INSTANCE ZONE ADDR STUB_ADDR: a recursive unbound that is part of the hierarchy,
# on ADDR port 53, with ZONE delegated to it. It recurses from the loopback roots like any
# resolver open to its clients, and holds ZONE as a stub-zone at STUB_ADDR, so it answers for ZONE
# with RA=1 and AA=0. Listed in OUTDIR/recursors ("instance zone conf addr").
write_recursor() {
  local instance=$1 zone=$2 addr=$3 stub=$4
  local dir="$OUTDIR/recursor/$instance"
  text >"$dir/unbound.conf" <<EOF
# Recursive server that "$zone" is delegated to (instance $instance), written by make-hierarchy.sh.
server:
  interface: $addr
  port: 53
  verbosity: 1
  num-threads: 1
  do-ip4: yes
  do-ip6: no
  do-udp: yes
  do-tcp: yes
  so-reuseport: no
  # Resolvers iterating over the hierarchy ask with RD=0, which plain "allow" refuses; with
  # allow_snoop this unbound answers them from its cache and recurses for what it lacks.
  access-control: 127.0.0.0/8 allow_snoop
  root-hints: "$OUTDIR/root.hints"
  do-not-query-localhost: no
  # Whatever the zone says its server's address is, this unbound never asks itself.
  do-not-query-address: $addr
  local-zone: "test." nodefault
  local-zone: "invalid." nodefault
  username: ""
  chroot: ""
  directory: "$dir"
  pidfile: "$dir/unbound.pid"
  logfile: "$dir/unbound.log"
  use-syslog: no
  log-time-ascii: yes
  do-daemonize: no
  # Answers "id.server CH TXT" with the instance name, as each NSD does.
  identity: "$instance"
  module-config: "iterator"
  harden-dnssec-stripped: no
  outgoing-range: 64
  num-queries-per-thread: 32
  prefetch: no
  infra-cache-max-rtt: 500
  discard-timeout: 0

remote-control:
  control-enable: no

stub-zone:
  name: "$zone"
  stub-addr: $stub
EOF
  echo "$instance $zone $dir/unbound.conf $addr" >>"$OUTDIR/recursors"
}
write_recursor recursor recursor.test. 127.0.24.1 127.0.24.2
