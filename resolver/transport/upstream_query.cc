#include "resolver/transport/upstream_query.h"

#include <cctype>
#include <cstring>

namespace rebound {
namespace {

uint8_t* Put16(uint8_t* p, uint16_t value) {
  p[0] = static_cast<uint8_t>(value >> 8);
  p[1] = static_cast<uint8_t>(value);
  return p + 2;
}

// Wire-format names compare without case: the letters are ASCII (RFC 4343) and a label length
// (at most 63) is never one.
bool SameNameIgnoringCase(const uint8_t* a, size_t a_size, std::span<const uint8_t> b) {
  if (a_size != b.size()) return false;
  for (size_t i = 0; i < a_size; ++i) {
    if (std::tolower(a[i]) != std::tolower(b[i])) return false;
  }
  return true;
}

}  // namespace

size_t WriteUpstreamQuery(const UpstreamQuestion& q, std::span<const uint8_t> name, uint16_t id,
                          uint16_t edns_buffer_size, uint8_t* out) {
  std::memset(out, 0, wire::kHeaderSize);
  out[wire::kIdOffset] = static_cast<uint8_t>(id >> 8);
  out[wire::kIdOffset + 1] = static_cast<uint8_t>(id);
  if (q.recursion_desired) out[wire::kFlags1Offset] |= wire::kRdBit;
  if (q.checking_disabled) out[wire::kFlags2Offset] |= wire::kCdBit;
  out[wire::kQdcountOffset + 1] = 1;
  if (q.edns) out[wire::kArcountOffset + 1] = 1;
  uint8_t* p = out + wire::kHeaderSize;
  std::memcpy(p, name.data(), name.size());
  p += name.size();
  p = Put16(p, static_cast<uint16_t>(q.type));
  p = Put16(p, static_cast<uint16_t>(q.qclass));
  if (q.edns) {
    *p++ = 0;  // the root name
    p = Put16(p, wire::kTypeOpt);
    p = Put16(p, edns_buffer_size);  // CLASS: the UDP payload size
    *p++ = 0;                        // extended RCODE
    *p++ = 0;                        // version 0
    p = Put16(p, q.dnssec_ok ? static_cast<uint16_t>(wire::kEdnsDoBit) : 0);
    p = Put16(p, 0);  // RDLENGTH: no options
  }
  return static_cast<size_t>(p - out);
}

bool AnswersUpstreamQuery(const ldns_pkt& reply, uint16_t id, const UpstreamQuestion& q,
                          std::span<const uint8_t> name) {
  if (ldns_pkt_id(&reply) != id || !ldns_pkt_qr(&reply)) return false;
  if (ldns_pkt_qdcount(&reply) != 1) return false;
  const ldns_rr* question = ldns_rr_list_rr(ldns_pkt_question(&reply), 0);
  if (question == nullptr || ldns_rr_get_type(question) != q.type ||
      ldns_rr_get_class(question) != q.qclass) {
    return false;
  }
  const ldns_rdf* owner = ldns_rr_owner(question);
  return owner != nullptr && SameNameIgnoringCase(ldns_rdf_data(owner), ldns_rdf_size(owner), name);
}

}  // namespace rebound
