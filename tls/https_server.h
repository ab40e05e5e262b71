// An HTTPS server for DNS over HTTPS (RFC 8484): HTTP/2 only (ALPN h2) over TLS, many concurrent
// streams per connection, answers that may come later (the handler resolves first). Lives on one
// libuv loop and is used from it only; every worker thread runs its own, all listening on the
// same address with SO_REUSEPORT.
#ifndef REBOUND_TLS_HTTPS_SERVER_H_
#define REBOUND_TLS_HTTPS_SERVER_H_

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "resolver/core/endpoint.h"
#include "tls/https_messages.h"
#include "tls/tls_context.h"

namespace rebound {

// Stops the work for a request whose client has gone; see HttpsResponder::OnCancel.
using HttpsCancel = std::function<void()>;

// Sends the reply to one request. Call it at most once, on the server's loop, now or later;
// it does nothing if the connection or the stream has gone (or the server was destroyed).
class HttpsResponder {
 public:
  using Send = std::function<void(HttpsReply)>;
  using Register = std::function<void(HttpsCancel)>;
  HttpsResponder() = default;
  explicit HttpsResponder(Send send, Register on_cancel = nullptr)
      : send_(std::move(send)), on_cancel_(std::move(on_cancel)) {}

  void operator()(HttpsReply reply) const {
    if (send_) send_(std::move(reply));
  }
  // For a handler whose answer comes later: `cancel` runs if the client resets the stream or
  // closes the connection first (then the reply is not wanted), never after the reply is sent.
  // A request already answered ignores it.
  void OnCancel(HttpsCancel cancel) const {
    if (on_cancel_ && cancel) on_cancel_(std::move(cancel));
  }

 private:
  Send send_;
  Register on_cancel_;
};
using HttpsHandler = std::function<void(const HttpsRequest&, HttpsResponder)>;

// Decides at accept, before the TLS handshake, whether `peer` may connect to `local` (the
// address listened on): null closes the connection at once; otherwise the connection keeps the
// token until it closes (a slot in a per-client count, say).
using HttpsAdmission =
    std::function<std::shared_ptr<void>(const Endpoint& peer, const Endpoint& local)>;

struct HttpsServerOptions {
  // Beyond it a new connection replaces the one that has waited longest for a request (if that
  // has waited kMinWaitBeforeEviction), or is closed at once.
  int max_connections = 100;
  // With no request in progress, a connection must complete its next request (from the opening:
  // the TLS handshake and the first request) within this long of the last response, or of
  // opening; bytes that trickle in do not extend it, and it shrinks as the connections fill
  // (resolver/core/connection_pressure.h, RFC 7766 6.2.3 by analogy). Then GOAWAY and close.
  absl::Duration idle_timeout = absl::Seconds(30);
  HttpsAdmission admit = nullptr;             // null: everyone may connect
  size_t max_request_body = 65535;            // larger bodies get 413 without reaching the handler
  uint32_t max_streams_per_connection = 100;  // SETTINGS_MAX_CONCURRENT_STREAMS
};

class HttpsServer {
 public:
  HttpsServer(uv_loop_t* loop, const TlsServerContext* context, HttpsServerOptions options,
              HttpsHandler handler);
  HttpsServer(const HttpsServer&) = delete;
  HttpsServer& operator=(const HttpsServer&) = delete;
  ~HttpsServer();  // Close()

  // Listens on one more address (port 0: the kernel picks; see local_addresses()). reuse_port
  // sets SO_REUSEPORT so that every worker thread can listen on the same address.
  absl::Status Listen(const Endpoint& address, bool reuse_port);
  // Stops listening and closes every connection at once; pending responders become no-ops.
  void Close();

  // The addresses listened on, in Listen() order, with the actual ports.
  const std::vector<Endpoint>& local_addresses() const { return local_addresses_; }
  // Connections open now (including those still in the TLS handshake).
  size_t connections() const { return connections_.size(); }

 private:
  class Connection;
  struct Listener;
  void OnIncoming(Listener* listener);
  // The bound for a connection waiting for a request, at the current number of connections.
  absl::Duration MessageWaitNow() const;
  // Under pressure, brings every waiting connection's deadline down to the current bound.
  void TightenDeadlines();
  // At the connection limit: closes the connection that has waited longest for a request, if
  // that is at least kMinWaitBeforeEviction. False when none qualifies.
  bool EvictLongestWaiting();

  uv_loop_t* loop_;
  const TlsServerContext* context_;
  HttpsServerOptions options_;
  HttpsHandler handler_;
  std::vector<Listener*> listeners_;  // each freed by libuv's close callback
  std::vector<Endpoint> local_addresses_;
  absl::flat_hash_map<uint64_t, std::shared_ptr<Connection>> connections_;
  uint64_t next_connection_id_ = 1;
  bool closing_ = false;  // Close() has run: connections close without cancelling their work
};

}  // namespace rebound

#endif  // REBOUND_TLS_HTTPS_SERVER_H_
