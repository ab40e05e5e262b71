// The one way a question is answered from the RRset and negative caches, for a client's question
// (CacheStage) and for the iterator's own lookups alike (docs/architecture.md, "One cache
// writer, one reader"): the RRset asked for, reached directly or through cached CNAMEs, or a
// negative answer at the end of the chain.
#ifndef REBOUND_RESOLVER_CACHE_CACHED_ANSWER_H_
#define REBOUND_RESOLVER_CACHE_CACHED_ANSWER_H_

#include "resolver/cache/cache_read.h"
#include "resolver/cache/negative_cache.h"
#include "resolver/cache/rrset_cache.h"
#include "resolver/wire/ldns_ptr.h"

namespace rebound {

struct CacheQuestion {
  const ldns_rdf* name = nullptr;
  ldns_rr_type type = LDNS_RR_TYPE_A;
  ldns_rr_class rr_class = LDNS_RR_CLASS_IN;
  // The least trust the data may have: kClientAnswerTrust for what goes to a client (never the
  // additional section's glue, RFC 2181 5.4.1), kAdditional for the resolver's own use.
  Trust at_least = kClientAnswerTrust;
  // A DNSSEC client (DO): each RRset comes with the RRSIGs cached over it (RFC 4035 3.1.1), and
  // the negative cache, which keeps no NSEC/NSEC3 proofs (RFC 4035 3.1.3), is not used.
  bool dnssec_ok = false;
  // CNAMEs followed before the chain counts as broken (RFC 1034 3.6.2 asks for a limit).
  int max_cname_chain = 16;
  // A client's question only: expired data for a stale answer, a prefetch claim.
  CacheRead read = {};
};

struct CachedAnswer {
  enum class Kind {
    kMiss,         // nothing cached for the name asked (or not a data type)
    kData,         // `records`: the chain, then the RRset asked for
    kNegative,     // `records` holds the chain (maybe empty); `rcode` and `soa` its end's denial
    kChainOnly,    // `records` holds a CNAME chain to `chain_end`, for which nothing is cached
    kChainBroken,  // the cached chain loops or is too long
  };
  Kind kind = Kind::kMiss;
  LdnsRrListPtr records;
  ldns_pkt_rcode rcode = LDNS_RCODE_NOERROR;
  LdnsRrPtr soa;         // kNegative: for the authority section, its TTL the seconds left
  LdnsRdfPtr chain_end;  // kChainOnly
  // Whether any of it was past its TTL (only with CacheQuestion::read.expired_ok), and whether
  // this answer claimed a prefetch.
  CacheFreshness freshness;
};

CachedAnswer AnswerFromCache(const RrsetCache& rrsets, const NegativeCache& negatives,
                             const CacheQuestion& question);

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CACHE_CACHED_ANSWER_H_
