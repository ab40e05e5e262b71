// rebound as a bootstrap relay for others (relay mode): on the interfaces whose port is
// https-port (as unbound's DoH service), an HTTPS server whose requests bootstrap/'s
// RelayService turns into DNS queries, answered by this worker's QueryHandler exactly as the
// same query over TCP from the same client to the same interface would be, access-control and
// interface-action included. A client those deny or refuse is closed at accept, before the TLS
// handshake, as is one over its tcp-connection-limit.
#ifndef REBOUND_RESOLVER_SERVER_HTTPS_LISTENER_H_
#define REBOUND_RESOLVER_SERVER_HTTPS_LISTENER_H_

#include <uv.h>

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "bootstrap/relay_service.h"
#include "resolver/config/config.h"
#include "resolver/server/connection_limits.h"
#include "resolver/server/query_handler.h"
#include "tls/https_server.h"
#include "tls/tls_context.h"

namespace rebound {

class HttpsListener {
 public:
  // Loads tls-service-key and tls-service-pem; an error names the file.
  static absl::StatusOr<std::unique_ptr<HttpsListener>> Create(uv_loop_t* loop,
                                                               const Config& config,
                                                               QueryHandler* handler,
                                                               ConnectionLimits* per_client);
  // Serves one more interface. Each has its own server: the interface is part of every
  // access decision (interface-action), and incoming-num-tcp counts per listening address, as
  // for DNS over TCP.
  absl::Status Listen(const Endpoint& address, bool reuse_port);

 private:
  HttpsListener(uv_loop_t* loop, const Config& config, std::unique_ptr<TlsServerContext> context,
                QueryHandler* handler, ConnectionLimits* per_client);

  // One interface: its relay service (which knows the interface) and its HTTPS server.
  struct Interface {
    std::unique_ptr<RelayService> service;
    std::unique_ptr<HttpsServer> server;
  };

  uv_loop_t* loop_;
  const Config& config_;
  std::unique_ptr<TlsServerContext> context_;
  QueryHandler* handler_;
  ConnectionLimits* per_client_;
  std::vector<Interface> interfaces_;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_SERVER_HTTPS_LISTENER_H_
