#include "resolver/wire/dnssec_records.h"

#include <cstddef>
#include <cstdint>
#include <optional>

namespace rebound {
namespace {

// The records that authenticate other data or deny its existence: signatures (RFC 4034 3) and
// the denial records (RFC 4034 4, RFC 5155 3). DNSKEY and DS are data a client may ask for and
// stay.
bool IsAuthenticatingType(ldns_rr_type type) {
  return type == LDNS_RR_TYPE_RRSIG || type == LDNS_RR_TYPE_NSEC || type == LDNS_RR_TYPE_NSEC3;
}

// Frees the authenticating records of `section` (null: an empty section), except those of type
// `asked_for`, and closes the gaps they leave; returns how many records are left.
uint16_t RemoveFromSection(ldns_rr_list* section, std::optional<ldns_rr_type> asked_for) {
  if (section == nullptr) return 0;
  const size_t count = ldns_rr_list_rr_count(section);
  size_t kept = 0;
  for (size_t i = 0; i < count; ++i) {
    ldns_rr* rr = ldns_rr_list_rr(section, i);
    const ldns_rr_type type = ldns_rr_get_type(rr);
    if (IsAuthenticatingType(type) && type != asked_for) {
      ldns_rr_free(rr);
      continue;
    }
    ldns_rr_list_set_rr(section, rr, kept++);
  }
  ldns_rr_list_set_rr_count(section, kept);
  // ldns keeps each section's count in 16 bits, as the header does (RFC 1035 4.1.1).
  return static_cast<uint16_t>(kept);
}

}  // namespace

void RemoveUnrequestedDnssecRecords(ldns_pkt& response, ldns_rr_type qtype) {
  // Only the answer section holds what the question asked for; an RRSIG over the SOA of a
  // negative answer to an RRSIG question is still an authenticating record.
  ldns_pkt_set_ancount(&response, RemoveFromSection(ldns_pkt_answer(&response), qtype));
  ldns_pkt_set_nscount(&response, RemoveFromSection(ldns_pkt_authority(&response), std::nullopt));
  ldns_pkt_set_arcount(&response, RemoveFromSection(ldns_pkt_additional(&response), std::nullopt));
}

}  // namespace rebound
