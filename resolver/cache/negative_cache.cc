#include "resolver/cache/negative_cache.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "resolver/cache/cache_wire.h"

namespace rebound {
namespace {

// NXDOMAIN entries are keyed by the name with type 0, which is reserved (RFC 6895 3.1) and so
// never a real type: one map holds both kinds without the two ever colliding.
constexpr uint16_t kNxdomainType = 0;

constexpr size_t kSoaMinimumField = 6;

bool IsSoa(const ldns_rr* rr) {
  return rr != nullptr && ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA && ldns_rr_rd_count(rr) == 7 &&
         ldns_rdf_size(ldns_rr_rdf(rr, kSoaMinimumField)) == 4;
}

}  // namespace

NegativeCache::NegativeCache(NegativeCacheOptions options, const Clock* clock)
    : options_(options),
      clock_(clock),
      map_(options.max_bytes, options.shards, options.keep_expired) {}

bool NegativeCache::InsertNxdomain(const ldns_rdf* name, ldns_rr_class rr_class,
                                   const ldns_rr* soa) {
  return Insert(name, kNxdomainType, rr_class, soa);
}

bool NegativeCache::InsertNodata(const ldns_rdf* name, ldns_rr_type type, ldns_rr_class rr_class,
                                 const ldns_rr* soa) {
  if (type == kNxdomainType) return false;
  return Insert(name, type, rr_class, soa);
}

bool NegativeCache::Insert(const ldns_rdf* name, uint16_t type, ldns_rr_class rr_class,
                           const ldns_rr* soa) {
  // RFC 2308 5: negative answers without an SOA must not be cached.
  if (!IsSoa(soa)) return false;
  // RFC 2308 5: the negative TTL is the smaller of the SOA's own TTL and its MINIMUM field;
  // cache-max-negative-ttl bounds it further (RFC 2308 5 suggests one to three hours at most).
  const uint32_t minimum = SaneTtl(ldns_rdf2native_int32(ldns_rr_rdf(soa, kSoaMinimumField)));
  const uint32_t ttl = std::min({SaneTtl(ldns_rr_ttl(soa)), minimum, options_.max_negative_ttl});
  if (ttl == 0) return false;

  std::string key = CacheKey(name, type, rr_class);
  if (key.empty() || ldns_rdf_get_type(ldns_rr_owner(soa)) != LDNS_RDF_TYPE_DNAME) return false;
  Entry entry;
  entry.soa_owner = std::string(NameWire(ldns_rr_owner(soa)));
  if (!AppendRdata(soa, &entry.soa_rdata)) return false;
  entry.ttl = ttl;
  const size_t payload = entry.soa_owner.capacity() + entry.soa_rdata.capacity();
  const absl::Time now = clock_->Now();
  // A newer negative answer simply replaces an older one: both come from the same kind of
  // source, and the newer reflects the zone as it is now.
  return map_.Insert(
      std::move(key), std::move(entry), now + absl::Seconds(ttl), now, payload,
      [](const Entry&) { return true; }, RefreshPoint(now, ttl));
}

void NegativeCache::ForEachEntry(absl::FunctionRef<void(const Visited&)> visit) const {
  map_.ForEachCopied(
      [this] { return clock_->Now(); },
      [&](std::string_view copied_key, const Entry& entry, absl::Time expiry, absl::Time now) {
        const std::optional<CacheKeyParts> key = SplitCacheKey(copied_key);
        if (!key.has_value()) return;
        const auto rr_class = static_cast<ldns_rr_class>(key->rr_class);
        LdnsRrPtr soa = DecodeRr(entry.soa_owner, LDNS_RR_TYPE_SOA, rr_class,
                                 RemainingTtl(expiry, now), entry.soa_rdata);
        LdnsRdfPtr name(
            ldns_dname_new_frm_data(static_cast<uint16_t>(key->owner.size()), key->owner.data()));
        if (soa == nullptr || name == nullptr) return;  // stored by us: should not happen
        visit(Visited{
            std::move(name), key->type, rr_class,
            NegativeAnswer{key->type == kNxdomainType ? LDNS_RCODE_NXDOMAIN : LDNS_RCODE_NOERROR,
                           std::move(soa)}});
      });
}

std::optional<NegativeAnswer> NegativeCache::Lookup(const ldns_rdf* name, ldns_rr_type type,
                                                    ldns_rr_class rr_class, CacheRead read,
                                                    CacheFreshness* found) const {
  // A name that does not exist has no types at all (RFC 2308 2.1), so NXDOMAIN comes first.
  std::optional<NegativeAnswer> answer = Find(name, kNxdomainType, rr_class, read, found);
  if (answer.has_value() || type == kNxdomainType) return answer;
  return Find(name, type, rr_class, read, found);
}

std::optional<NegativeAnswer> NegativeCache::Find(const ldns_rdf* name, uint16_t type,
                                                  ldns_rr_class rr_class, CacheRead read,
                                                  CacheFreshness* found) const {
  const std::string key = CacheKey(name, type, rr_class);
  if (key.empty()) return std::nullopt;
  const absl::Time now = clock_->Now();
  std::optional<ShardedLruMap<Entry>::Hit> hit = map_.Lookup(key, now,
                                                             {.expired = read.expired_ok,
                                                              .claim_refresh = read.claim_refresh,
                                                              .reset_expired = read.reset_expired});
  if (!hit.has_value()) return std::nullopt;
  if (found != nullptr) found->Add(hit->expiry <= now, hit->refresh_claimed);
  // RFC 2308 5: the SOA goes out with the negative TTL counting down, as any cached record.
  LdnsRrPtr soa = DecodeRr(hit->value.soa_owner, LDNS_RR_TYPE_SOA, rr_class,
                           RemainingTtl(hit->expiry, now), hit->value.soa_rdata);
  if (soa == nullptr) return std::nullopt;
  return NegativeAnswer{type == kNxdomainType ? LDNS_RCODE_NXDOMAIN : LDNS_RCODE_NOERROR,
                        std::move(soa)};
}

}  // namespace rebound
