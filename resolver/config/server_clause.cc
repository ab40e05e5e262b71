#include "resolver/config/server_clause.h"

#include <sched.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "resolver/config/access_control_list.h"
#include "resolver/config/bootstrap_options.h"
#include "resolver/config/config_values.h"
#include "resolver/config/dns64_options.h"
#include "resolver/config/interface_addresses.h"
#include "resolver/config/local_zone_options.h"

namespace rebound::config_internal {
namespace {

// RFC 2181 8: a TTL above 2^31 - 1 is treated as zero, so larger limits mean nothing.
constexpr int64_t kMaxTtl = std::numeric_limits<int32_t>::max();

using Handler = absl::Status (*)(const ConfigLine& line, ServerState& s);

template <bool Config::*kField>
absl::Status SetYesNo(const ConfigLine& line, ServerState& s) {
  absl::StatusOr<bool> value = ParseYesNo(line.values[0]);
  if (!value.ok()) return value.status();
  s.config->*kField = *value;
  return absl::OkStatus();
}

// kField is a pointer to an integer member of Config; [kMin, kMax] must fit its type.
template <auto kField, int64_t kMin, int64_t kMax>
absl::Status SetInteger(const ConfigLine& line, ServerState& s) {
  using Field = std::remove_cvref_t<decltype(std::declval<Config&>().*kField)>;
  static_assert(kMin >= std::numeric_limits<Field>::min());
  static_assert(kMax <= std::numeric_limits<Field>::max());
  absl::StatusOr<int64_t> value = ParseInteger(line.values[0], kMin, kMax);
  if (!value.ok()) return value.status();
  s.config->*kField = static_cast<Field>(*value);
  return absl::OkStatus();
}

template <std::string Config::*kField>
absl::Status SetString(const ConfigLine& line, ServerState& s) {
  s.config->*kField = line.values[0];
  return absl::OkStatus();
}

template <size_t Config::*kField>
absl::Status SetMemorySize(const ConfigLine& line, ServerState& s) {
  absl::StatusOr<size_t> value = ParseMemorySize(line.values[0]);
  if (!value.ok()) return value.status();
  s.config->*kField = *value;
  return absl::OkStatus();
}

// A duration given in milliseconds, as unbound's timeouts are.
template <absl::Duration Config::*kField>
absl::Status SetMilliseconds(const ConfigLine& line, ServerState& s) {
  absl::StatusOr<int64_t> ms = ParseInteger(line.values[0], 0, std::numeric_limits<int32_t>::max());
  if (!ms.ok()) return ms.status();
  s.config->*kField = absl::Milliseconds(*ms);
  return absl::OkStatus();
}

// chroot: unbound confines itself to a directory; rebound does not, and a user who configured it
// must not get a resolver with less confinement than they asked for without being told.
absl::Status RefuseChroot(const ConfigLine& line, ServerState&) {
  if (line.values[0].empty()) return absl::OkStatus();  // chroot: "" turns it off in unbound too
  return absl::InvalidArgumentError(
      "not supported: rebound does not chroot; set chroot: \"\" to run without it (username: "
      "is supported and drops root after start-up)");
}

absl::Status AddInterface(const ConfigLine& line, ServerState& s) {
  // Port 0 marks "no @port": Endpoint::Parse rejects an explicit @0, so the mark is unambiguous.
  absl::StatusOr<Endpoint> endpoint = Endpoint::Parse(line.values[0], 0);
  if (endpoint.ok()) {
    s.interfaces.push_back({*endpoint, line.where});
    return absl::OkStatus();
  }
  // As unbound: an interface name ("eth0", "eth0@5353") stands for every address it has at start.
  const std::vector<std::string> parts = absl::StrSplit(line.values[0], absl::MaxSplits('@', 1));
  uint16_t port = 0;
  if (parts.size() == 2) {
    int number = 0;
    if (!absl::SimpleAtoi(parts[1], &number) || number < 1 || number > 65535) {
      return endpoint.status();
    }
    port = static_cast<uint16_t>(number);
  }
  std::optional<std::vector<Endpoint>> addresses = InterfaceAddresses(parts[0], port);
  if (!addresses.has_value()) return endpoint.status();
  if (addresses->empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("interface ", parts[0], " has no IPv4 or IPv6 address"));
  }
  for (const Endpoint& address : *addresses) {
    s.interfaces.push_back({address, line.where, /*from_name=*/true});
  }
  return absl::OkStatus();
}

absl::Status AddAccessControl(const ConfigLine& line, ServerState& s) {
  // unbound writes the rule as two values; a single quoted "netblock action" is taken too.
  std::vector<std::string> words =
      absl::StrSplit(absl::StrJoin(line.values, " "), ' ', absl::SkipEmpty());
  if (words.size() != 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected 'netblock action', got '", absl::StrJoin(line.values, " "), "'"));
  }
  absl::StatusOr<AccessAction> action = ParseAccessAction(words[1]);
  if (!action.ok()) return action.status();
  absl::Status added = s.config->acl.Add(words[0], *action);
  if (absl::IsAlreadyExists(added)) {
    line.Warn(s.warnings, added.message());
    return absl::OkStatus();
  }
  return added;
}

// interface-action: <ip address[@port]> <action>, by address (an interface name is not taken
// here: it would have to match each of its addresses).
absl::Status AddInterfaceAction(const ConfigLine& line, ServerState& s) {
  std::vector<std::string> words =
      absl::StrSplit(absl::StrJoin(line.values, " "), ' ', absl::SkipEmpty());
  if (words.size() != 2) {
    return absl::InvalidArgumentError(absl::StrCat("expected 'address[@port] action', got '",
                                                   absl::StrJoin(line.values, " "), "'"));
  }
  absl::StatusOr<Endpoint> endpoint = Endpoint::Parse(words[0], 0);
  if (!endpoint.ok()) return endpoint.status();
  absl::StatusOr<AccessAction> action = ParseAccessAction(words[1]);
  if (!action.ok()) return action.status();
  s.interface_actions.push_back({*endpoint, *action, line.where});
  return absl::OkStatus();
}

// metrics-interface: <ip address>@<port>, any number of times (rebound's own). The port is
// required: no port is the obvious one for a scraper.
absl::Status AddMetricsInterface(const ConfigLine& line, ServerState& s) {
  absl::StatusOr<Endpoint> endpoint = Endpoint::Parse(line.values[0], 0);
  if (!endpoint.ok()) return endpoint.status();
  if (endpoint->port() == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", line.values[0], "' has no port: write ADDRESS@PORT"));
  }
  std::vector<Endpoint>& metrics = s.config->metrics_interfaces;
  if (auto dup = std::find(metrics.begin(), metrics.end(), *endpoint); dup != metrics.end()) {
    return absl::InvalidArgumentError(
        absl::StrCat("duplicate metrics-interface ", endpoint->ToString(), " (first at ",
                     s.metrics_interface_wheres[dup - metrics.begin()], ")"));
  }
  metrics.push_back(*endpoint);
  s.metrics_interface_wheres.push_back(line.where);
  return absl::OkStatus();
}

// tcp-connection-limit: <IP netblock> <limit>, as in unbound.
absl::Status AddTcpConnectionLimit(const ConfigLine& line, ServerState& s) {
  std::vector<std::string> words =
      absl::StrSplit(absl::StrJoin(line.values, " "), ' ', absl::SkipEmpty());
  if (words.size() != 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected 'netblock limit', got '", absl::StrJoin(line.values, " "), "'"));
  }
  absl::StatusOr<AddressRange> netblock = AddressRange::Parse(words[0]);
  if (!netblock.ok()) return netblock.status();
  absl::StatusOr<int64_t> limit = ParseInteger(words[1], 0, std::numeric_limits<int32_t>::max());
  if (!limit.ok()) return limit.status();
  for (const TcpConnectionLimit& existing : s.config->tcp_connection_limits) {
    if (existing.netblock == *netblock) {
      line.Warn(s.warnings, absl::StrCat("duplicate tcp-connection-limit netblock ",
                                         netblock->ToString(), "; the first limit is kept"));
      return absl::OkStatus();
    }
  }
  s.config->tcp_connection_limits.push_back({*netblock, static_cast<int>(*limit)});
  return absl::OkStatus();
}

// private-address: <IP address or netblock>, any number of times, as in unbound.
absl::Status AddPrivateAddress(const ConfigLine& line, ServerState& s) {
  absl::StatusOr<AddressRange> netblock = AddressRange::Parse(line.values[0]);
  if (!netblock.ok()) return netblock.status();
  std::vector<AddressRange>& netblocks = s.config->private_addresses;
  if (std::find(netblocks.begin(), netblocks.end(), *netblock) != netblocks.end()) {
    line.Warn(s.warnings, absl::StrCat("duplicate private-address ", netblock->ToString()));
    return absl::OkStatus();
  }
  netblocks.push_back(*netblock);
  return absl::OkStatus();
}

// private-domain: <name>, any number of times: the name and everything below it may hold
// private addresses.
absl::Status AddPrivateDomain(const ConfigLine& line, ServerState& s) {
  absl::StatusOr<std::string> name = NormalizeDomainName(line.values[0]);
  if (!name.ok()) return name.status();
  std::vector<std::string>& names = s.config->private_domains;
  if (std::find(names.begin(), names.end(), *name) != names.end()) {
    line.Warn(s.warnings, absl::StrCat("duplicate private-domain ", *name));
    return absl::OkStatus();
  }
  names.push_back(*std::move(name));
  return absl::OkStatus();
}

struct ServerOption {
  absl::string_view name;
  size_t max_values;
  Handler handler;
};

// Sorted by name for binary search.
constexpr ServerOption kServerOptions[] = {
    {"access-control", 2, &AddAccessControl},
    {"bootstrap", 1, &SetBootstrapMode},
    {"bootstrap-ca-file", 1, &SetBootstrapCaFile},
    {"bootstrap-max-ttl", 1, &SetBootstrapMaxTtl},
    // A relay line: five words, or one quoted value holding them. Up to 8 values are taken so
    // that a line with extra fields gets the relay parser's message, which counts them.
    {"bootstrap-relay", 8, &AddBootstrapRelay},
    {"bootstrap-relays-replace", 1, &SetBootstrapRelaysReplace},
    {"bootstrap-state-file", 1, &SetBootstrapStateFile},
    {"cache-file", 1, &SetString<&Config::cache_file>},
    {"cache-max-negative-ttl", 1, &SetInteger<&Config::cache_max_negative_ttl, 0, kMaxTtl>},
    {"cache-max-ttl", 1, &SetInteger<&Config::cache_max_ttl, 0, kMaxTtl>},
    {"cache-min-ttl", 1, &SetInteger<&Config::cache_min_ttl, 0, kMaxTtl>},
    {"chroot", 1, &RefuseChroot},
    {"directory", 1, &SetString<&Config::directory>},
    {"dns64-clients", 1, &AddDns64Client},
    {"dns64-exclude", 1, &AddDns64Exclude},
    {"dns64-ignore-aaaa", 1, &AddDns64IgnoreAaaa},
    {"dns64-mapped", 1, &AddDns64Mapped},
    {"dns64-prefix", 1, &AddDns64Prefix},
    {"dns64-synthall", 1, &SetDns64Synthall},
    {"do-ip4", 1, &SetYesNo<&Config::do_ip4>},
    {"do-ip6", 1, &SetYesNo<&Config::do_ip6>},
    {"do-nat64", 1, &SetDoNat64},
    {"do-not-query-localhost", 1, &SetYesNo<&Config::do_not_query_localhost>},
    {"do-tcp", 1, &SetYesNo<&Config::do_tcp>},
    {"do-udp", 1, &SetYesNo<&Config::do_udp>},
    // RFC 6891 6.2.5: values below 512 are treated as 512, so we refuse them instead.
    {"edns-buffer-size", 1, &SetInteger<&Config::edns_buffer_size, 512, 65535>},
    {"extended-statistics", 1, &SetYesNo<&Config::extended_statistics>},
    {"harden-glue", 1, &SetYesNo<&Config::harden_glue>},
    {"https-port", 1, &SetInteger<&Config::https_port, 1, 65535>},
    {"incoming-num-tcp", 1, &SetInteger<&Config::incoming_num_tcp, 0, 65535>},
    {"interface", 1, &AddInterface},
    {"interface-action", 2, &AddInterfaceAction},
    {"ip-address", 1, &AddInterface},  // unbound's older name for interface:
    {"jostle-timeout", 1, &SetMilliseconds<&Config::jostle_timeout>},
    // A record: unbound wants it quoted, but unquoted words are joined.
    {"local-data", 16, &AddLocalData},
    {"local-data-ptr", 4, &AddLocalDataPtr},
    {"local-zone", 2, &AddLocalZone},
    {"log-queries", 1, &SetYesNo<&Config::log_queries>},
    {"log-replies", 1, &SetYesNo<&Config::log_replies>},
    {"log-servfail", 1, &SetYesNo<&Config::log_servfail>},
    {"logfile", 1, &SetString<&Config::logfile>},
    {"metrics-interface", 1, &AddMetricsInterface},
    // A module list: unbound wants it quoted, but unquoted words are taken too.
    {"module-config", 8, &SetModuleConfig},
    {"msg-cache-size", 1, &SetMemorySize<&Config::msg_cache_size>},
    {"nat64-prefix", 1, &SetNat64Prefix},
    {"num-queries-per-client", 1, &SetInteger<&Config::num_queries_per_client, 0, 1 << 20>},
    {"num-queries-per-thread", 1, &SetInteger<&Config::num_queries_per_thread, 1, 1 << 20>},
    {"num-threads", 1, &SetInteger<&Config::num_threads, 1, 1024>},
    {"outgoing-range", 1, &SetInteger<&Config::outgoing_range, 1, 65536>},
    {"pidfile", 1, &SetString<&Config::pidfile>},
    {"port", 1, &SetInteger<&Config::port, 1, 65535>},
    {"prefer-ip6", 1, &SetYesNo<&Config::prefer_ip6>},
    {"prefetch", 1, &SetYesNo<&Config::prefetch>},
    {"private-address", 1, &AddPrivateAddress},
    {"private-domain", 1, &AddPrivateDomain},
    {"qname-minimisation", 1, &SetYesNo<&Config::qname_minimisation>},
    {"root-hints", 1, &SetString<&Config::root_hints>},
    {"rrset-cache-size", 1, &SetMemorySize<&Config::rrset_cache_size>},
    {"serve-expired", 1, &SetYesNo<&Config::serve_expired>},
    {"serve-expired-client-timeout", 1, &SetMilliseconds<&Config::serve_expired_client_timeout>},
    {"serve-expired-reply-ttl", 1, &SetInteger<&Config::serve_expired_reply_ttl, 0, kMaxTtl>},
    {"serve-expired-ttl", 1, &SetInteger<&Config::serve_expired_ttl, 0, kMaxTtl>},
    {"serve-expired-ttl-reset", 1, &SetYesNo<&Config::serve_expired_ttl_reset>},
    {"so-rcvbuf", 1, &SetMemorySize<&Config::so_rcvbuf>},
    {"so-reuseport", 1, &SetYesNo<&Config::so_reuseport>},
    {"so-sndbuf", 1, &SetMemorySize<&Config::so_sndbuf>},
    {"statistics-cumulative", 1, &SetYesNo<&Config::statistics_cumulative>},
    {"tcp-connection-limit", 2, &AddTcpConnectionLimit},
    {"tcp-idle-timeout", 1, &SetMilliseconds<&Config::tcp_idle_timeout>},
    {"tls-additional-port", 1, &AddTlsAdditionalPort},
    {"tls-cert-bundle", 1, &SetString<&Config::tls_cert_bundle>},
    {"tls-port", 1, &SetInteger<&Config::tls_port, 1, 65535>},
    {"tls-service-key", 1, &SetString<&Config::tls_service_key>},
    {"tls-service-pem", 1, &SetString<&Config::tls_service_pem>},
    {"tls-system-cert", 1, &SetYesNo<&Config::tls_system_cert>},
    {"tls-upstream", 1, &SetYesNo<&Config::tls_upstream>},
    {"unblock-lan-zones", 1, &SetUnblockLanZones},
    {"use-caps-for-id", 1, &SetYesNo<&Config::use_caps_for_id>},
    {"use-syslog", 1, &SetYesNo<&Config::use_syslog>},
    {"username", 1, &SetString<&Config::username>},
    {"verbosity", 1, &SetInteger<&Config::verbosity, 0, 5>},
};
static_assert(std::ranges::is_sorted(kServerOptions, {}, &ServerOption::name));

// unbound's older names, which it still takes with the same meaning: a line that uses one is
// applied, and recorded for later checks, under the current name.
constexpr std::pair<absl::string_view, absl::string_view> kAliases[] = {
    {"ssl-cert-bundle", "tls-cert-bundle"},
    {"ssl-port", "tls-port"},
    {"ssl-service-key", "tls-service-key"},
    {"ssl-service-pem", "tls-service-pem"},
    {"ssl-upstream", "tls-upstream"},
    // unbound's Windows name for tls-system-cert, which it says is the same setting.
    {"tls-win-cert", "tls-system-cert"},
};

absl::string_view CurrentName(absl::string_view key) {
  for (const auto& [alias, name] : kAliases) {
    if (key == alias) return name;
  }
  return key;
}

const ServerOption* FindServerOption(absl::string_view key) {
  key = CurrentName(key);
  const auto* it = std::ranges::lower_bound(kServerOptions, key, {}, &ServerOption::name);
  if (it == std::end(kServerOptions) || it->name != key) return nullptr;
  return it;
}

// The later of two options that were both set, for an error about the pair.
const std::string& LaterOf(const ServerState& s, const std::string& a, const std::string& b) {
  const auto& first = s.last_set.at(a);
  const auto& second = s.last_set.at(b);
  return first.first > second.first ? first.second : second.second;
}

}  // namespace

ServerClause::ServerClause(Config* config, std::vector<std::string>* warnings) {
  state_.config = config;
  state_.warnings = warnings;
}

bool ServerClause::Handles(absl::string_view key) { return FindServerOption(key) != nullptr; }

absl::Status ServerClause::Apply(const ConfigLine& line) {
  const ServerOption* option = FindServerOption(line.key);
  if (option == nullptr) return line.Error(absl::StrCat("unknown option '", line.key, "'"));
  if (line.values.empty()) return line.Error(absl::StrCat("missing value for '", line.key, "'"));
  if (line.values.size() > option->max_values) {
    return line.Error(
        absl::StrCat("too many values for '", line.key, "' (quote a value that contains blanks)"));
  }
  absl::Status status = option->handler(line, state_);
  if (!status.ok()) return line.Error(absl::StrCat(line.key, ": ", status.message()));
  state_.last_set[std::string(CurrentName(line.key))] = {++state_.sequence, line.where};
  return absl::OkStatus();
}

absl::Status ServerClause::Finish() {
  Config& c = *state_.config;
  auto error_at = [](const std::string& where, absl::string_view message) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": ", message));
  };
  // Both flags of a pair can only be "no" if the file set both, so both have a location.
  if (!c.do_ip4 && !c.do_ip6) {
    return error_at(LaterOf(state_, "do-ip4", "do-ip6"),
                    "do-ip4 and do-ip6 are both no: no address family left to use");
  }
  if (!c.do_udp && !c.do_tcp) {
    return error_at(LaterOf(state_, "do-udp", "do-tcp"),
                    "do-udp and do-tcp are both no: no transport left to use");
  }
  if (c.cache_min_ttl > c.cache_max_ttl && state_.warnings != nullptr) {
    auto it = state_.last_set.find("cache-min-ttl");
    state_.warnings->push_back(absl::StrCat(it->second.second, ": cache-min-ttl ", c.cache_min_ttl,
                                            " is above cache-max-ttl ", c.cache_max_ttl,
                                            "; cache-max-ttl wins"));
  }
  FinishDns64(state_);
  if (absl::Status s = FinishBootstrap(state_); !s.ok()) return s;
  if (absl::Status s = SettleInterfaces(); !s.ok()) return s;
  if (absl::Status s = SettleInterfaceActions(); !s.ok()) return s;
  if (absl::Status s = CheckMetricsInterfaces(); !s.ok()) return s;
  if (absl::Status s = FinishLocalZones(state_); !s.ok()) return s;
  return FinishTlsService(state_);
}

absl::Status ServerClause::SettleInterfaces() {
  Config& c = *state_.config;
  auto error_at = [](const std::string& where, absl::string_view message) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": ", message));
  };
  c.interfaces.clear();
  if (state_.interfaces.empty()) {
    for (const Endpoint& e : DefaultInterfaces(c.port)) {
      if (e.is_v6() ? c.do_ip6 : c.do_ip4) c.interfaces.push_back(e);
    }
    return absl::OkStatus();
  }
  std::vector<std::string> wheres;
  for (ServerState::PendingInterface& pending : state_.interfaces) {
    Endpoint& e = pending.endpoint;
    if (e.port() == 0) e.set_port(c.port);
    if (pending.from_name && (e.is_v6() ? !c.do_ip6 : !c.do_ip4)) continue;
    if (e.is_v6() && !c.do_ip6) {
      return error_at(pending.where,
                      absl::StrCat("interface ", e.AddressString(), " is IPv6 but do-ip6 is no"));
    }
    if (!e.is_v6() && !c.do_ip4) {
      return error_at(pending.where,
                      absl::StrCat("interface ", e.AddressString(), " is IPv4 but do-ip4 is no"));
    }
    auto dup = std::find(c.interfaces.begin(), c.interfaces.end(), e);
    if (dup != c.interfaces.end()) {
      return error_at(pending.where,
                      absl::StrCat("duplicate interface ", e.ToString(), " (first at ",
                                   wheres[dup - c.interfaces.begin()], ")"));
    }
    c.interfaces.push_back(e);
    wheres.push_back(pending.where);
  }
  return absl::OkStatus();
}

absl::Status ServerClause::SettleInterfaceActions() {
  Config& c = *state_.config;
  for (ServerState::PendingInterfaceAction& pending : state_.interface_actions) {
    Endpoint& e = pending.endpoint;
    if (e.port() == 0) e.set_port(c.port);
    if (std::find(c.interfaces.begin(), c.interfaces.end(), e) == c.interfaces.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat(pending.where, ": interface-action for ", e.ToString(),
                       ", which is not an interface: (unbound needs it configured first)"));
    }
    absl::Status added = c.acl.AddInterfaceAction(e, pending.action);
    if (absl::IsAlreadyExists(added) && state_.warnings != nullptr) {
      state_.warnings->push_back(absl::StrCat(pending.where, ": ", added.message()));
    }
  }
  return absl::OkStatus();
}

absl::Status ServerClause::CheckMetricsInterfaces() const {
  const Config& c = *state_.config;
  for (size_t i = 0; i < c.metrics_interfaces.size(); ++i) {
    const Endpoint& metrics = c.metrics_interfaces[i];
    if (std::find(c.interfaces.begin(), c.interfaces.end(), metrics) != c.interfaces.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          state_.metrics_interface_wheres[i], ": metrics-interface ", metrics.ToString(),
          " is also an interface: for DNS; give it a port of its own"));
    }
  }
  return absl::OkStatus();
}

}  // namespace rebound::config_internal

namespace rebound {

int DefaultNumThreads() {
  // The CPUs the process may run on (taskset, cgroup cpusets), not every CPU of the machine.
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  int count = sched_getaffinity(0, sizeof cpus, &cpus) == 0 ? CPU_COUNT(&cpus) : 0;
  if (count <= 0) count = static_cast<int>(std::thread::hardware_concurrency());
  return std::clamp(count, 1, 1024);
}

}  // namespace rebound
