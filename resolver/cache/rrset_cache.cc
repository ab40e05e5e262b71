#include "resolver/cache/rrset_cache.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "resolver/cache/cache_wire.h"

namespace rebound {
namespace {

// Whether `rr` belongs to the same RRset as `first`. Owners compare case-insensitively.
bool SameRrset(const ldns_rr* first, const ldns_rr* rr) {
  return ldns_rr_get_type(rr) == ldns_rr_get_type(first) &&
         ldns_rr_get_class(rr) == ldns_rr_get_class(first) &&
         CoveredType(rr) == CoveredType(first) &&
         ldns_dname_compare(ldns_rr_owner(rr), ldns_rr_owner(first)) == 0;
}

// The records of one entry, each with `ttl`; null if one does not decode (stored by us from
// parsed records: should not happen).
LdnsRrListPtr DecodeRrset(std::string_view owner_wire, uint16_t type, uint16_t rr_class,
                          uint32_t ttl, std::string_view rdata_list) {
  LdnsRrListPtr list(ldns_rr_list_new());
  std::string_view rdata;
  while (NextRdata(&rdata_list, &rdata)) {
    LdnsRrPtr rr = DecodeRr(owner_wire, type, rr_class, ttl, rdata);
    if (rr == nullptr) return nullptr;
    ldns_rr_list_push_rr(list.get(), rr.release());
  }
  return list;
}

}  // namespace

RrsetCache::RrsetCache(RrsetCacheOptions options, const Clock* clock)
    : options_(options),
      clock_(clock),
      map_(options.max_bytes, options.shards, options.keep_expired) {}

bool RrsetCache::Insert(const ldns_rr_list& rrset, Trust trust) {
  std::vector<const ldns_rr*> rrs(ldns_rr_list_rr_count(&rrset));
  for (size_t i = 0; i < rrs.size(); ++i) rrs[i] = ldns_rr_list_rr(&rrset, i);
  return Insert(rrs, trust);
}

bool RrsetCache::Insert(absl::Span<const ldns_rr* const> rrset, Trust trust) {
  if (rrset.empty()) return false;
  const ldns_rr* first = rrset.front();
  // Render outside the shard lock: the lock covers only the map update.
  std::vector<std::string> rdatas;
  rdatas.reserve(rrset.size());  // no reallocation: `seen` points into these strings
  absl::flat_hash_set<std::string_view> seen;
  uint32_t min_ttl = UINT32_MAX;
  for (const ldns_rr* rr : rrset) {
    if (!SameRrset(first, rr)) return false;
    min_ttl = std::min(min_ttl, SaneTtl(ldns_rr_ttl(rr)));
    rdatas.emplace_back();
    if (!AppendRdata(rr, &rdatas.back())) return false;
    // RFC 2181 5: an RRset holds no duplicate records, whatever the sender put in the message.
    if (!seen.insert(rdatas.back()).second) rdatas.pop_back();
  }
  // RFC 2181 5.2: the records of an RRset should share one TTL; where they do not, the
  // smallest one is the safe choice. Then the operator's bounds (cache-min-ttl, cache-max-ttl).
  const uint32_t ttl = std::min(std::max(min_ttl, options_.min_ttl), options_.max_ttl);
  if (ttl == 0) return false;  // RFC 1035 3.2.1: a zero TTL means "do not cache"

  std::string key = CacheKey(ldns_rr_owner(first), ldns_rr_get_type(first),
                             ldns_rr_get_class(first), CoveredType(first));
  if (key.empty()) return false;
  Entry entry;
  for (const std::string& rdata : rdatas) entry.rdata.append(rdata);
  entry.ttl = ttl;
  entry.trust = trust;
  const size_t payload = entry.rdata.capacity();
  const absl::Time now = clock_->Now();
  // RFC 2181 5.4.1: cached data is not replaced by data of lower trust while it lasts.
  return map_.Insert(
      std::move(key), std::move(entry), now + absl::Seconds(ttl), now, payload,
      [trust](const Entry& old) { return trust >= old.trust; }, RefreshPoint(now, ttl));
}

LdnsRrListPtr RrsetCache::Lookup(const ldns_rdf* owner, ldns_rr_type type, ldns_rr_class rr_class,
                                 Trust at_least, CacheRead read, CacheFreshness* found) const {
  return Find(owner, type, rr_class, 0, at_least, read, found);
}

LdnsRrListPtr RrsetCache::LookupSignatures(const ldns_rdf* owner, ldns_rr_type covered,
                                           ldns_rr_class rr_class, CacheRead read,
                                           CacheFreshness* found) const {
  return Find(owner, LDNS_RR_TYPE_RRSIG, rr_class, covered, Trust::kAdditional, read, found);
}

LdnsRrListPtr RrsetCache::Find(const ldns_rdf* owner, uint16_t type, uint16_t rr_class,
                               uint16_t covered, Trust at_least, CacheRead read,
                               CacheFreshness* found) const {
  const std::string key = CacheKey(owner, type, rr_class, covered);
  if (key.empty()) return nullptr;
  const absl::Time now = clock_->Now();
  std::optional<ShardedLruMap<Entry>::Hit> hit = map_.Lookup(key, now,
                                                             {.expired = read.expired_ok,
                                                              .claim_refresh = read.claim_refresh,
                                                              .reset_expired = read.reset_expired});
  if (!hit.has_value() || hit->value.trust < at_least) return nullptr;
  if (found != nullptr) found->Add(hit->expiry <= now, hit->refresh_claimed);
  // TTLs count down: what is handed out is what is left (RFC 1035 3.2.1, RFC 2181 8).
  const uint32_t ttl = RemainingTtl(hit->expiry, now);
  const std::string_view owner_wire =
      std::string_view(key).substr(0, ldns_rdf_size(owner));  // the lowercased owner
  return DecodeRrset(owner_wire, type, rr_class, ttl, hit->value.rdata);
}

void RrsetCache::ForEachRrset(absl::FunctionRef<void(const Visited&)> visit) const {
  map_.ForEachCopied(
      [this] { return clock_->Now(); },
      [&](std::string_view copied_key, const Entry& entry, absl::Time expiry, absl::Time now) {
        const std::optional<CacheKeyParts> key = SplitCacheKey(copied_key);
        // Signatures are visited with the RRset they cover.
        if (!key.has_value() || key->type == LDNS_RR_TYPE_RRSIG) return;
        const uint32_t ttl = RemainingTtl(expiry, now);
        Visited visited{DecodeRrset(key->owner, key->type, key->rr_class, ttl, entry.rdata),
                        nullptr, entry.trust, ttl};
        if (visited.records == nullptr) return;  // stored by us from parsed records
        const std::string signatures_key =
            CacheKeyOfWire(key->owner, LDNS_RR_TYPE_RRSIG, key->rr_class, key->type);
        if (std::optional<ShardedLruMap<Entry>::Hit> sigs = map_.Peek(signatures_key, now)) {
          visited.signatures = DecodeRrset(key->owner, LDNS_RR_TYPE_RRSIG, key->rr_class,
                                           RemainingTtl(sigs->expiry, now), sigs->value.rdata);
        }
        if (visited.signatures == nullptr) visited.signatures.reset(ldns_rr_list_new());
        visit(visited);
      });
}

void RrsetCache::InsertRecords(const ldns_rr_list* records, Trust trust) {
  if (records == nullptr) return;
  // Grouping through a hash of the key keeps a hostile message with thousands of owners linear.
  absl::flat_hash_map<std::string, size_t> index;
  std::vector<std::vector<const ldns_rr*>> rrsets;
  for (size_t i = 0; i < ldns_rr_list_rr_count(records); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(records, i);
    const uint16_t type = ldns_rr_get_type(rr);
    // SIG in a message is a SIG(0) transaction signature (RFC 2931), not zone data.
    if (!IsDataType(type) || type == LDNS_RR_TYPE_SIG) continue;
    std::string key = CacheKey(ldns_rr_owner(rr), type, ldns_rr_get_class(rr), CoveredType(rr));
    if (key.empty()) continue;
    auto [it, inserted] = index.try_emplace(std::move(key), rrsets.size());
    if (inserted) rrsets.emplace_back();
    rrsets[it->second].push_back(rr);
  }
  for (const std::vector<const ldns_rr*>& rrset : rrsets) Insert(rrset, trust);
}

}  // namespace rebound
