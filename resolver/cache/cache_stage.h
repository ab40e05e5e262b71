// The cache's stage (main.cc has the stage order): answers from the RRset and negative caches
// when they hold the whole answer, and on the way back has the cache writer store what a later
// stage learned that is not in the caches yet.
#ifndef REBOUND_RESOLVER_CACHE_CACHE_STAGE_H_
#define REBOUND_RESOLVER_CACHE_CACHE_STAGE_H_

#include "resolver/cache/cache_writer.h"
#include "resolver/cache/negative_cache.h"
#include "resolver/cache/rrset_cache.h"
#include "resolver/core/request.h"
#include "resolver/core/stage.h"

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

  // The caches and the writer are owned by the caller and must outlive the stage.
  CacheStage(const RrsetCache* rrsets, const NegativeCache* negatives, CacheWriter* writer)
      : rrsets_(rrsets), negatives_(negatives), writer_(writer) {}

  // kDone with the answer set when the caches hold all of it (AnswerFromCache: the RRset or a
  // negative answer, directly or through cached CNAMEs). Otherwise kContinue: a chain whose end
  // is not cached, or a broken one, is asked of the stages below, which return it whole.
  StageResult OnQuery(Request& req) override;
  // Stores an answer that is not in the caches yet (Request::answer_cached: a relay's, not the
  // iterator's, whose writer stored each RRset as it learned it). Always kContinue.
  StageResult OnAnswer(Request& req) override;

 private:
  const RrsetCache* const rrsets_;
  const NegativeCache* const negatives_;
  CacheWriter* const writer_;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CACHE_CACHE_STAGE_H_
