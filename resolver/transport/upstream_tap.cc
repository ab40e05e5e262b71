#include "resolver/transport/upstream_tap.h"

#include <cstring>

#include "absl/time/clock.h"

namespace rebound {

UpstreamTap::UpstreamTap(DnstapSink* sink, const UpstreamQuestion& q)
    : sink_(sink), forwarder_(q.recursion_desired) {
  if (sink_ == nullptr || q.zone == nullptr) return;
  const size_t size = ldns_rdf_size(q.zone);
  if (size > zone_.size()) return;
  std::memcpy(zone_.data(), ldns_rdf_data(q.zone), size);
  zone_size_ = size;
}

DnstapUpstream UpstreamTap::Upstream(const Endpoint& server, DnstapProtocol protocol) const {
  return {.server = server,
          .protocol = protocol,
          .zone = std::span<const uint8_t>(zone_.data(), zone_size_),
          .forwarder = forwarder_};
}

// dnstap times are wall-clock times, which the loop's monotonic clock is not.
void UpstreamTap::Query(std::span<const uint8_t> wire, const Endpoint& server,
                        DnstapProtocol protocol) {
  if (sink_ == nullptr) return;
  sent_ = absl::Now();
  sink_->ResolverQuery(wire, Upstream(server, protocol), sent_);
}

void UpstreamTap::Response(std::span<const uint8_t> wire, const Endpoint& server,
                           DnstapProtocol protocol) {
  if (sink_ == nullptr) return;
  sink_->ResolverResponse(wire, Upstream(server, protocol), sent_, absl::Now());
}

}  // namespace rebound
