#include "resolver/config/dnstap_clause.h"

#include <algorithm>
#include <array>

#include "absl/strings/str_cat.h"
#include "resolver/config/config_values.h"

namespace rebound::config_internal {
namespace {

using YesNoField = bool DnstapConfig::*;

struct YesNoOption {
  absl::string_view name;
  YesNoField field;
};

constexpr auto kYesNoOptions = std::to_array<YesNoOption>({
    {"dnstap-enable", &DnstapConfig::enable},
    {"dnstap-send-identity", &DnstapConfig::send_identity},
    {"dnstap-send-version", &DnstapConfig::send_version},
    {"dnstap-log-resolver-query-messages", &DnstapConfig::log_resolver_query},
    {"dnstap-log-resolver-response-messages", &DnstapConfig::log_resolver_response},
    {"dnstap-log-client-query-messages", &DnstapConfig::log_client_query},
    {"dnstap-log-client-response-messages", &DnstapConfig::log_client_response},
    {"dnstap-log-forwarder-query-messages", &DnstapConfig::log_forwarder_query},
    {"dnstap-log-forwarder-response-messages", &DnstapConfig::log_forwarder_response},
});

// In unbound these configure TLS to the collector at dnstap-ip (dnstap-tls: yes). TLS to the
// collector is refused (Finish), so they do nothing here, as in unbound without it.
constexpr auto kTlsToIpOptions = std::to_array<absl::string_view>({
    "dnstap-tls",
    "dnstap-tls-server-name",
    "dnstap-tls-cert-bundle",
    "dnstap-tls-client-key-file",
    "dnstap-tls-client-cert-file",
});

template <size_t N>
bool Contains(const std::array<absl::string_view, N>& names, absl::string_view key) {
  return std::find(names.begin(), names.end(), key) != names.end();
}

const YesNoOption* FindYesNo(absl::string_view key) {
  for (const YesNoOption& option : kYesNoOptions) {
    if (option.name == key) return &option;
  }
  return nullptr;
}

}  // namespace

bool DnstapClause::Handles(absl::string_view key) {
  return FindYesNo(key) != nullptr || Contains(kTlsToIpOptions, key) ||
         key == "dnstap-socket-path" || key == "dnstap-identity" || key == "dnstap-version" ||
         key == "dnstap-ip" || key == "dnstap-bidirectional";
}

absl::Status DnstapClause::Apply(const ConfigLine& line) {
  if (line.values.size() != 1) return line.Error(absl::StrCat(line.key, ": expects one value"));
  const std::string& value = line.values[0];
  if (const YesNoOption* option = FindYesNo(line.key)) {
    absl::StatusOr<bool> on = ParseYesNo(value);
    if (!on.ok()) return line.Error(absl::StrCat(line.key, ": ", on.status().message()));
    config_->*(option->field) = *on;
    if (line.key == "dnstap-enable") enable_where_ = *on ? line.where : "";
    return absl::OkStatus();
  }
  if (line.key == "dnstap-socket-path") {
    config_->socket_path = value;
  } else if (line.key == "dnstap-identity") {
    config_->identity = value;
  } else if (line.key == "dnstap-version") {
    config_->version = value;
  } else if (line.key == "dnstap-ip") {
    if (value.empty()) {  // unbound's unset value: the unix socket
      config_->ip.reset();
      ip_where_.clear();
      return absl::OkStatus();
    }
    // Port 0 marks "no @port": unbound documents no default port for the collector.
    absl::StatusOr<Endpoint> address = Endpoint::Parse(value, 0);
    if (!address.ok()) return line.Error(absl::StrCat("dnstap-ip: ", address.status().message()));
    if (address->port() == 0) {
      return line.Error("dnstap-ip: give the collector's port, as address@port");
    }
    config_->ip = *address;
    ip_where_ = line.where;
  } else if (line.key == "dnstap-bidirectional") {
    absl::StatusOr<bool> on = ParseYesNo(value);
    if (!on.ok()) return line.Error(absl::StrCat(line.key, ": ", on.status().message()));
    // libfstrm's socket writer always opens with the READY/ACCEPT handshake.
    if (!*on) {
      return line.Error(
          "not supported: dnstap-bidirectional: no: rebound's Frame Streams writer always uses "
          "the bidirectional handshake, which a collector that only reads would not answer");
    }
  } else if (line.key == "dnstap-tls") {
    absl::StatusOr<bool> on = ParseYesNo(value);
    if (!on.ok()) return line.Error(absl::StrCat(line.key, ": ", on.status().message()));
    config_->tls = *on;
  }
  return absl::OkStatus();  // the rest of kTlsToIpOptions: used only with TLS, refused below
}

absl::Status DnstapClause::Finish() const {
  // dnstap-tls may come before or after dnstap-ip; its default is yes.
  if (config_->ip.has_value() && config_->tls) {
    return absl::InvalidArgumentError(absl::StrCat(
        ip_where_,
        ": not supported: dnstap-ip with dnstap-tls: yes (unbound's default): TLS to the "
        "collector is not implemented, and the messages would go in plaintext; set dnstap-tls: "
        "no for TCP"));
  }
  if (config_->enable && config_->socket_path.empty() && !config_->ip.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat(enable_where_,
                     ": dnstap-enable: yes needs dnstap-socket-path (the collector's socket) or "
                     "dnstap-ip"));
  }
  return absl::OkStatus();
}

}  // namespace rebound::config_internal
