// The compact forms the caches keep: byte-string keys, and records reduced to their rdata.
#ifndef REBOUND_RESOLVER_CACHE_CACHE_WIRE_H_
#define REBOUND_RESOLVER_CACHE_CACHE_WIRE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "resolver/wire/ldns_ptr.h"

namespace rebound {

// The key of (owner, type, class): the owner in wire form with ASCII letters lowercased (names
// compare case-insensitively, RFC 4343), then type and class in network order, then for RRSIG
// the covered type (so the signatures of each RRset at a name are kept apart, as they arrive in
// different answers). Empty when `owner` is not a domain name.
// RFC 6895 3.1: TYPE 0 is reserved, OPT is a pseudo-record and 128-255 are meta-types and
// QTYPEs (TKEY, TSIG, IXFR, AXFR, MAILB, MAILA, ANY): none names an RRset, so none is cached,
// answered from the cache or proven absent by a NODATA answer.
inline bool IsDataType(uint16_t type) {
  return type != 0 && type != LDNS_RR_TYPE_OPT && (type < 128 || type > 255);
}

std::string CacheKey(const ldns_rdf* owner, uint16_t type, uint16_t rr_class, uint16_t covered = 0);

// Which cache entries a flush removes (rebound-control's flush, flush_type, flush_zone): those
// whose key (CacheKey's layout) has the owner `name`, or with `subtree` any owner at or below
// it, and, when `type` is set, that type (an RRSIG entry goes with the type it covers).
struct CacheKeyFilter {
  std::string name;  // lowercased wire form
  bool subtree = false;
  std::optional<uint16_t> type;

  static CacheKeyFilter For(const ldns_rdf* name, bool subtree, std::optional<uint16_t> type);
  bool Matches(std::string_view key) const;
};
// CacheKey for an owner already in lowercased wire form (taken from another key).
std::string CacheKeyOfWire(std::string_view owner_wire, uint16_t type, uint16_t rr_class,
                           uint16_t covered = 0);

// A key CacheKey made, taken apart: the lowercased owner in wire form, type and class (the
// covered type of an RRSIG key is left off). Nothing when `key` is not one.
struct CacheKeyParts {
  std::string_view owner;
  uint16_t type = 0;
  uint16_t rr_class = 0;
};
std::optional<CacheKeyParts> SplitCacheKey(std::string_view key);

// The type an RRSIG covers, or 0 for any other record (or an RRSIG without that field).
uint16_t CoveredType(const ldns_rr* rr);

// Appends rr's rdata, uncompressed and prefixed by its 16-bit length, to `out`. Returns false
// (leaving `out` as it was) if ldns cannot render it.
bool AppendRdata(const ldns_rr* rr, std::string* out);

// Splits the next length-prefixed rdata off the front of `*rdata_list`, into `*rdata`.
// Returns false at the end or on a truncated entry.
bool NextRdata(std::string_view* rdata_list, std::string_view* rdata);

// Rebuilds one record from its parts; `rdata` is one entry as AppendRdata wrote it (length
// prefix included), `owner` a name in wire form. Null if ldns rejects it.
LdnsRrPtr DecodeRr(std::string_view owner, uint16_t type, uint16_t rr_class, uint32_t ttl,
                   std::string_view rdata);

// The wire form of a name rdf (its case kept).
inline std::string_view NameWire(const ldns_rdf* name) {
  return std::string_view(reinterpret_cast<const char*>(ldns_rdf_data(name)), ldns_rdf_size(name));
}

// RFC 2181 8: a TTL with the most significant bit set is treated as zero.
inline uint32_t SaneTtl(uint32_t ttl) { return ttl > 0x7fffffffu ? 0 : ttl; }

// Whole seconds left until `expiry` (the TTL to hand out now), 0 once it has passed.
inline uint32_t RemainingTtl(absl::Time expiry, absl::Time now) {
  if (expiry <= now) return 0;
  return static_cast<uint32_t>(absl::ToInt64Seconds(expiry - now));
}

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CACHE_CACHE_WIRE_H_
