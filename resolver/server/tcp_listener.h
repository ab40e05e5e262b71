// Serves DNS over TCP (RFC 7766) on one address for one worker loop: two-byte length framing,
// pipelined queries answered as they finish, and the defences against clients that hold
// connections: access control and tcp-connection-limit at accept, a connection limit, and a
// bound on how long a connection may take to deliver each whole message, which bytes that
// trickle in do not extend and which shrinks as the slots fill (connection_pressure.h).
//
// With a TLS context it serves DNS over TLS (RFC 7858) instead: the same connections carry TLS
// (tls/tls_stream.h), and inside it the messages are exactly those of DNS over TCP (RFC 7858
// 3.3), so every rule above holds unchanged; the first message's bound covers the handshake.
#ifndef REBOUND_RESOLVER_SERVER_TCP_LISTENER_H_
#define REBOUND_RESOLVER_SERVER_TCP_LISTENER_H_

#include <uv.h>

#include <cstdint>
#include <memory>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "resolver/core/endpoint.h"
#include "resolver/server/connection_limits.h"
#include "resolver/server/query_handler.h"
#include "tls/tls_context.h"

namespace rebound {

struct TcpLimits {
  // RFC 7766 6.2.3. With no query outstanding, the next complete message must arrive within
  // this long (less under pressure) of the last answer, or of the connection's opening.
  absl::Duration idle_timeout = absl::Seconds(30);
  int max_connections = 100;
  int max_pipelined = 100;  // queries in flight per connection before reading pauses
};

class TcpListener {
 public:
  // `tls`, when given, makes this a DNS over TLS listener; it must outlive the listener.
  static absl::StatusOr<TcpListener*> Open(uv_loop_t* loop, const Endpoint& address, bool reuseport,
                                           QueryHandler* handler, TcpLimits limits,
                                           ListenerAccess access = {},
                                           const TlsServerContext* tls = nullptr);
  TcpListener(const TcpListener&) = delete;
  TcpListener& operator=(const TcpListener&) = delete;

  // Closes the listening socket and every connection; the listener deletes itself once libuv
  // has closed its socket. No reply may be sent after this.
  void Close();
  size_t connections() const { return connections_.size(); }
  // The address the socket is bound to (with the port the kernel chose, for port 0).
  Endpoint local_address() const;

 private:
  class Connection;
  TcpListener(QueryHandler* handler, TcpLimits limits, ListenerAccess access,
              const Endpoint& interface, const TlsServerContext* tls)
      : handler_(handler),
        limits_(limits),
        access_(access),
        interface_(interface),
        tls_(tls),
        scratch_(new uint8_t[kTcpMaxMessage]) {}
  // "tcp" or "tls", for the log.
  const char* protocol() const { return tls_ == nullptr ? "tcp" : "tls"; }
  ~TcpListener() = default;
  void OnIncoming();
  // The bound for a connection waiting for a message, at the current number of connections.
  absl::Duration MessageWaitNow() const;
  // Under pressure, brings every waiting connection's deadline down to MessageWaitNow().
  void TightenDeadlines();
  // At the connection limit: closes the connection that has waited longest for a message, if
  // that is at least kMinWaitBeforeEviction. False when none qualifies.
  bool EvictLongestWaiting();

  // RFC 1035 4.2.2: a TCP message carries a 16-bit length.
  static constexpr size_t kTcpMaxMessage = 65535;

  QueryHandler* handler_;
  TcpLimits limits_;
  ListenerAccess access_;
  Endpoint interface_;           // as configured: what interface-action rules name
  const TlsServerContext* tls_;  // null: plain DNS over TCP
  // Where the handler writes the responses it has at once; written out (or copied) before the
  // next query is handled.
  std::unique_ptr<uint8_t[]> scratch_;
  uv_tcp_t server_;
  absl::flat_hash_map<uint64_t, Connection*> connections_;
  uint64_t next_connection_id_ = 1;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_SERVER_TCP_LISTENER_H_
