// What an iterative lookup ends with, and the limits shared by every lookup of one client query.
#ifndef REBOUND_RESOLVER_ITERATOR_LOOKUP_RESULT_H_
#define REBOUND_RESOLVER_ITERATOR_LOOKUP_RESULT_H_

#include <algorithm>
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
  // SERVFAIL because no server sent anything back at all: every one timed out or could not be
  // reached (RFC 8914 4.23, "No Reachable Authority"). This, and not a server's own SERVFAIL or
  // NXDOMAIN, is what makes the bootstrap relays worth asking.
  bool no_reachable_authority = false;
};

// A copy for another caller of the same lookup (IterativeResolver's coalescing).
inline LookupResult CopyResult(const LookupResult& result) {
  LookupResult copy;
  copy.rcode = result.rcode;
  if (result.answer != nullptr) copy.answer.reset(ldns_rr_list_clone(result.answer.get()));
  if (result.authority != nullptr) copy.authority.reset(ldns_rr_list_clone(result.authority.get()));
  copy.failure = result.failure;
  copy.no_reachable_authority = result.no_reachable_authority;
  return copy;
}

// One client query's allowance, shared by the lookups it causes (the answer's own, its NS
// address lookups, theirs ...), so that no referral structure can make one query cost more.
struct QueryBudget {
  absl::Time deadline;
  // Until the first reply, the query ends at this earlier time: when nothing answers, a fallback
  // (the bootstrap relays) is better than waiting out the whole budget.
  absl::Time deadline_without_reply = absl::InfiniteFuture();
  int queries_left = 0;
  int ns_lookups_left = 0;
  int replies = 0;  // responses received from any server, whatever they said
  // Queries the transport could not send for a local reason (InternalError: no descriptor, no
  // socket; ResourceExhausted: a limit on upstream sockets), which say nothing about whether
  // the server can be reached.
  int local_failures = 0;

  absl::Time Deadline() const {
    return replies > 0 ? deadline : std::min(deadline, deadline_without_reply);
  }
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_ITERATOR_LOOKUP_RESULT_H_
