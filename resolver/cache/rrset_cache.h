// The RRset cache: every RRset learned from answers, by (owner, type, class), until its TTL runs
// out; shared by all worker threads.
#ifndef REBOUND_RESOLVER_CACHE_RRSET_CACHE_H_
#define REBOUND_RESOLVER_CACHE_RRSET_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/types/span.h"
#include "resolver/cache/cache_read.h"
#include "resolver/cache/cache_wire.h"
#include "resolver/cache/sharded_lru_map.h"
#include "resolver/core/clock.h"
#include "resolver/wire/ldns_ptr.h"

namespace rebound {

// How far data is believed, after RFC 2181 5.4.1 (which ranks from additional-section data up
// to authoritative answers), in four ranks. Ordered: a larger value is more trustworthy.
enum class Trust : uint8_t {
  kAdditional,  // additional section (glue and the like)
  kReferral,    // a referral's NS RRset: the parent's copy of the child's
  kAuthority,   // other authority-section data, a non-authoritative answer
  kAnswer,      // answer section of an authoritative answer (or a forwarder's answer)
};

// The least trust a client's answer may be built from. RFC 2181 5.4.1: data from the additional
// section (glue) and the parent's copy of a zone's NS RRset are for the resolver's own use and
// must not be returned as an answer; such a question is asked of the zone's own servers instead
// (the child's NS RRset, with the child's TTL, as unbound answers).
inline constexpr Trust kClientAnswerTrust = Trust::kAuthority;

struct RrsetCacheOptions {
  size_t max_bytes = 4 << 20;  // rrset-cache-size
  uint32_t min_ttl = 0;        // cache-min-ttl
  uint32_t max_ttl = 86400;    // cache-max-ttl
  size_t shards = 32;          // rounded up to a power of two; tests use 1 to see exact LRU order
  // serve-expired: how long an entry is kept past its TTL for stale answers (RFC 8767);
  // 0 when serve-expired is off, absl::InfiniteDuration() for no limit (serve-expired-ttl: 0).
  absl::Duration keep_expired = absl::ZeroDuration();
};

class RrsetCache {
 public:
  // `clock` must outlive the cache.
  RrsetCache(RrsetCacheOptions options, const Clock* clock);
  RrsetCache(const RrsetCache&) = delete;
  RrsetCache& operator=(const RrsetCache&) = delete;

  // Stores one RRset: every record must share owner, type and class (and, for RRSIGs, the type
  // covered; the signatures over each RRset are an entry of their own). Its TTL is the smallest
  // of the records', clamped to [min_ttl, max_ttl]. An unexpired entry of higher trust is kept
  // instead (RFC 2181 5.4.1). Returns whether the RRset was stored: not when the records
  // disagree, the TTL is 0, the entry is bigger than its shard or higher trust won.
  bool Insert(const ldns_rr_list& rrset, Trust trust);
  bool Insert(absl::Span<const ldns_rr* const> rrset, Trust trust);
  // Stores every RRset among `records` (a message section: records of one RRset need not be
  // adjacent), each as Insert does. Message-level records (OPT, TSIG, SIG(0)) are skipped.
  void InsertRecords(const ldns_rr_list* records, Trust trust);

  // A copy of the RRset with each TTL set to the seconds it has left, or null when there is
  // none, it has expired, or it was stored with less trust than `at_least`. The owner comes
  // back lowercased. For signatures use LookupSignatures: (owner, RRSIG, class) alone names no
  // entry. `read` lets a client's lookup take expired data (its TTLs then 0) or claim a
  // prefetch; `found`, when given, gets what it took.
  LdnsRrListPtr Lookup(const ldns_rdf* owner, ldns_rr_type type, ldns_rr_class rr_class,
                       Trust at_least = Trust::kAdditional, CacheRead read = {},
                       CacheFreshness* found = nullptr) const;
  // The RRSIGs at `owner` over its RRset of type `covered`, as Lookup.
  LdnsRrListPtr LookupSignatures(const ldns_rdf* owner, ldns_rr_type covered,
                                 ldns_rr_class rr_class, CacheRead read = {},
                                 CacheFreshness* found = nullptr) const;

  // rebound-control's flush, flush_type, flush_zone: removes the RRsets (with their RRSIGs) the
  // filter matches; returns how many entries went. Writers never flush (docs/architecture.md:
  // the operator removes, CacheWriter stores).
  size_t Flush(const CacheKeyFilter& filter) {
    return map_.EraseIf([&](std::string_view key) { return filter.Matches(key); });
  }
  // One RRset as ForEachRrset hands it out: its records and the RRSIGs over it (an empty list
  // when there are none), each TTL the seconds left, and the trust it was stored with.
  struct Visited {
    LdnsRrListPtr records;
    LdnsRrListPtr signatures;
    Trust trust;
    uint32_t ttl;
  };
  // Calls `visit` on every unexpired RRset, in no particular order, without changing the LRU
  // order (a dump must not decide what is evicted next). Signatures come with the RRset they
  // cover; signatures whose RRset is gone are not visited. One shard's entries are copied under
  // its lock and visited after it is released, so a large cache is never copied whole and
  // `visit` may take its time (write to a socket) or look the caches up.
  void ForEachRrset(absl::FunctionRef<void(const Visited&)> visit) const;

  size_t bytes() const { return map_.bytes(); }
  size_t entries() const { return map_.entries(); }

 private:
  struct Entry {
    // Each record's rdata, uncompressed and prefixed by its length; owner, type and class are
    // in the key. Kept as wire bytes so a later fast path can serve hits from pre-rendered wire
    // without an ldns parse; today Lookup rebuilds ldns records from it.
    std::string rdata;
    uint32_t ttl = 0;  // as stored, before any countdown
    Trust trust = Trust::kAdditional;
  };

  LdnsRrListPtr Find(const ldns_rdf* owner, uint16_t type, uint16_t rr_class, uint16_t covered,
                     Trust at_least, CacheRead read, CacheFreshness* found) const;

  const RrsetCacheOptions options_;
  const Clock* const clock_;
  // Lookups reorder the LRU list, so even a const lookup writes to the map.
  mutable ShardedLruMap<Entry> map_;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CACHE_RRSET_CACHE_H_
