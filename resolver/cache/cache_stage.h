// The cache's stage (main.cc has the stage order): answers from the RRset and negative caches
// when they hold the whole answer, and on the way back stores what the later stages learned.
#ifndef REBOUND_RESOLVER_CACHE_CACHE_STAGE_H_
#define REBOUND_RESOLVER_CACHE_CACHE_STAGE_H_

#include "resolver/cache/negative_cache.h"
#include "resolver/cache/rrset_cache.h"
#include "resolver/core/request.h"
#include "resolver/core/stage.h"
#include "resolver/wire/ldns_ptr.h"

namespace rebound {

// Thread-safe (it holds no state of its own; the caches lock), so one instance serves every
// worker's Pipeline.
//
// What it stores is trusted as it comes: the iterator has already dropped what a server said
// outside its bailiwick (a forward-zone's resolvers are trusted for the whole zone, as in
// unbound), and DNS64 synthesizes only after this stage, so no synthesized record is stored.
class CacheStage : public Stage {
 public:
  // CNAMEs followed through the cache before giving up and asking upstream.
  static constexpr int kMaxCnameChain = 16;

  // Both caches are owned by the caller and must outlive the stage.
  CacheStage(RrsetCache* rrsets, NegativeCache* negatives)
      : rrsets_(rrsets), negatives_(negatives) {}

  // kDone with the answer set when the caches hold all of it: the RRset asked for, reached
  // directly or through cached CNAMEs, or a cached NXDOMAIN/NODATA at the end of the chain.
  // Otherwise kContinue (a chain whose end is not cached is a miss: upstream returns it whole).
  StageResult OnQuery(Request& req) override;
  // Stores the RRsets and the negative answer of a NOERROR or NXDOMAIN answer that did not come
  // from this cache. Always kContinue.
  StageResult OnAnswer(Request& req) override;

 private:
  struct State {
    bool answered_from_cache = false;
  };

  LdnsPktPtr AnswerFromCache(const Request& req) const;
  // Adds the signatures over the RRset (owner, type) to the answer section, when the client
  // wants them.
  void AddSignatures(const Request& req, const ldns_rdf* owner, ldns_rr_type type,
                     ldns_pkt* pkt) const;
  void StoreNegative(const Request& req, const ldns_pkt& answer);

  RrsetCache* const rrsets_;
  NegativeCache* const negatives_;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CACHE_CACHE_STAGE_H_
