// The negative cache (RFC 2308): names that do not exist (NXDOMAIN) and types a name does not
// have (NODATA), each with the SOA record that goes in the authority section of the answer.
#ifndef REBOUND_RESOLVER_CACHE_NEGATIVE_CACHE_H_
#define REBOUND_RESOLVER_CACHE_NEGATIVE_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/functional/function_ref.h"
#include "resolver/cache/cache_read.h"
#include "resolver/cache/cache_wire.h"
#include "resolver/cache/sharded_lru_map.h"
#include "resolver/core/clock.h"
#include "resolver/wire/ldns_ptr.h"

namespace rebound {

struct NegativeCacheOptions {
  size_t max_bytes = 4 << 20;        // msg-cache-size
  uint32_t max_negative_ttl = 3600;  // cache-max-negative-ttl
  size_t shards = 32;                // rounded up to a power of two
  // serve-expired: as RrsetCacheOptions::keep_expired.
  absl::Duration keep_expired = absl::ZeroDuration();
};

struct NegativeAnswer {
  ldns_pkt_rcode rcode;  // LDNS_RCODE_NXDOMAIN, or LDNS_RCODE_NOERROR for NODATA
  LdnsRrPtr soa;         // for the authority section; its TTL is the seconds left
};

class NegativeCache {
 public:
  // `clock` must outlive the cache.
  NegativeCache(NegativeCacheOptions options, const Clock* clock);
  NegativeCache(const NegativeCache&) = delete;
  NegativeCache& operator=(const NegativeCache&) = delete;

  // Records that `name` does not exist, whatever the type (RFC 2308 2.1, 5). `soa` is the SOA
  // record from the authority section of that answer; without one (null, or not a well-formed
  // SOA) nothing is cached, as RFC 2308 5 asks. Returns whether the entry was stored.
  bool InsertNxdomain(const ldns_rdf* name, ldns_rr_class rr_class, const ldns_rr* soa);
  // Records that `name` exists but has no RRset of `type` (RFC 2308 2.2, 5); `soa` as above.
  bool InsertNodata(const ldns_rdf* name, ldns_rr_type type, ldns_rr_class rr_class,
                    const ldns_rr* soa);

  // The negative answer for (name, type): NXDOMAIN if the name is known not to exist, NOERROR if
  // it is known to have no `type`, nothing otherwise. `read` and `found` as in RrsetCache::Lookup
  // (an expired answer's SOA TTL is 0).
  std::optional<NegativeAnswer> Lookup(const ldns_rdf* name, ldns_rr_type type,
                                       ldns_rr_class rr_class, CacheRead read = {},
                                       CacheFreshness* found = nullptr) const;

  // rebound-control's flush commands: removes the denials the filter matches (an NXDOMAIN's
  // entry has type 0, so only a filter without a type removes it), or with Clear every one
  // (flush_negative); returns how many went.
  size_t Flush(const CacheKeyFilter& filter) {
    return map_.EraseIf([&](std::string_view key) { return filter.Matches(key); });
  }
  size_t Clear() {
    return map_.EraseIf([](std::string_view) { return true; });
  }
  // One entry as ForEachEntry hands it out: the name, the type it has no data of (for NODATA;
  // 0 for NXDOMAIN, which covers every type) and the answer, its SOA's TTL the seconds left.
  struct Visited {
    LdnsRdfPtr name;
    uint16_t type;
    ldns_rr_class rr_class;
    NegativeAnswer answer;
  };
  // Calls `visit` on every unexpired entry, as RrsetCache::ForEachRrset does: without changing
  // the LRU order, one shard copied at a time and visited with no lock held.
  void ForEachEntry(absl::FunctionRef<void(const Visited&)> visit) const;

  size_t bytes() const { return map_.bytes(); }
  size_t entries() const { return map_.entries(); }

 private:
  struct Entry {
    // The SOA in compact wire form: its owner, and its rdata with a length prefix.
    std::string soa_owner;
    std::string soa_rdata;
    uint32_t ttl = 0;  // as stored, before any countdown
  };

  bool Insert(const ldns_rdf* name, uint16_t type, ldns_rr_class rr_class, const ldns_rr* soa);
  std::optional<NegativeAnswer> Find(const ldns_rdf* name, uint16_t type, ldns_rr_class rr_class,
                                     CacheRead read, CacheFreshness* found) const;

  const NegativeCacheOptions options_;
  const Clock* const clock_;
  // Lookups reorder the LRU list, so even a const lookup writes to the map.
  mutable ShardedLruMap<Entry> map_;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CACHE_NEGATIVE_CACHE_H_
