// The cache's stage (main.cc has the stage order): answers from the RRset and negative caches
// when they hold the whole answer, and on the way back has the cache writer store what a later
// stage learned that is not in the caches yet. It is also the one place that decides when a
// client is sent stale data (serve-expired, RFC 8767) and when a cached answer is prefetched.
#ifndef REBOUND_RESOLVER_CACHE_CACHE_STAGE_H_
#define REBOUND_RESOLVER_CACHE_CACHE_STAGE_H_

#include <cstdint>
#include <memory>

#include "absl/time/time.h"
#include "resolver/cache/cache_writer.h"
#include "resolver/cache/cached_answer.h"
#include "resolver/cache/negative_cache.h"
#include "resolver/cache/rrset_cache.h"
#include "resolver/core/request.h"
#include "resolver/core/stage.h"
#include "resolver/core/timers.h"
#include "resolver/core/worker_stats.h"

namespace rebound {

struct CacheStageOptions {
  // serve-expired (RFC 8767): when a client's data has expired and resolution fails, or has not
  // finished after `expired_client_timeout`, the client gets the expired data (the caches keep
  // it for serve-expired-ttl) with TTL `expired_reply_ttl` and EDE 3; the resolution goes on
  // and replaces the entry. A timeout of 0 answers stale at once and refreshes behind (unbound's
  // default); a longer one needs `timers`, without which only a failure sends stale data.
  bool serve_expired = false;
  uint32_t expired_reply_ttl = 30;  // RFC 8767 4
  absl::Duration expired_client_timeout = absl::Milliseconds(1800);
  // serve-expired-ttl-reset: stale data sent after a failed resolution is kept another
  // serve-expired-ttl from then, so that it lasts as long as clients ask and servers fail.
  bool expired_ttl_reset = false;
  // prefetch: the first client answered from the cache in the last tenth of an entry's TTL
  // starts a background refresh of its question (unbound's rule).
  bool prefetch = false;
  // The worker's counters (expired, prefetches); null: not counted.
  WorkerStats* stats = nullptr;
  // The worker's timers, for the client timeout; null: none.
  std::shared_ptr<Timers> timers = nullptr;
};

// Shares nothing between requests (the caches lock), but its options hold the worker's counters
// and timers, so each worker has its own instance.
//
// What it stores is trusted as it comes: the iterator has already dropped what a server said
// outside its bailiwick (a forward-zone's resolvers are trusted for the whole zone, as in
// unbound), and DNS64 synthesizes only after this stage, so no synthesized record is stored.
class CacheStage : public Stage {
 public:
  // CNAMEs followed through the cache before giving up and asking upstream.
  static constexpr int kMaxCnameChain = 16;

  // The caches and the writer are owned by the caller and must outlive the stage.
  CacheStage(const RrsetCache* rrsets, const NegativeCache* negatives, CacheWriter* writer,
             CacheStageOptions options = {})
      : rrsets_(rrsets), negatives_(negatives), writer_(writer), options_(options) {}

  // kDone with the answer set when the caches hold all of it (AnswerFromCache: the RRset or a
  // negative answer, directly or through cached CNAMEs). Otherwise kContinue: a chain whose end
  // is not cached, or a broken one, is asked of the stages below, which return it whole. A
  // background request (a refresh) always goes on to them.
  StageResult OnQuery(Request& req) override;
  const char* name() const override { return "cache"; }
  // Stores an answer that is not in the caches yet (Request::answer_cached: a relay's, not the
  // iterator's, whose writer stored each RRset as it learned it); replaces a SERVFAIL with the
  // stale answer when there is one. Always kContinue.
  StageResult OnAnswer(Request& req) override;

 private:
  CachedAnswer Lookup(const Request& req, CacheRead read) const;
  // Answers `req` with the stale data the caches hold for it; false when they hold none.
  // `failed`: resolution has failed (for serve-expired-ttl-reset).
  bool AnswerStale(Request& req, bool failed) const;
  // The client timeout has passed with the request still below this stage, at `stage`.
  void OnClientTimeout(const RequestHandle& handle, size_t stage);

  const RrsetCache* const rrsets_;
  const NegativeCache* const negatives_;
  CacheWriter* const writer_;
  const CacheStageOptions options_;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CACHE_CACHE_STAGE_H_
