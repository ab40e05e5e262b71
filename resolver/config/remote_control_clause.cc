#include "resolver/config/remote_control_clause.h"

#include <algorithm>
#include <array>

#include "absl/strings/str_cat.h"
#include "resolver/config/config_values.h"
#include "resolver/core/endpoint.h"

namespace rebound {

std::vector<std::string> RemoteControlConfig::Interfaces() const {
  if (interfaces.empty()) return {kDefaultControlSocket};
  return interfaces;
}

bool IsControlSocketPath(absl::string_view interface) {
  return !interface.empty() && interface.front() == '/';
}

namespace config_internal {
namespace {

constexpr auto kKeys = std::to_array<absl::string_view>({
    "control-cert-file",
    "control-enable",
    "control-interface",
    "control-key-file",
    "control-port",
    "control-use-cert",
    "server-cert-file",
    "server-key-file",
});

}  // namespace

bool RemoteControlClause::Handles(absl::string_view key) {
  return std::ranges::find(kKeys, key) != kKeys.end();
}

absl::Status RemoteControlClause::Apply(const ConfigLine& line) {
  if (line.values.size() != 1) {
    return line.Error(absl::StrCat(line.key, ": takes one value"));
  }
  const std::string& value = line.values[0];
  auto yes_no = [&](bool* out) -> absl::Status {
    absl::StatusOr<bool> b = ParseYesNo(value);
    if (!b.ok()) return line.Error(absl::StrCat(line.key, ": ", b.status().message()));
    *out = *b;
    return absl::OkStatus();
  };
  if (line.key == "control-enable") return yes_no(&config_->enable);
  if (line.key == "control-use-cert") return yes_no(&config_->use_cert);
  if (line.key == "control-port") {
    absl::StatusOr<int64_t> port = ParseInteger(value, 1, 65535);
    if (!port.ok()) return line.Error(absl::StrCat(line.key, ": ", port.status().message()));
    config_->port = static_cast<uint16_t>(*port);
    return absl::OkStatus();
  }
  if (line.key == "control-interface") {
    // unbound: an IP address, or an absolute path for a local socket.
    if (!IsControlSocketPath(value) && !Endpoint::Parse(value, 0).ok()) {
      return line.Error(absl::StrCat(line.key, ": '", value,
                                     "' is neither an IP address nor an absolute socket path"));
    }
    config_->interfaces.push_back(value);
    return absl::OkStatus();
  }
  if (line.key == "server-key-file") config_->server_key_file = value;
  if (line.key == "server-cert-file") config_->server_cert_file = value;
  if (line.key == "control-key-file") config_->control_key_file = value;
  if (line.key == "control-cert-file") config_->control_cert_file = value;
  return absl::OkStatus();
}

}  // namespace config_internal
}  // namespace rebound
