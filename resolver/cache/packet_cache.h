// The packet cache (docs/architecture.md, flow step 2): whole responses as they were sent,
// so that a repeated question is answered by a copy and a few patches (ID, the question's letter
// case, the TTLs) instead of a parse, the pipeline and a render. Shared by all worker threads.
#ifndef REBOUND_RESOLVER_CACHE_PACKET_CACHE_H_
#define REBOUND_RESOLVER_CACHE_PACKET_CACHE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "resolver/cache/sharded_lru_map.h"
#include "resolver/core/clock.h"

namespace rebound {

struct PacketCacheOptions {
  size_t max_bytes = 4 << 20;        // msg-cache-size
  uint32_t max_ttl = 86400;          // cache-max-ttl: no response is reused for longer
  uint32_t max_negative_ttl = 3600;  // cache-max-negative-ttl, for responses with an SOA
  size_t shards = 32;                // rounded up to a power of two
};

// What identifies a response in the packet cache: the query's name (lowercased, RFC 4343), type
// and class, and every other bit of the query that changes the response. Built on the stack,
// without allocation, on every query.
class PacketCacheKey {
 public:
  // The bits of a query besides the question that change its response.
  enum Flag : uint8_t {
    kRd = 1 << 0,     // RD: without it only cached data is served (RFC 1035 4.1.1)
    kCd = 1 << 1,     // CD (RFC 4035 3.2.2); DNS64 looks at it (RFC 6147 5.5)
    kDo = 1 << 2,     // DO: RRSIGs wanted (RFC 3225), echoed in the OPT
    kEdns = 1 << 3,   // the query had an OPT, so the response has one (RFC 6891 7)
    kDns64 = 1 << 4,  // the client is one DNS64 synthesizes for (dns64-clients)
  };

  // `qname` is the question's name as the query reader found it: wire form, uncompressed, at
  // most 255 bytes (a longer one makes a key that matches nothing and is never stored).
  PacketCacheKey(std::span<const uint8_t> qname, uint16_t qtype, uint16_t qclass, uint8_t flags);

  bool valid() const { return size_ > 0; }
  std::string_view bytes() const { return std::string_view(bytes_.data(), size_); }
  // The lowercased name in wire form, as at the start of bytes().
  std::span<const uint8_t> qname() const {
    return std::span(reinterpret_cast<const uint8_t*>(bytes_.data()), qname_size_);
  }
  uint16_t qtype() const { return qtype_; }
  uint16_t qclass() const { return qclass_; }

 private:
  static constexpr size_t kMaxQname = 255;  // RFC 1035 3.1
  std::array<char, kMaxQname + 5> bytes_;   // name, type, class, flags
  uint16_t size_ = 0;
  uint16_t qname_size_ = 0;
  uint16_t qtype_ = 0;
  uint16_t qclass_ = 0;
};

class PacketCache {
 public:
  // `clock` must outlive the cache.
  PacketCache(PacketCacheOptions options, const Clock* clock);
  PacketCache(const PacketCache&) = delete;
  PacketCache& operator=(const PacketCache&) = delete;

  // Stores `response`, the whole message just sent for a query with `key`, unless it must not
  // be reused:
  //  - an RCODE other than NOERROR or NXDOMAIN: SERVFAIL and the like describe one moment;
  //  - TC set: the answer is incomplete (RFC 2181 9);
  //  - not exactly one question, or one that is not the key's; a message that does not parse;
  //  - no record with a TTL, or a TTL of 0 (RFC 1035 3.2.1: not to be cached).
  // The entry lives as long as the smallest TTL in it, at most max_ttl, and when the authority
  // section holds an SOA (a negative answer) at most that SOA's MINIMUM and max_negative_ttl
  // (RFC 2308 5). Returns whether it was stored. What the caller must check itself: that the
  // response is what any client with this key would be sent (nothing was left out for size, the
  // access control allowed the query plainly).
  bool Insert(const PacketCacheKey& key, std::span<const uint8_t> response);

  // Writes the response cached under `key` into `out`, patched for the query at hand: its `id`,
  // its `qname` in the letter case it was sent (0x20 clients compare it byte for byte), and each
  // TTL less the entry's age in seconds, rounded up (RFC 1035 3.2.1, RFC 2181 8: a cached TTL
  // counts down). Returns the size written, or 0 on a miss: nothing cached, an entry whose
  // smallest TTL has reached 0, or a response larger than `max_size` or `out` (a client with a
  // smaller UDP buffer goes through the pipeline, which truncates for it). Never allocates.
  // An expired entry is never kept: a stale answer (serve-expired) is built by the pipeline from
  // the RRset and negative caches, which keep the same data. With `refresh_due` (prefetch), a hit
  // in the last tenth of the entry's lifetime sets it, for the first such hit only: the caller
  // starts the one refresh.
  size_t Lookup(const PacketCacheKey& key, uint16_t id, std::span<const uint8_t> qname,
                size_t max_size, std::span<uint8_t> out, bool* refresh_due = nullptr);

  // Empties the cache: after any flush, as a rendered response may hold the flushed data (it
  // refills from the RRset cache at the next question of each kind).
  size_t Clear() {
    return map_.EraseIf([](std::string_view) { return true; });
  }
  size_t bytes() const { return map_.bytes(); }
  size_t entries() const { return map_.entries(); }

 private:
  struct Entry {
    // The message as sent, then the offset of each record's TTL field, two bytes each: one
    // allocation per entry.
    std::string wire_and_offsets;
    uint16_t wire_size = 0;
    uint16_t ttl_count = 0;
    uint32_t lifetime = 0;  // seconds from `stored` until the smallest TTL reaches 0
    int64_t stored_ns = 0;  // when it was stored, Unix nanoseconds
    // A hit has claimed its prefetch; written under the shard lock by Lookup, which reads the
    // entry as const.
    mutable bool refresh_claimed = false;
  };

  const PacketCacheOptions options_;
  const Clock* const clock_;
  ShardedLruMap<Entry> map_;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CACHE_PACKET_CACHE_H_
