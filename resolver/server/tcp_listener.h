// Serves DNS over TCP (RFC 7766) on one address for one worker loop: two-byte length framing,
// pipelined queries answered as they finish, an idle timeout and a connection limit.
#ifndef REBOUND_RESOLVER_SERVER_TCP_LISTENER_H_
#define REBOUND_RESOLVER_SERVER_TCP_LISTENER_H_

#include <uv.h>

#include <cstdint>
#include <memory>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "resolver/core/endpoint.h"
#include "resolver/server/query_handler.h"

namespace rebound {

struct TcpLimits {
  absl::Duration idle_timeout = absl::Seconds(30);  // RFC 7766 6.2.3
  int max_connections = 100;
  int max_pipelined = 100;  // queries in flight per connection before reading pauses
};

class TcpListener {
 public:
  static absl::StatusOr<TcpListener*> Open(uv_loop_t* loop, const Endpoint& address, bool reuseport,
                                           QueryHandler* handler, TcpLimits limits);
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
  TcpListener(QueryHandler* handler, TcpLimits limits)
      : handler_(handler), limits_(limits), scratch_(new uint8_t[kTcpMaxMessage]) {}
  ~TcpListener() = default;
  void OnIncoming();

  // RFC 1035 4.2.2: a TCP message carries a 16-bit length.
  static constexpr size_t kTcpMaxMessage = 65535;

  QueryHandler* handler_;
  TcpLimits limits_;
  // Where the handler writes the responses it has at once; written out (or copied) before the
  // next query is handled.
  std::unique_ptr<uint8_t[]> scratch_;
  uv_tcp_t server_;
  absl::flat_hash_map<uint64_t, Connection*> connections_;
  uint64_t next_connection_id_ = 1;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_SERVER_TCP_LISTENER_H_
