#include "resolver/config/bootstrap_options.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "bootstrap/relay.h"
#include "resolver/config/config_values.h"

namespace rebound::config_internal {
namespace {

// RFC 2181 8: a TTL above 2^31 - 1 is treated as zero, so larger limits mean nothing.
constexpr int64_t kMaxTtl = std::numeric_limits<int32_t>::max();

// The options that bootstrap: no makes pointless (bootstrap-relay is warned about separately,
// once, since it may be repeated).
constexpr absl::string_view kRelayOnlyOptions[] = {
    "bootstrap-relay",      "bootstrap-relays-replace", "bootstrap-ca-file",
    "bootstrap-state-file", "bootstrap-max-ttl",
};

// Where an option was last set, or empty.
std::string WhereSet(const ServerState& s, absl::string_view name) {
  auto it = s.last_set.find(name);
  return it == s.last_set.end() ? "" : it->second.second;
}

// The later of the places two options were set, either of which may be unset.
std::string LaterSet(const ServerState& s, absl::string_view a, absl::string_view b) {
  auto first = s.last_set.find(a);
  auto second = s.last_set.find(b);
  if (first == s.last_set.end()) return second == s.last_set.end() ? "" : second->second.second;
  if (second == s.last_set.end()) return first->second.second;
  return first->second.first > second->second.first ? first->second.second : second->second.second;
}

void Warn(ServerState& s, const std::string& where, absl::string_view message) {
  if (s.warnings != nullptr) s.warnings->push_back(absl::StrCat(where, ": ", message));
}

}  // namespace

absl::Status SetBootstrapMode(const ConfigLine& line, ServerState& s) {
  const std::string& value = line.values[0];
  if (value == "yes") {
    s.config->bootstrap.mode = BootstrapMode::kYes;
  } else if (value == "no") {
    s.config->bootstrap.mode = BootstrapMode::kNo;
  } else if (value == "only") {
    s.config->bootstrap.mode = BootstrapMode::kOnly;
  } else {
    return absl::InvalidArgumentError(absl::StrCat("expected yes, no or only, got '", value, "'"));
  }
  return absl::OkStatus();
}

absl::Status AddBootstrapRelay(const ConfigLine& line, ServerState& s) {
  // Unquoted, the five fields arrive as five values; quoted, as one. Both mean the same line.
  absl::StatusOr<Relay> relay = ParseRelayLine(absl::StrJoin(line.values, " "));
  if (!relay.ok()) return relay.status();
  for (const ServerState::PendingRelay& pending : s.bootstrap_relays) {
    if (pending.relay == *relay) {
      line.Warn(s.warnings, absl::StrCat("duplicate bootstrap-relay ", relay->ToString(),
                                         " (first at ", pending.where, ")"));
      return absl::OkStatus();
    }
  }
  s.bootstrap_relays.push_back({*std::move(relay), line.where});
  return absl::OkStatus();
}

absl::Status SetBootstrapRelaysReplace(const ConfigLine& line, ServerState& s) {
  absl::StatusOr<bool> value = ParseYesNo(line.values[0]);
  if (!value.ok()) return value.status();
  s.bootstrap_relays_replace = *value;
  return absl::OkStatus();
}

absl::Status SetBootstrapCaFile(const ConfigLine& line, ServerState& s) {
  s.config->bootstrap.ca_file = line.values[0];
  return absl::OkStatus();
}

absl::Status SetBootstrapStateFile(const ConfigLine& line, ServerState& s) {
  s.config->bootstrap.state_file = line.values[0];
  return absl::OkStatus();
}

absl::Status SetBootstrapMaxTtl(const ConfigLine& line, ServerState& s) {
  absl::StatusOr<int64_t> value = ParseInteger(line.values[0], 0, kMaxTtl);
  if (!value.ok()) return value.status();
  s.config->bootstrap.max_ttl = static_cast<uint32_t>(*value);
  return absl::OkStatus();
}

absl::Status FinishBootstrap(ServerState& s) {
  BootstrapConfig& b = s.config->bootstrap;
  std::vector<Relay> relays;
  if (!s.bootstrap_relays_replace) relays = BuiltInRelays();
  for (ServerState::PendingRelay& pending : s.bootstrap_relays) {
    if (std::find(relays.begin(), relays.end(), pending.relay) != relays.end()) {
      Warn(s, pending.where,
           absl::StrCat("bootstrap-relay ", pending.relay.ToString(),
                        " is a built-in relay already"));
      continue;
    }
    relays.push_back(std::move(pending.relay));
  }
  s.bootstrap_relays.clear();
  b.relays = std::move(relays);

  if (b.mode == BootstrapMode::kNo) {
    for (absl::string_view name : kRelayOnlyOptions) {
      const std::string where = WhereSet(s, name);
      if (!where.empty()) Warn(s, where, absl::StrCat(name, " has no effect with bootstrap: no"));
    }
    return absl::OkStatus();
  }
  if (b.relays.empty()) {
    // Only bootstrap-relays-replace can empty the list, so it has a location.
    return absl::InvalidArgumentError(absl::StrCat(
        WhereSet(s, "bootstrap-relays-replace"),
        ": bootstrap-relays-replace: yes leaves no bootstrap relay; add bootstrap-relay: lines "
        "or set bootstrap: no"));
  }
  return absl::OkStatus();
}

absl::Status AddTlsAdditionalPort(const ConfigLine& line, ServerState& s) {
  absl::StatusOr<int64_t> port = ParseInteger(line.values[0], 1, 65535);
  if (!port.ok()) return port.status();
  std::vector<uint16_t>& ports = s.config->tls_additional_ports;
  if (std::find(ports.begin(), ports.end(), *port) != ports.end()) {
    line.Warn(s.warnings, absl::StrCat("duplicate tls-additional-port ", *port));
    return absl::OkStatus();
  }
  ports.push_back(static_cast<uint16_t>(*port));
  return absl::OkStatus();
}

namespace {

// "https-port 443", "tls-port 853" or "tls-additional-port 8853": the option that makes an
// interface on `port` serve DNS over HTTPS or DNS over TLS, for messages.
std::string ServiceOption(const Config& c, uint16_t port) {
  if (port == c.https_port) return absl::StrCat("https-port ", port);
  if (port == c.tls_port) return absl::StrCat("tls-port ", port);
  return absl::StrCat("tls-additional-port ", port);
}

// Where a default interface (no interface: line) was put on `port`: by port: or by the option
// that names the port, whichever came later.
std::string DefaultInterfaceWhere(const ServerState& s, uint16_t port) {
  const Config& c = *s.config;
  if (port == c.https_port) return LaterSet(s, "port", "https-port");
  if (port == c.tls_port) return LaterSet(s, "port", "tls-port");
  return LaterSet(s, "port", "tls-additional-port");
}

}  // namespace

absl::Status FinishTlsService(ServerState& s) {
  const Config& c = *s.config;
  const bool have_key = !c.tls_service_key.empty();
  const bool have_pem = !c.tls_service_pem.empty();
  if (have_key != have_pem) {
    return absl::InvalidArgumentError(
        absl::StrCat(WhereSet(s, have_key ? "tls-service-key" : "tls-service-pem"), ": ",
                     have_key ? "tls-service-key" : "tls-service-pem", " is given without ",
                     have_key ? "tls-service-pem" : "tls-service-key",
                     "; DNS over TLS and DNS over HTTPS need both the key and the certificate"));
  }
  bool serves_tls = false;
  for (size_t i = 0; i < c.interfaces.size(); ++i) {
    const uint16_t port = c.interfaces[i].port();
    const bool https = port == c.https_port;
    if (!https && !c.ServesDnsOverTls(port)) continue;
    serves_tls = true;
    if (have_key) continue;
    // With interface: lines the two lists match index for index; without, the defaults are on
    // this port only because port: or the service's port option said so.
    const std::string where =
        s.interfaces.empty() ? DefaultInterfaceWhere(s, port) : s.interfaces[i].where;
    return absl::InvalidArgumentError(absl::StrCat(
        where, ": interface ", c.interfaces[i].ToString(), " is on ", ServiceOption(c, port),
        " and so serves ", https ? "DNS over HTTPS" : "DNS over TLS",
        ", which needs tls-service-key: and tls-service-pem:"));
  }
  if (have_key && !serves_tls) {
    Warn(s, LaterSet(s, "tls-service-key", "tls-service-pem"),
         absl::StrCat("tls-service-key and tls-service-pem have no effect: no interface is on "
                      "https-port ",
                      c.https_port, " or tls-port ", c.tls_port,
                      c.tls_additional_ports.empty() ? "" : " or a tls-additional-port"));
  }
  return absl::OkStatus();
}

}  // namespace rebound::config_internal
