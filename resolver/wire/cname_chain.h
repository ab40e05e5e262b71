// Following a CNAME chain through the records of one message section.
#ifndef REBOUND_RESOLVER_WIRE_CNAME_CHAIN_H_
#define REBOUND_RESOLVER_WIRE_CNAME_CHAIN_H_

#include <vector>

#include "resolver/wire/ldns_ptr.h"

namespace rebound {

// The names of the CNAME chain in `records` that starts at `name`: `name`, its target, and so
// on. Each hop follows one record, and there are no more hops than records, so a loop ends too.
inline std::vector<const ldns_rdf*> CnameChainNames(const ldns_rdf* name,
                                                    const ldns_rr_list* records) {
  std::vector<const ldns_rdf*> names = {name};
  const size_t count = ldns_rr_list_rr_count(records);
  for (size_t hops = 0; hops < count; ++hops) {
    const ldns_rr* next = nullptr;
    for (size_t i = 0; i < count && next == nullptr; ++i) {
      const ldns_rr* rr = ldns_rr_list_rr(records, i);
      if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME && ldns_rr_rd_count(rr) == 1 &&
          ldns_dname_compare(ldns_rr_owner(rr), names.back()) == 0) {
        next = rr;
      }
    }
    if (next == nullptr) break;
    names.push_back(ldns_rr_rdf(next, 0));
  }
  return names;
}

// The name the CNAME chain in `records` that starts at `name` ends at (`name` itself when it has
// no CNAME there).
inline const ldns_rdf* CnameChainEnd(const ldns_rdf* name, const ldns_rr_list* records) {
  return CnameChainNames(name, records).back();
}

}  // namespace rebound

#endif  // REBOUND_RESOLVER_WIRE_CNAME_CHAIN_H_
