// What an iterative lookup ends with, and the limits shared by every lookup of one client query.
#ifndef REBOUND_RESOLVER_ITERATOR_LOOKUP_RESULT_H_
#define REBOUND_RESOLVER_ITERATOR_LOOKUP_RESULT_H_

#include <string>

#include "absl/time/time.h"
#include "resolver/wire/ldns_ptr.h"

namespace rebound {

struct LookupResult {
  // NOERROR (data or NODATA), NXDOMAIN, or SERVFAIL when no server gave an answer in time.
  ldns_pkt_rcode rcode = LDNS_RCODE_SERVFAIL;
  LdnsRrListPtr answer;     // the CNAME chain from the name asked, then the RRset found
  LdnsRrListPtr authority;  // a negative answer's SOA (RFC 2308 3)
  std::string failure;      // why SERVFAIL, for the log
};

// One client query's allowance, shared by the lookups it causes (the answer's own, its NS
// address lookups, theirs ...), so that no referral structure can make one query cost more.
struct QueryBudget {
  absl::Time deadline;
  int queries_left = 0;
  int ns_lookups_left = 0;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_ITERATOR_LOOKUP_RESULT_H_
