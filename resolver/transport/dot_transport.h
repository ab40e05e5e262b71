// DNS over TLS to upstream servers (RFC 7858), for forward-zones with forward-tls-upstream, and
// the Transport that sends each query by the way its server is configured.
#ifndef REBOUND_RESOLVER_TRANSPORT_DOT_TRANSPORT_H_
#define REBOUND_RESOLVER_TRANSPORT_DOT_TRANSPORT_H_

#include <uv.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "resolver/core/dnstap_sink.h"
#include "resolver/core/transport.h"
#include "resolver/transport/deadline_heap.h"
#include "tls/loop_timer.h"
#include "tls/tls_context.h"

namespace rebound {

struct DotUpstream {
  Endpoint server;
  std::string tls_name;  // a host name, or the IP address the certificate must carry
};

struct DotTransportOptions {
  uint16_t edns_buffer_size = 1232;
  // A connection with nothing outstanding is closed after this long (RFC 7766 6.2.3: clients
  // close idle connections, servers bear the cost of keeping them).
  absl::Duration idle_timeout = absl::Seconds(3);
  // dnstap's FORWARDER_* (or RESOLVER_*) messages, over DOT; null: off. Must outlive the
  // transport.
  DnstapSink* dnstap = nullptr;
};

// Lives on one libuv loop and must be used from that loop's thread only.
//
// One TLS connection per server, opened by the first query and shared by every query sent while
// it is open: queries are pipelined and replies matched by ID, in whatever order they come (RFC
// 7766 6.2.1.1). The server's certificate is always verified against its name; a connection
// that does not verify carries nothing, and its queries fail Unavailable, as for a server that
// cannot be reached. When the server closes a connection that was up, the queries still waiting
// on it are sent once more on a new one.
class DotTransport : public Transport {
 public:
  // `tls` (which must outlive the transport) holds the trust anchors; `upstreams` the servers
  // this transport may be asked to reach.
  DotTransport(uv_loop_t* loop, const TlsClientContext* tls,
               const std::vector<DotUpstream>& upstreams, DotTransportOptions options);
  // Abandons exchanges still in flight (their callbacks never run) and closes the connections.
  ~DotTransport() override;

  // Whether `server` is one of the upstreams given to the constructor.
  bool Serves(const Endpoint& server) const { return names_.contains(server.ToString()); }

  uint64_t Query(const Endpoint& server, const UpstreamQuestion& q, absl::Duration timeout,
                 Callback cb) override;
  void Cancel(uint64_t ticket) override;

  size_t in_flight() const { return exchanges_.size(); }
  // TLS handshakes completed so far: one per connection.
  uint64_t handshakes() const { return handshakes_; }

 private:
  class Connection;
  struct Exchange;

  // Hands `exchange` to its server's connection, opening one if there is none.
  void Send(Exchange* exchange);
  // Reports `result` for exchange `number` and frees it; nothing happens if it is gone.
  void Finish(uint64_t number, absl::StatusOr<LdnsPktPtr> result);
  // A connection has closed: its waiting exchanges (by number) are sent again or fail.
  void OnConnectionClosed(std::string key, std::vector<uint64_t> waiting, bool was_up,
                          absl::Status why);
  void OnTimer();
  void ArmTimer();

  uv_loop_t* loop_;
  const TlsClientContext* tls_;
  DotTransportOptions options_;
  absl::flat_hash_map<std::string, std::string> names_;  // "address@port" to its TLS name
  absl::flat_hash_map<std::string, std::unique_ptr<Connection>> connections_;  // by address@port
  absl::flat_hash_map<uint64_t, std::unique_ptr<Exchange>> exchanges_;
  uint64_t next_exchange_ = 1;
  DeadlineHeap deadlines_;  // in loop milliseconds (uv_now)
  LoopTimer timer_;
  uint64_t handshakes_ = 0;
};

// The Transport the iterator is given: a query to one of the DNS over TLS upstreams goes over
// TLS, every other one over UDP and TCP. Both transports must outlive it.
class RoutingTransport : public Transport {
 public:
  RoutingTransport(Transport* plain, DotTransport* tls) : plain_(plain), tls_(tls) {}
  uint64_t Query(const Endpoint& server, const UpstreamQuestion& q, absl::Duration timeout,
                 Callback cb) override;
  void Cancel(uint64_t ticket) override;

 private:
  Transport* plain_;
  DotTransport* tls_;  // null: no TLS upstream is configured
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_TRANSPORT_DOT_TRANSPORT_H_
