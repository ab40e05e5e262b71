// What a client's lookup in the RRset and negative caches may take beyond fresh data, and what
// it got: the cache alone decides what is stale (RFC 8767) and when an entry is due for its
// prefetch (unbound's last tenth of the TTL).
#ifndef REBOUND_RESOLVER_CACHE_CACHE_READ_H_
#define REBOUND_RESOLVER_CACHE_CACHE_READ_H_

#include <cstdint>

#include "absl/time/time.h"

namespace rebound {

struct CacheRead {
  // Data past its TTL, kept for serve-expired; never for a normal answer.
  bool expired_ok = false;
  // Claim the prefetch of an entry in the last tenth of its TTL: the first lookup to see it
  // there gets CacheFreshness::refresh_claimed, every later one does not.
  bool claim_refresh = false;
  // With expired_ok: expired data found is kept serve-expired-ttl from now on
  // (serve-expired-ttl-reset, after a failed refresh).
  bool reset_expired = false;
};

struct CacheFreshness {
  bool stale = false;            // some of the data was past its TTL
  bool refresh_claimed = false;  // this lookup claimed a prefetch (CacheRead::claim_refresh)

  void Add(bool was_stale, bool claimed) {
    stale = stale || was_stale;
    refresh_claimed = refresh_claimed || claimed;
  }
};

// unbound's prefetch point: an entry stored for `ttl` seconds at `stored` is refreshed from
// when 90% of its TTL has gone.
inline absl::Time RefreshPoint(absl::Time stored, uint32_t ttl) {
  return stored + absl::Seconds(ttl) - absl::Seconds(ttl) / 10;
}

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CACHE_CACHE_READ_H_
