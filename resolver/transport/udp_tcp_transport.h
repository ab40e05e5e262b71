// The real Transport: plain DNS over UDP, with TCP when the reply is truncated (RFC 7766).
#ifndef REBOUND_RESOLVER_TRANSPORT_UDP_TCP_TRANSPORT_H_
#define REBOUND_RESOLVER_TRANSPORT_UDP_TCP_TRANSPORT_H_

#include <uv.h>

#include <array>
#include <cstdint>

#include "absl/container/flat_hash_set.h"
#include "resolver/core/transport.h"

namespace rebound {

struct UdpTcpTransportOptions {
  uint16_t edns_buffer_size = 1232;  // advertised to upstreams (RFC 6891 6.2.5)
};

// Lives on one libuv loop and must be used from that loop's thread only.
class UdpTcpTransport : public Transport {
 public:
  UdpTcpTransport(uv_loop_t* loop, UdpTcpTransportOptions options);
  // Abandons exchanges still in flight: their callbacks never run. The loop must keep running
  // afterwards until their handles are closed.
  ~UdpTcpTransport() override;

  void Query(const Endpoint& server, const UpstreamQuestion& q, absl::Duration timeout,
             Callback cb) override;
  size_t in_flight() const { return exchanges_.size(); }

 private:
  class Exchange;
  friend class Exchange;

  uv_loop_t* loop_;
  UdpTcpTransportOptions options_;
  absl::flat_hash_set<Exchange*> exchanges_;
  // One receive buffer for every UDP socket: the loop reads one datagram at a time.
  std::array<char, 65536> udp_buffer_;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_TRANSPORT_UDP_TCP_TRANSPORT_H_
