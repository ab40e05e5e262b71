// What an upstream exchange keeps for dnstap (resolver/core/dnstap_sink.h): the zone its server
// was asked for and when the query went, so that its reply can be logged with both.
#ifndef REBOUND_RESOLVER_TRANSPORT_UPSTREAM_TAP_H_
#define REBOUND_RESOLVER_TRANSPORT_UPSTREAM_TAP_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "resolver/core/dnstap_sink.h"
#include "resolver/core/transport.h"
#include "resolver/wire/wire_format.h"

namespace rebound {

class UpstreamTap {
 public:
  // Copies what the question says of the zone and whether its server is a forwarder (the
  // iterator sets RD for forward-zone servers alone). Null `sink`: dnstap is off, and
  // nothing is kept or logged.
  UpstreamTap(DnstapSink* sink, const UpstreamQuestion& q);

  // The query `wire` (without a TCP length prefix) has been sent to `server`.
  void Query(std::span<const uint8_t> wire, const Endpoint& server, DnstapProtocol protocol);
  // `wire` has been accepted as the reply.
  void Response(std::span<const uint8_t> wire, const Endpoint& server, DnstapProtocol protocol);

 private:
  DnstapUpstream Upstream(const Endpoint& server, DnstapProtocol protocol) const;

  DnstapSink* sink_;
  bool forwarder_ = false;
  absl::Time sent_ = absl::InfinitePast();
  std::array<uint8_t, wire::kMaxNameLength> zone_;
  size_t zone_size_ = 0;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_TRANSPORT_UPSTREAM_TAP_H_
