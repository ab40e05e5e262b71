// RAII owners for ldns objects: every ldns allocation in rebound is held by one of these.
#ifndef REBOUND_RESOLVER_WIRE_LDNS_PTR_H_
#define REBOUND_RESOLVER_WIRE_LDNS_PTR_H_

// ldns/common.h defines `true` and `false` as macros (0 and 1) unless stdbool.h's guard is
// already set; those macros break later standard headers (<optional>'s operator<=> among them).
// Including stdbool.h first sets the guard. Include ldns through this header.
#include <stdbool.h>  // NOLINT(modernize-deprecated-headers): must precede ldns
// clang-format off
#include <ldns/ldns.h>
// clang-format on

#include <cstdint>
#include <memory>
#include <vector>

namespace rebound {

struct LdnsPktDeleter {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
struct LdnsRrDeleter {
  void operator()(ldns_rr* rr) const { ldns_rr_free(rr); }
};
// Deep free: the list and every RR in it.
struct LdnsRrListDeleter {
  void operator()(ldns_rr_list* l) const { ldns_rr_list_deep_free(l); }
};
struct LdnsRdfDeleter {
  void operator()(ldns_rdf* r) const { ldns_rdf_deep_free(r); }
};
struct LdnsBufferDeleter {
  void operator()(ldns_buffer* b) const { ldns_buffer_free(b); }
};

using LdnsPktPtr = std::unique_ptr<ldns_pkt, LdnsPktDeleter>;
using LdnsRrPtr = std::unique_ptr<ldns_rr, LdnsRrDeleter>;
using LdnsRrListPtr = std::unique_ptr<ldns_rr_list, LdnsRrListDeleter>;
using LdnsRdfPtr = std::unique_ptr<ldns_rdf, LdnsRdfDeleter>;
using LdnsBufferPtr = std::unique_ptr<ldns_buffer, LdnsBufferDeleter>;

// Moves every record of `list` into `section` of `pkt`, which then owns them.
inline void MoveToSection(LdnsRrListPtr list, ldns_pkt_section section, ldns_pkt* pkt) {
  for (size_t i = 0; i < ldns_rr_list_rr_count(list.get()); ++i) {
    ldns_pkt_push_rr(pkt, section, ldns_rr_list_rr(list.get(), i));
  }
  ldns_rr_list_free(list.release());  // shallow: the records belong to the packet now
}

// `pkt` in wire form; empty when ldns cannot render it.
inline std::vector<uint8_t> PacketToWire(const ldns_pkt& pkt) {
  uint8_t* wire = nullptr;
  size_t size = 0;
  std::vector<uint8_t> out;
  if (ldns_pkt2wire(&wire, &pkt, &size) == LDNS_STATUS_OK) out.assign(wire, wire + size);
  LDNS_FREE(wire);
  return out;
}

}  // namespace rebound

#endif  // REBOUND_RESOLVER_WIRE_LDNS_PTR_H_
