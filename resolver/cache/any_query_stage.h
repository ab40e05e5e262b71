// Minimal answers to QTYPE=ANY (RFC 8482): one RRset of the name, not all of them.
#ifndef REBOUND_RESOLVER_CACHE_ANY_QUERY_STAGE_H_
#define REBOUND_RESOLVER_CACHE_ANY_QUERY_STAGE_H_

#include "resolver/cache/negative_cache.h"
#include "resolver/cache/rrset_cache.h"
#include "resolver/core/request.h"
#include "resolver/core/stage.h"

namespace rebound {

// The first stage of the Pipeline (main.cc has the order). A full ANY answer is the classic
// reflection amplifier: a 40-byte query for a name with many RRsets brings back kilobytes, sent to
// whoever the source address claims to be. RFC 8482 4.1 lets a server answer ANY with one RRset (or
// a subset) of the name instead, and 4.3 lets a resolver do so from its cache. rebound answers with
// exactly one RRset, chosen by kPreference (the CNAME first, since at an alias it is the only data;
// then the addresses most clients want, then MX, which qmail looks for with ANY, RFC 8482 7), or
// else the first RRset the authority sent. That is real data, unlike the synthesized HINFO of 4.2,
// so `dig ANY` still shows something true about the name, as it does with unbound; and unlike
// 4.4 allows, TCP gets the same answer as UDP, so the answer does not depend on the transport.
// Negative answers (NXDOMAIN, NODATA) pass through unchanged. Other qtypes are not touched.
//
// Thread-safe (no state of its own; the caches lock), so one instance may serve every worker.
class AnyQueryStage : public Stage {
 public:
  // The types looked for, in order, both in the cache and in an upstream ANY answer.
  static constexpr ldns_rr_type kPreference[] = {
      LDNS_RR_TYPE_CNAME, LDNS_RR_TYPE_A,  LDNS_RR_TYPE_AAAA, LDNS_RR_TYPE_MX,
      LDNS_RR_TYPE_TXT,   LDNS_RR_TYPE_NS, LDNS_RR_TYPE_SOA,  LDNS_RR_TYPE_SRV,
  };

  // Both caches are owned by the caller and must outlive the stage.
  AnyQueryStage(const RrsetCache* rrsets, const NegativeCache* negatives)
      : rrsets_(rrsets), negatives_(negatives) {}

  // ANY in class IN: kDone with one cached RRset of the name (with its RRSIGs for a DO client),
  // or a cached NXDOMAIN; otherwise kContinue, and the iterator asks the authority for ANY.
  StageResult OnQuery(Request& req) override;
  const char* name() const override { return "any"; }
  // ANY: cuts a positive upstream answer down to one RRset (and its RRSIGs if the client set DO)
  // and drops the authority and additional sections. Always kContinue.
  StageResult OnAnswer(Request& req) override;

 private:
  LdnsPktPtr AnswerFromCache(const Request& req) const;

  const RrsetCache* const rrsets_;
  const NegativeCache* const negatives_;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CACHE_ANY_QUERY_STAGE_H_
