#!/usr/bin/env bash
# Writes the seed corpus of config_parser_fuzz: the config files the project really uses (the
# example etc/rebound.conf, the reference unbound's config that make-hierarchy.sh writes for the
# integration hierarchy) and the configs the integration tests give rebound (recursion over the
# hierarchy, stub-zone, forward-zone, DNS64 and NAT64 options), plus a few broken ones. include:
# lines are left out: the fuzz target skips any text that mentions include. Run from anywhere;
# rewrites tests/fuzz/corpus/config_parser/.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$here/corpus/config_parser"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rm -rf "$out"
mkdir -p "$out"
"$root/tests/integration/hierarchy/make-hierarchy.sh" "$tmp/h" >/dev/null
# Paths of the temp dir would make the seeds differ from run to run.
sed -e "s|$tmp/h|/var/lib/rebound-test|g" "$tmp/h/unbound-base.conf" >"$out/hierarchy_unbound_base"
grep -v '^include' "$tmp/h/unbound.conf" | sed -e "s|$tmp/h|/var/lib/rebound-test|g" \
  >"$out/hierarchy_unbound_listen"
grep -vi 'include' "$root/etc/rebound.conf" >"$out/example_rebound_conf"

# As tests/integration/fixture/rebound_process.cc's RecursiveServerConfig writes them.
recursive='server:
  interface: 127.0.0.10
  access-control: 127.0.0.0/8 allow
  access-control: ::1/128 allow
  verbosity: 2
  root-hints: "/var/lib/rebound-test/root.hints"
  do-not-query-localhost: no
'
printf '%s' "$recursive" >"$out/recursive"
printf '%s  qname-minimisation: yes\n  edns-buffer-size: 1232\n' "$recursive" >"$out/recursive_qmin"
printf '%s  do-ip4: no\n  do-ip6: yes\n  interface: ::1@5353\n' "$recursive" >"$out/ipv6_only"
printf '%sstub-zone:\n  name: "alpha.test."\n  stub-addr: 127.0.10.1\n  stub-host: ns1.alpha.test\n  stub-first: yes\n' \
  "$recursive" >"$out/stub_zone"
printf '%sforward-zone:\n  name: "beta.example."\n  forward-addr: 127.0.0.56@53\n  forward-first: no\n' \
  "$recursive" >"$out/forward_zone"
printf '%s  module-config: "dns64 iterator"\n  dns64-prefix: 64:ff9b::/96\n  dns64-prefix: 2001:db8:64::/48\n  dns64-synthall: no\n  dns64-ignore-aaaa: ignore.alpha.test\n  dns64-exclude: 2001:db8::/32\n  dns64-clients: 127.0.0.0/8\n  dns64-mapped: 5.0.0.0/8\n' \
  "$recursive" >"$out/dns64"
printf '%s  do-ip4: no\n  module-config: "dns64 iterator"\n  do-nat64: yes\n  nat64-prefix: 64:ff9b::/96\n' \
  "$recursive" >"$out/nat64"
printf '%s  rrset-cache-size: 1m\n  msg-cache-size: 512k\n  cache-max-ttl: 300\n  cache-min-ttl: 600\n  cache-max-negative-ttl: 60\n  incoming-num-tcp: 4\n  tcp-idle-timeout: 500\n  num-threads: 2\n  pidfile: "/run/rebound.pid"\n  access-control: 10.0.0.0/8 refuse\n  access-control: 192.0.2.0/24 deny\n  access-control: 2001:db8::/32 allow_snoop\n  access-control: 198.51.100.0/24 allow_setrd\n' \
  "$recursive" >"$out/limits_and_acl"
printf '%sdnstap:\n  dnstap-enable: yes\n  dnstap-socket-path: "/run/rebound/dnstap.sock"\n  dnstap-send-identity: yes\n  dnstap-identity: "ns1"\n  dnstap-log-client-query-messages: yes\n  dnstap-log-resolver-response-messages: yes\n  dnstap-tls: no\n' \
  "$recursive" >"$out/dnstap"
# Broken on purpose: each takes an error path with its file:line message.
printf 'server:\n  interface: 127.0.0.1@0\n' >"$out/bad_port"
printf 'server:\n  do-ip4: no\n  do-ip6: no\n' >"$out/no_family"
printf 'server:\n  access-control: 10.0.0.0/33 allow\n' >"$out/bad_netblock"
printf 'server:\n  num-threads: "two\n' >"$out/unterminated_quote"
printf 'forward-zone:\n  forward-addr: 127.0.0.1\n' >"$out/zone_without_name"
printf 'dnstap:\n  dnstap-enable: yes\n  dnstap-ip: 127.0.0.1@6000\n' >"$out/dnstap_ip"
printf 'server:\n  unknown-option: yes\n  prefetch: yes\nremote-control:\n  control-enable: no\n' \
  >"$out/unknown_and_unsupported"
ls "$out" | wc -l
