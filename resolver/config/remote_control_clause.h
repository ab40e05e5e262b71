// The remote-control: clause (unbound.conf(5)): where rebound-control reaches the daemon.
#ifndef REBOUND_RESOLVER_CONFIG_REMOTE_CONTROL_CLAUSE_H_
#define REBOUND_RESOLVER_CONFIG_REMOTE_CONTROL_CLAUSE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "resolver/config/config_line.h"

namespace rebound {

// Where rebound listens for rebound-control when control-enable is yes and no
// control-interface is given. unbound listens on 127.0.0.1@8953 with certificates by default;
// a socket file that only root and the configured user may open needs no keys to be made
// first and cannot be reached from another host or by another local user.
inline constexpr char kDefaultControlSocket[] = "/run/rebound/control.sock";

struct RemoteControlConfig {
  bool enable = false;  // control-enable, off by default as in unbound
  // control-interface: an IP address (served on `port`) or an absolute socket path; none given
  // means kDefaultControlSocket.
  std::vector<std::string> interfaces;
  uint16_t port = 8953;  // control-port
  // control-use-cert: TLS with client certificates on IP interfaces (never on a socket file),
  // with these files (resolver/control/control_tls.h; tools/rebound-control-setup makes them).
  bool use_cert = true;
  std::string server_key_file = "/etc/rebound/rebound_server.key";
  std::string server_cert_file = "/etc/rebound/rebound_server.pem";
  std::string control_key_file = "/etc/rebound/rebound_control.key";
  std::string control_cert_file = "/etc/rebound/rebound_control.pem";
  std::string where;  // file:line of the clause, for messages

  // The interfaces to serve: those given, or the default socket file.
  std::vector<std::string> Interfaces() const;
  bool operator==(const RemoteControlConfig&) const = default;
};

// Whether `interface` (a control-interface value) is a socket file rather than an address.
bool IsControlSocketPath(absl::string_view interface);

namespace config_internal {

class RemoteControlClause {
 public:
  explicit RemoteControlClause(RemoteControlConfig* config) : config_(config) {}
  static bool Handles(absl::string_view key);
  void Begin(const ConfigLine& clause_line) { config_->where = clause_line.where; }
  absl::Status Apply(const ConfigLine& line);

 private:
  RemoteControlConfig* config_;
};

}  // namespace config_internal
}  // namespace rebound

#endif  // REBOUND_RESOLVER_CONFIG_REMOTE_CONTROL_CLAUSE_H_
