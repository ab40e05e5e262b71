// rebound as a bootstrap relay for others (relay mode): on the interfaces whose port is
// https-port (as unbound's DoH service), an HTTPS server whose requests bootstrap/'s
// RelayService turns into DNS queries, answered by this worker's QueryHandler exactly as the
// same query over TCP from the same client would be, access-control included.
#ifndef REBOUND_RESOLVER_SERVER_HTTPS_LISTENER_H_
#define REBOUND_RESOLVER_SERVER_HTTPS_LISTENER_H_

#include <uv.h>

#include <memory>

#include "absl/status/statusor.h"
#include "bootstrap/relay_service.h"
#include "resolver/config/config.h"
#include "resolver/server/query_handler.h"
#include "tls/https_server.h"
#include "tls/tls_context.h"

namespace rebound {

class HttpsListener {
 public:
  // Loads tls-service-key and tls-service-pem; an error names the file.
  static absl::StatusOr<std::unique_ptr<HttpsListener>> Create(uv_loop_t* loop,
                                                               const Config& config,
                                                               QueryHandler* handler);
  absl::Status Listen(const Endpoint& address, bool reuse_port) {
    return server_->Listen(address, reuse_port);
  }

 private:
  HttpsListener(std::unique_ptr<TlsServerContext> context, QueryHandler* handler);

  std::unique_ptr<TlsServerContext> context_;
  QueryHandler* handler_;
  RelayService service_;
  std::unique_ptr<HttpsServer> server_;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_SERVER_HTTPS_LISTENER_H_
