// The options of the server: clause, applied to a Config one line at a time.
#ifndef REBOUND_RESOLVER_CONFIG_SERVER_CLAUSE_H_
#define REBOUND_RESOLVER_CONFIG_SERVER_CLAUSE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "bootstrap/relay.h"
#include "resolver/config/config.h"
#include "resolver/config/config_line.h"
#include "resolver/core/endpoint.h"

namespace rebound::config_internal {

// What the server: options have read so far. Public so the per-option functions in the .cc
// file can reach it; only ServerClause uses it.
struct ServerState {
  struct PendingInterface {
    Endpoint endpoint;  // port 0 when the line gave none: port: applies, read or not yet
    std::string where;
    // One of an interface name's addresses: one of a family do-ip4/do-ip6 turn off is left
    // out, not an error (the user named the interface, not the address).
    bool from_name = false;
  };

  Config* config = nullptr;
  std::vector<std::string>* warnings = nullptr;
  std::vector<PendingInterface> interfaces;
  // interface-action lines, checked against the interfaces once their ports are settled.
  struct PendingInterfaceAction {
    Endpoint endpoint;  // port 0 when the line gave none, as PendingInterface
    AccessAction action;
    std::string where;
  };
  std::vector<PendingInterfaceAction> interface_actions;
  // Where each metrics-interface line is, in the order of Config::metrics_interfaces.
  std::vector<std::string> metrics_interface_wheres;
  // bootstrap-relay: lines, joined with the built-in relays only in Finish, since
  // bootstrap-relays-replace: may come before or after them.
  struct PendingRelay {
    Relay relay;
    std::string where;
  };
  std::vector<PendingRelay> bootstrap_relays;
  bool bootstrap_relays_replace = false;
  // Where each option was last set and in which order, for checks that involve two options.
  absl::flat_hash_map<std::string, std::pair<int, std::string>> last_set;
  int sequence = 0;
};

class ServerClause {
 public:
  ServerClause(Config* config, std::vector<std::string>* warnings);

  // True for every option the server: clause implements.
  static bool Handles(absl::string_view key);

  // Applies one "key: value" line; `line.key` must satisfy Handles().
  absl::Status Apply(const ConfigLine& line);

  // Settles what depends on the whole file: interface ports (port: may come after interface:),
  // the default interfaces, and checks across options.
  absl::Status Finish();

  // "file:line" of the line that last set `option` (current name), "" if none did.
  std::string WhereSet(absl::string_view option) const {
    auto it = state_.last_set.find(option);
    return it == state_.last_set.end() ? "" : it->second.second;
  }

 private:
  // Gives every interface its port and fills Config::interfaces, defaults included.
  absl::Status SettleInterfaces();
  // Gives every interface-action its port and adds it to the ACL; an interface-action for an
  // address no interface: line names is an error, as in unbound.
  absl::Status SettleInterfaceActions();
  // A metrics-interface on the address and port of a DNS interface is an error: both want TCP.
  absl::Status CheckMetricsInterfaces() const;

  ServerState state_;
};

}  // namespace rebound::config_internal

#endif  // REBOUND_RESOLVER_CONFIG_SERVER_CLAUSE_H_
