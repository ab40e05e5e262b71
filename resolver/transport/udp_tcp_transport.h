// The real Transport: plain DNS over UDP, with TCP when the reply is truncated (RFC 7766).
#ifndef REBOUND_RESOLVER_TRANSPORT_UDP_TCP_TRANSPORT_H_
#define REBOUND_RESOLVER_TRANSPORT_UDP_TCP_TRANSPORT_H_

#include <uv.h>

#include <array>
#include <cstdint>
#include <deque>

#include "absl/container/flat_hash_map.h"
#include "resolver/core/dnstap_sink.h"
#include "resolver/core/transport.h"
#include "resolver/transport/deadline_heap.h"

namespace rebound {

struct UdpTcpTransportOptions {
  uint16_t edns_buffer_size = 1232;  // advertised to upstreams (RFC 6891 6.2.5)
  // outgoing-range: at most this many exchanges hold a socket at once; the rest wait for one,
  // in order, each until its timeout (then ResourceExhausted). 0: no limit.
  size_t max_sockets = 0;
  // dnstap's RESOLVER_* and FORWARDER_* messages; null: off. Must outlive the transport.
  DnstapSink* dnstap = nullptr;
};

// Lives on one libuv loop and must be used from that loop's thread only.
//
// Every UDP exchange has its own socket on a fresh random port (RFC 5452 9.2), which makes the
// per-query cost of a socket the cost of a cache miss. So the UDP sockets are plain non-blocking
// sockets, not libuv handles: all of them sit in one epoll set of the transport's own, which the
// loop watches as a single descriptor, and one libuv timer serves every exchange's timeout. An
// exchange costs socket, bind, connect, epoll_ctl, send, recvfrom and close, and is freed as soon
// as it finishes; only the rare TCP retry uses a libuv handle.
class UdpTcpTransport : public Transport {
 public:
  UdpTcpTransport(uv_loop_t* loop, UdpTcpTransportOptions options);
  // Abandons exchanges still in flight: their callbacks never run. The loop must keep running
  // afterwards until the transport's handles are closed.
  ~UdpTcpTransport() override;

  uint64_t Query(const Endpoint& server, const UpstreamQuestion& q, absl::Duration timeout,
                 Callback cb) override;
  void Cancel(uint64_t ticket) override;
  size_t in_flight() const { return exchanges_.size(); }
  size_t waiting_for_socket() const { return exchanges_.size() - active_; }

 private:
  class Exchange;
  friend class Exchange;
  struct LoopHandles;

  // The epoll set has ready sockets: hands each event to its exchange.
  void OnSocketsReady();
  // Times out every exchange whose deadline has passed.
  void OnTimer();
  // Arms the timer for the earliest deadline (or stops it when nothing waits).
  void ArmTimer();
  // Starts waiting exchanges, oldest first, while outgoing-range allows.
  void StartWaiting();
  // The poll handle and the timer keep the loop running only while exchanges are in flight, as
  // per-exchange handles would: an idle transport lets uv_run return.
  void SetKeepsLoopAlive(bool alive);

  uv_loop_t* loop_;
  UdpTcpTransportOptions options_;
  int epoll_fd_ = -1;  // the UDP sockets in flight; -1 if it could not be created
  // The poll handle on epoll_fd_ and the timer; allocated apart because they outlive the
  // transport until libuv has closed them.
  LoopHandles* handles_;
  // By exchange number: an epoll event carries the number, not a pointer, so an event for an
  // exchange that has just finished finds nothing instead of freed memory.
  absl::flat_hash_map<uint64_t, Exchange*> exchanges_;
  uint64_t next_exchange_ = 1;
  size_t active_ = 0;             // exchanges started, holding a socket (or about to)
  std::deque<uint64_t> waiting_;  // numbers of exchanges waiting for a socket, oldest first
  DeadlineHeap deadlines_;        // of the exchanges in flight, in loop milliseconds (uv_now)
  // One receive buffer for every UDP socket: replies are read one at a time.
  std::array<uint8_t, 65536> udp_buffer_;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_TRANSPORT_UDP_TCP_TRANSPORT_H_
