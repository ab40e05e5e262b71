// Relations between domain names, case-insensitive as RFC 4343 3 has them.
#ifndef REBOUND_RESOLVER_WIRE_NAMES_H_
#define REBOUND_RESOLVER_WIRE_NAMES_H_

#include "resolver/wire/ldns_ptr.h"

namespace rebound {

// `name` is `ancestor` or below it: within the bailiwick of a zone named `ancestor`.
// (ldns_dname_is_subdomain alone is strict: a name is not its own subdomain.)
inline bool IsAtOrBelow(const ldns_rdf* name, const ldns_rdf* ancestor) {
  return ldns_dname_compare(name, ancestor) == 0 || ldns_dname_is_subdomain(name, ancestor);
}

}  // namespace rebound

#endif  // REBOUND_RESOLVER_WIRE_NAMES_H_
