#include "resolver/server/query_counting.h"

#include "resolver/wire/wire_format.h"

namespace rebound {

void CountQuery(std::span<const uint8_t> packet, const QueryView& view, const ClientInfo& client,
                WorkerStats* stats) {
  if (view.qtype < stats->query_types.size()) {
    stats->query_types[view.qtype].Add();
  } else {
    stats->query_type_other.Add();
  }
  if (view.qclass < stats->query_classes.size()) stats->query_classes[view.qclass].Add();
  stats->opcodes[view.opcode & 0x0f].Add();
  // Z is the one header bit ReadQuery does not keep (RFC 1035 4.1.1: zero in all queries).
  const bool z = packet.size() > wire::kFlags2Offset && (packet[wire::kFlags2Offset] & 0x40) != 0;
  const bool flags[8] = {view.qr, view.aa, view.tc, view.rd, view.ra, z, view.ad, view.cd};
  for (size_t i = 0; i < 8; ++i) {
    if (flags[i]) stats->query_flags[i].Add();
  }
  if (view.has_edns) stats->edns_present.Add();
  if (view.has_edns && view.edns_do) stats->edns_do.Add();
  if (client.tcp) stats->tcp.Add();
  if (client.protocol == ClientProtocol::kTls) stats->tls.Add();
  if (client.protocol == ClientProtocol::kHttps) stats->https.Add();
  if (client.address.is_v6()) stats->ipv6.Add();
}

void CountAnswer(std::span<const uint8_t> response, WorkerStats* stats) {
  if (response.size() < wire::kHeaderSize) return;
  const uint8_t rcode = response[wire::kFlags2Offset] & wire::kRcodeMask;
  stats->answer_rcodes[rcode].Add();
  if (rcode == 0 && wire::Load16(response, wire::kAncountOffset) == 0) stats->answer_nodata.Add();
}

}  // namespace rebound
