// Where the dnstap hooks (the QueryHandler, the upstream transports) hand the DNS messages they
// see. The interface keeps the core, the server and the transports free of fstrm and protobuf:
// the writer (resolver/dnstap/) implements it, and a null DnstapSink* means dnstap is off.
#ifndef REBOUND_RESOLVER_CORE_DNSTAP_SINK_H_
#define REBOUND_RESOLVER_CORE_DNSTAP_SINK_H_

#include <cstdint>
#include <span>

#include "absl/time/time.h"
#include "resolver/core/endpoint.h"

namespace rebound {

// What carried a message. The values are dnstap's SocketProtocol numbers.
enum class DnstapProtocol : uint8_t {
  kUdp = 1,
  kTcp = 2,
  kDot = 3,  // RFC 7858
  kDoh = 4,  // RFC 8484
};

// One upstream exchange: the server, how it was reached, and the zone it was asked as a server
// of (a wire-format name, empty when not known). A forwarder (a forward-zone's server, asked
// with RD set) is logged as FORWARDER_*, any other server as RESOLVER_*.
struct DnstapUpstream {
  Endpoint server;
  DnstapProtocol protocol = DnstapProtocol::kUdp;
  std::span<const uint8_t> zone = {};
  bool forwarder = false;
};

// Each call encodes and queues one message, or drops it when it is not wanted (the
// dnstap-log-* options) or the queue is full. None blocks, and none keeps the spans it is given.
// An instance belongs to one worker thread.
class DnstapSink {
 public:
  virtual ~DnstapSink() = default;

  // A client's query as received; `local` is the address it came in on (may be unset).
  virtual void ClientQuery(std::span<const uint8_t> query, const Endpoint& client,
                           const Endpoint& local, DnstapProtocol protocol, absl::Time received) = 0;
  // The response sent to that query.
  virtual void ClientResponse(std::span<const uint8_t> response, const Endpoint& client,
                              const Endpoint& local, DnstapProtocol protocol,
                              absl::Time query_received, absl::Time sent) = 0;
  // A query sent upstream, at `sent`.
  virtual void ResolverQuery(std::span<const uint8_t> query, const DnstapUpstream& upstream,
                             absl::Time sent) = 0;
  // The reply accepted for it (it answers the question asked), at `received`.
  virtual void ResolverResponse(std::span<const uint8_t> response, const DnstapUpstream& upstream,
                                absl::Time query_sent, absl::Time received) = 0;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CORE_DNSTAP_SINK_H_
