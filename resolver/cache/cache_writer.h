// The one writer of the RRset and negative caches (docs/architecture.md, "One cache writer"):
// whatever the resolver learns, from a zone's servers as the iterator goes or from a relay
// through the stages, is stored here and nowhere else, so that every piece of data is ranked
// and every negative answer is checked by the same rules.
#ifndef REBOUND_RESOLVER_CACHE_CACHE_WRITER_H_
#define REBOUND_RESOLVER_CACHE_CACHE_WRITER_H_

#include "resolver/cache/negative_cache.h"
#include "resolver/cache/rrset_cache.h"
#include "resolver/wire/ldns_ptr.h"

namespace rebound {

// Thread-safe: it holds no state of its own and the caches lock inside, so one writer serves
// every worker.
class CacheWriter {
 public:
  // Both caches are owned by the caller and must outlive the writer.
  CacheWriter(RrsetCache* rrsets, NegativeCache* negatives)
      : rrsets_(rrsets), negatives_(negatives) {}

  // Each RRset among `records` (one message section) at `trust`, which says where it came from
  // (RFC 2181 5.4.1): an authoritative answer, an authority section or a non-authoritative
  // answer, or the additional section.
  void StoreRecords(const ldns_rr_list* records, Trust trust);

  // A referral: its NS RRset is the parent's copy (Trust::kReferral: it steers the resolver but
  // answers no client), the DS or NSEC records and signatures beside it are the parent's own
  // authority-section data, and `glue` is additional-section data.
  void StoreReferral(const ldns_rr_list* authority, const ldns_rr_list* glue);

  // A negative answer about `name`, the end of the question's CNAME chain (RFC 6604 3): that it
  // does not exist (NXDOMAIN, RFC 2308 2.1) or has no `type` (NOERROR, RFC 2308 2.2). Cached only
  // with the SOA of a zone holding `name` from `authority` (RFC 2308 5); a NODATA only for a data
  // type. The SOA itself is not stored here: StoreRecords does that with the section.
  void StoreNegative(const ldns_rdf* name, ldns_rr_type type, ldns_rr_class rr_class,
                     ldns_pkt_rcode rcode, const ldns_rr_list* authority);

  // A whole response to (qname, qtype, qclass) that came from outside the iterator (a relay):
  // its answer section at `answer_trust`, the rest as their sections rank, and its negative
  // answer at the end of the CNAME chain. Only NOERROR and NXDOMAIN, untruncated, are stored.
  void StoreResponse(const ldns_rdf* qname, ldns_rr_type qtype, ldns_rr_class qclass,
                     const ldns_pkt& response, Trust answer_trust);

 private:
  RrsetCache* const rrsets_;
  NegativeCache* const negatives_;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CACHE_CACHE_WRITER_H_
