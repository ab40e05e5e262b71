// The typed configuration rebound runs with, and the functions that read it from an
// unbound.conf-style file. Field names follow the option names (interface: -> interfaces).
#ifndef REBOUND_RESOLVER_CONFIG_CONFIG_H_
#define REBOUND_RESOLVER_CONFIG_CONFIG_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "bootstrap/bootstrap_mode.h"
#include "bootstrap/relay.h"
#include "dns64/address_range.h"
#include "dns64/nat64_prefix.h"
#include "resolver/config/access_control_list.h"
#include "resolver/config/remote_control_clause.h"
#include "resolver/core/endpoint.h"
#include "resolver/local/local_zones.h"

namespace rebound {

inline constexpr uint16_t kDefaultDnsPort = 53;

// The dnstap: clause (unbound.conf(5)): which DNS messages are logged, and where to.
struct DnstapConfig {
  bool enable = false;           // dnstap-enable
  std::string socket_path = {};  // dnstap-socket-path: a Frame Streams collector's unix socket
  // dnstap-ip: a collector at this address, over TCP (dnstap-tls: no), in place of the socket.
  std::optional<Endpoint> ip = {};
  bool tls = true;  // dnstap-tls: TLS to dnstap-ip, unbound's default (refused: not implemented)
  bool send_identity = false;
  bool send_version = false;
  std::string identity = {};  // dnstap-identity; empty: the host name
  std::string version = {};   // dnstap-version; empty: "rebound VERSION"
  bool log_resolver_query = false;
  bool log_resolver_response = false;
  bool log_client_query = false;
  bool log_client_response = false;
  bool log_forwarder_query = false;
  bool log_forwarder_response = false;
  bool operator==(const DnstapConfig&) const = default;
};

// forward-zone: queries at or below `name` go to `addrs` with RD set instead of being iterated.
struct ForwardZone {
  std::string name;  // lowercase, absolute: "example.com.", "." for the root
  std::vector<Endpoint> addrs;
  // forward-host names, normalized; their addresses are resolved from the root when first
  // needed (never through this forward-zone, which would need them already).
  std::vector<std::string> hosts;
  bool forward_first = false;  // on failure, fall back to iterating
  // forward-bootstrap: the bootstrap relays may answer names under it (RelayScope). Off by
  // default: the user chose where these names go.
  bool forward_bootstrap = false;
  // forward-tls-upstream, or tls-upstream in server: the servers are asked over DNS over TLS
  // (RFC 7858) only, never in plaintext; a forward-addr without @port is then on port 853.
  bool tls_upstream = false;
  // forward-addr's "#name" (lowercase, no final dot): the name the server's certificate must
  // carry. Either empty (no forward-addr gave one) or one entry per addrs, "" for an address
  // without a name, whose certificate must then carry that IP address (RFC 8310 8.1).
  std::vector<std::string> tls_names;

  // The name to verify addrs[i]'s certificate against: its #name, else its address.
  std::string TlsNameOf(size_t i) const {
    return i < tls_names.size() && !tls_names[i].empty() ? tls_names[i] : addrs[i].AddressString();
  }
  bool operator==(const ForwardZone&) const = default;
};

// stub-zone: iteration for `name` starts at these servers instead of the delegation.
struct StubZone {
  std::string name;                // normalized as ForwardZone::name
  std::vector<Endpoint> addrs;     // stub-addr
  std::vector<std::string> hosts;  // stub-host names, normalized; resolved at run time
  bool stub_first = false;         // on failure, fall back to the ordinary delegation
  bool stub_prime = false;         // ask the servers for the zone's NS set first
  bool stub_bootstrap = false;     // as ForwardZone::forward_bootstrap
  bool operator==(const StubZone&) const = default;
};

// ::ffff:0:0/96, the IPv4-mapped addresses: an AAAA record holding one is not a usable IPv6
// address, so by default it does not count as an AAAA answer (RFC 6147 5.1.4).
std::vector<AddressRange> DefaultDns64Exclude();

// DNS64 (RFC 6147) and NAT64 options. Parsed and checked here; the stage that synthesizes AAAA
// records from them comes later. The defaults below hold whether or not DNS64 is enabled, so a
// default-constructed Dns64Config is what a file without these options yields.
struct Dns64Config {
  bool enabled = false;  // module-config: "dns64 iterator"
  // dns64-prefix, each a valid RFC 6052 prefix; unlike unbound, several may be given.
  std::vector<Nat64Prefix> prefixes = {Nat64Prefix::WellKnown()};
  bool synthall = false;                 // dns64-synthall: synthesize even when AAAA exists
  std::vector<std::string> ignore_aaaa;  // dns64-ignore-aaaa names, normalized as ForwardZone::name
  // dns64-exclude: AAAA addresses in these IPv6 ranges count as no AAAA (RFC 6147 5.1.4).
  std::vector<AddressRange> exclude = DefaultDns64Exclude();
  std::vector<AddressRange> clients;  // dns64-clients: who gets synthesis; empty: everyone
  std::vector<AddressRange> mapped;   // dns64-mapped: IPv4 ranges to embed; empty: all of them
  bool do_nat64 = false;              // do-nat64: reach IPv4-only servers through NAT64
  std::optional<Nat64Prefix> nat64_prefix;  // nat64-prefix; nullopt: prefixes.front()

  // The prefix do-nat64 uses: nat64-prefix, else the first dns64-prefix (as in unbound).
  const Nat64Prefix& Nat64PrefixToUse() const {
    return nat64_prefix.has_value() ? *nat64_prefix : prefixes.front();
  }

  bool operator==(const Dns64Config&) const = default;
};

// The bootstrap fallback: relays spoken to over HTTPS when ordinary DNS cannot be reached.
// A default-constructed BootstrapConfig is what a file without these options yields.
struct BootstrapConfig {
  BootstrapMode mode = BootstrapMode::kYes;  // bootstrap: yes|no|only
  // The built-in relays (bootstrap/relays.list) followed by the bootstrap-relay: lines, or only
  // the latter with bootstrap-relays-replace: yes. Never empty unless mode is kNo.
  std::vector<Relay> relays = BuiltInRelays();
  std::string ca_file = {};     // bootstrap-ca-file; empty: the system's CA store
  std::string state_file = {};  // bootstrap-state-file; empty: nothing is persisted
  uint32_t max_ttl = 300;       // bootstrap-max-ttl: cap on the TTL of every relay answer
  bool operator==(const BootstrapConfig&) const = default;
};

// tcp-connection-limit, as in unbound: at most `limit` simultaneous TCP connections (DNS over
// TCP and HTTPS together) from all of `netblock`; 0 refuses every one. The longest netblock
// covering a client applies.
struct TcpConnectionLimit {
  AddressRange netblock;
  int limit = 0;
  bool operator==(const TcpConnectionLimit&) const = default;
};

// 127.0.0.1 and ::1 on `port`: where unbound listens when no interface: is given.
std::vector<Endpoint> DefaultInterfaces(uint16_t port);

// num-threads' default: one thread per CPU this process may run on (unbound's default is 1; a
// resolver that serves a LAN from a small box should use all of it). At most 1024.
int DefaultNumThreads();

// Defaults are unbound's, except incoming_num_tcp and num_threads. A default-constructed Config is
// what an empty config file yields.
struct Config {
  // server: clause. Every interface carries its port (interface@port, else port:).
  std::vector<Endpoint> interfaces = DefaultInterfaces(kDefaultDnsPort);
  uint16_t port = kDefaultDnsPort;
  AccessControlList acl;
  // metrics-interface (rebound's own): where the Prometheus /metrics page is served over plain
  // HTTP, to the clients `acl` allows. None by default.
  std::vector<Endpoint> metrics_interfaces;
  int num_threads = DefaultNumThreads();
  bool do_ip4 = true;
  bool do_ip6 = true;
  bool prefer_ip6 = false;
  bool do_udp = true;
  bool do_tcp = true;
  std::string root_hints;  // empty: the compiled-in root hints
  uint32_t cache_max_ttl = 86400;
  uint32_t cache_min_ttl = 0;
  uint32_t cache_max_negative_ttl = 3600;
  // serve-expired (RFC 8767), with unbound's meaning; rebound.conf(5) says where the defaults
  // differ from unbound's and why. serve-expired-ttl 0: expired data is kept with no limit.
  bool serve_expired = false;
  uint32_t serve_expired_ttl = 86400;     // RFC 8767 5: one to three days; unbound: 0
  uint32_t serve_expired_reply_ttl = 30;  // RFC 8767 4
  bool serve_expired_ttl_reset = false;
  absl::Duration serve_expired_client_timeout = absl::Milliseconds(1800);  // RFC 8767 5; unbound: 0
  // prefetch: the cache refreshes an entry asked for in the last tenth of its TTL.
  bool prefetch = false;
  size_t msg_cache_size = size_t{4} << 20;
  size_t rrset_cache_size = size_t{4} << 20;
  uint16_t edns_buffer_size = 1232;  // the DNS Flag Day 2020 value
  int verbosity = 1;
  std::string logfile;  // empty: stderr
  // use-syslog: the log goes to syslog (facility daemon) instead of logfile, as in unbound. Off
  // by default, unlike unbound's: stderr reaches the journal under systemd, and tests read it.
  bool use_syslog = false;
  // log-queries, log-replies, log-servfail: unbound's per-query lines (query_log.h).
  bool log_queries = false;
  bool log_replies = false;
  bool log_servfail = false;
  // extended-statistics: rebound-control's stats adds unbound's extended figures;
  // statistics-cumulative: stats does not reset the counters.
  bool extended_statistics = false;
  bool statistics_cumulative = false;
  bool do_not_query_localhost = true;
  bool qname_minimisation = true;  // RFC 9156
  bool harden_glue = true;         // glue only from within the referring zone, as unbound
  bool use_caps_for_id = true;     // 0x20; unbound's default is no, see rebound.conf(5)
  // private-address and private-domain, as in unbound: A and AAAA records from upstream whose
  // address is in one of these netblocks are removed unless their owner is at or below one of
  // these names (normalized as ForwardZone::name). No private addresses by default.
  std::vector<AddressRange> private_addresses;
  std::vector<std::string> private_domains;
  absl::Duration tcp_idle_timeout = absl::Milliseconds(30000);
  int incoming_num_tcp = 100;  // per thread
  // The work a thread takes on, as in unbound: requests at once (num-queries-per-thread), after
  // how long one may be dropped to make room (jostle-timeout), and upstream sockets at once
  // (outgoing-range; unbound's default when built with libevent, as Debian's is).
  int num_queries_per_thread = 1024;
  absl::Duration jostle_timeout = absl::Milliseconds(200);
  int outgoing_range = 4096;
  // rebound's own: at most this many of a thread's requests from one client address (0: no
  // limit), so that one address cannot take the whole of num-queries-per-thread.
  int num_queries_per_client = 256;
  std::vector<TcpConnectionLimit> tcp_connection_limits;
  bool so_reuseport = true;
  // unbound's so-rcvbuf and so-sndbuf: the buffer sizes asked for the UDP listening sockets
  // (0: the system's default), so a burst of queries is not dropped at a full buffer.
  size_t so_rcvbuf = 0;
  size_t so_sndbuf = 0;
  std::string pidfile;  // empty: no pid file
  // cache-file: rebound's own: where the RRset and negative caches are written at a clean stop
  // and read back at start (resolver/cache/cache_file.h); empty: they are not kept.
  std::string cache_file;
  // username: the account rebound runs as once its sockets are bound and its files open, as
  // unbound's; empty: it keeps the one it was started as.
  std::string username;
  std::string
      directory;  // directory: the working directory, for relative file names; empty: as started
  // As in unbound: an interface whose port is https_port serves DNS over HTTPS (RFC 8484) with
  // this key and certificate chain (PEM files); rebound then acts as a bootstrap relay. One whose
  // port is tls_port or a tls-additional-port serves DNS over TLS (RFC 7858) with the same files.
  // https_port wins over the TLS ports when they are the same.
  uint16_t https_port = 443;
  uint16_t tls_port = 853;
  std::vector<uint16_t> tls_additional_ports;
  std::string tls_service_key;
  std::string tls_service_pem;
  // DNS over TLS to upstream servers (forward-tls-upstream). tls-upstream: yes makes every
  // forward-zone TLS. Certificates are verified against tls-cert-bundle (PEM) and, when it is
  // empty or tls-system-cert is yes, the system's CA store.
  bool tls_upstream = false;
  std::string tls_cert_bundle;
  bool tls_system_cert = false;
  Dns64Config dns64;
  BootstrapConfig bootstrap;
  // local-zone, local-data, local-data-ptr, unblock-lan-zones; the default zones are added when
  // LocalZones is built from it.
  LocalZonesConfig local_zones;

  std::vector<ForwardZone> forward_zones;
  std::vector<StubZone> stub_zones;
  DnstapConfig dnstap = {};  // dnstap: clause

  // Whether an interface on `port` serves DNS over TLS (and nothing else).
  bool ServesDnsOverTls(uint16_t port) const {
    if (port == https_port) return false;
    return port == tls_port || std::find(tls_additional_ports.begin(), tls_additional_ports.end(),
                                         port) != tls_additional_ports.end();
  }

  // Whether any forward-zone is asked over TLS.
  bool UsesTlsUpstream() const {
    return std::any_of(forward_zones.begin(), forward_zones.end(),
                       [](const ForwardZone& zone) { return zone.tls_upstream; });
  }

  bool operator==(const Config&) const = default;
  // remote-control: clause.
  RemoteControlConfig remote_control;
};

Config DefaultConfig();

// Reads and checks a config file. Errors read "file:line: what is wrong"; options unbound knows
// but rebound does not implement are skipped with a "file:line: not supported: NAME" warning
// appended to `warnings` (which may be null), unless doing without them would weaken security,
// privacy or answers: those are errors (refused_options.h).
absl::StatusOr<Config> LoadConfigFile(const std::string& path, std::vector<std::string>* warnings);

// As LoadConfigFile, for text already in memory. `filename` is used in messages, and relative
// include: paths are taken from its directory.
absl::StatusOr<Config> ParseConfigText(absl::string_view text, const std::string& filename,
                                       std::vector<std::string>* warnings);

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CONFIG_CONFIG_H_
