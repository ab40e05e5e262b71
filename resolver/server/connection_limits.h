// tcp-connection-limit (as in unbound): how many TCP connections, DNS over TCP and HTTPS
// together, each client netblock may hold at once. One ConnectionLimits serves every listener of
// every worker, so a client cannot take more by spreading its connections over listeners or
// threads (SO_REUSEPORT hashes each connection to any of them).
#ifndef REBOUND_RESOLVER_SERVER_CONNECTION_LIMITS_H_
#define REBOUND_RESOLVER_SERVER_CONNECTION_LIMITS_H_

#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "resolver/config/access_control_list.h"
#include "resolver/config/config.h"
#include "resolver/core/endpoint.h"

namespace rebound {

class ConnectionLimits;

// What a TCP or HTTPS listener checks when it accepts a connection, before reading from it:
// access-control and interface-action for the client on that listening address (deny and, on
// HTTPS, refuse close it at once), and the client's tcp-connection-limit.
struct ListenerAccess {
  const AccessControlList* acl = nullptr;  // null: everyone may connect
  ConnectionLimits* per_client = nullptr;  // null: no tcp-connection-limit
};

class ConnectionLimits {
 public:
  explicit ConnectionLimits(std::vector<TcpConnectionLimit> limits);
  ConnectionLimits(const ConnectionLimits&) = delete;
  ConnectionLimits& operator=(const ConnectionLimits&) = delete;

  // A connection's hold on its netblock's count: released when the last copy goes. Listeners
  // keep it with the connection; a null ticket means the client may not connect now.
  using Ticket = std::shared_ptr<void>;

  // Counts one more connection from `client` against the longest tcp-connection-limit netblock
  // covering it (all clients of a netblock share its count, as in unbound). Null when that
  // netblock is at its limit; a client no netblock covers always gets a ticket. Thread-safe.
  Ticket Admit(const Endpoint& client);

  // Connections counted against the netblock covering `client` now (0 if none covers it).
  int HeldBy(const Endpoint& client) const;

 private:
  struct Netblock {
    TcpConnectionLimit rule;
    int held = 0;
  };
  // The longest netblock covering `client`, or null.
  const Netblock* Covering(const Endpoint& client) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void Release(const Netblock* netblock);

  const bool any_limits_;  // false: every Admit succeeds without taking the lock
  mutable absl::Mutex mutex_;
  std::vector<Netblock> netblocks_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_SERVER_CONNECTION_LIMITS_H_
