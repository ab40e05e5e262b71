#include "resolver/iterator/infra_cache.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <utility>

#include "absl/hash/hash.h"
#include "absl/strings/ascii.h"
#include "resolver/core/random.h"

namespace rebound {
namespace {

// 2^10 times any RTO is far above max_rto; the count itself may go on (it decides "down").
constexpr int kMaxBackoffShift = 10;
// Keeps the count from overflowing when a dead server is asked forever.
constexpr int kMaxCountedTimeouts = 1000;

absl::Duration Backoff(absl::Duration d, int timeouts) {
  return d * (int64_t{1} << std::min(timeouts, kMaxBackoffShift));
}

// Lowercased wire form: zone names compare case-insensitively (RFC 4343).
std::string ZoneKey(const ldns_rdf* zone) {
  std::string key(reinterpret_cast<const char*>(ldns_rdf_data(zone)), ldns_rdf_size(zone));
  absl::AsciiStrToLower(&key);
  return key;
}

}  // namespace

InfraCache::InfraCache(InfraCacheOptions options, const Clock* clock)
    : options_(std::move(options)),
      clock_(clock),
      // Never more shards than hosts: each shard holds max_hosts / shards, at least one.
      shard_mask_(std::bit_floor(std::clamp<size_t>(options_.shards, 1,
                                                    std::max<size_t>(options_.max_hosts, 1))) -
                  1),
      shards_(std::make_unique<Shard[]>(shard_mask_ + 1)) {
  for (size_t i = 0; i <= shard_mask_; ++i) {
    shards_[i].max_hosts = std::max<size_t>(options_.max_hosts / (shard_mask_ + 1), 1);
  }
}

InfraCache::HostKey InfraCache::KeyOf(const Endpoint& server) {
  HostKey key{};
  const sockaddr* sa = server.sockaddr_ptr();
  key[0] = server.family() == AF_INET6 ? 6 : server.family() == AF_INET ? 4 : 0;
  const uint16_t port = server.port();
  key[1] = static_cast<uint8_t>(port >> 8);
  key[2] = static_cast<uint8_t>(port);
  if (server.family() == AF_INET) {
    std::memcpy(&key[3], &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, 4);
  } else if (server.family() == AF_INET6) {
    const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(sa);
    std::memcpy(&key[3], &sin6->sin6_addr, 16);
    std::memcpy(&key[19], &sin6->sin6_scope_id, 4);
  }
  return key;
}

InfraCache::Shard& InfraCache::ShardFor(const HostKey& key) const {
  // The map hashes the same key with the same function; remixing keeps the shard index from
  // sharing the bits the map uses to pick buckets.
  const uint64_t h = absl::Hash<HostKey>()(key);
  return shards_[((h * 0x9E3779B97F4A7C15ull) >> 32) & shard_mask_];
}

const InfraCache::HostEntry* InfraCache::Find(const Shard& shard, const HostKey& key,
                                              absl::Time now) const {
  auto it = shard.hosts.find(key);
  if (it == shard.hosts.end() || it->second.expiry <= now) return nullptr;
  return &it->second;
}

InfraCache::HostEntry& InfraCache::FindOrCreate(Shard& shard, const HostKey& key,
                                                absl::Time now) const {
  // Creation order is expiry order, so every expired entry is at the front.
  while (!shard.order.empty()) {
    auto front = shard.hosts.find(shard.order.front());
    if (front->second.expiry > now) break;
    shard.hosts.erase(front);
    shard.order.pop_front();
  }
  if (auto it = shard.hosts.find(key); it != shard.hosts.end()) return it->second;
  if (shard.order.size() >= shard.max_hosts) {
    shard.hosts.erase(shard.order.front());
    shard.order.pop_front();
  }
  shard.order.push_back(key);
  HostEntry& entry = shard.hosts[key];
  entry.expiry = now + options_.host_ttl;
  return entry;
}

absl::Duration InfraCache::ExpectedRtt(const HostEntry* entry) const {
  if (entry == nullptr) return options_.initial_rto;
  return Backoff(entry->has_rtt ? entry->srtt : options_.initial_rto, entry->consecutive_timeouts);
}

absl::Duration InfraCache::Timeout(const Endpoint& server) const {
  const HostKey key = KeyOf(server);
  const Shard& shard = ShardFor(key);
  const absl::Time now = clock_->Now();
  absl::Duration rto = options_.initial_rto;
  int timeouts = 0;
  {
    absl::ReaderMutexLock lock(&shard.mu);
    if (const HostEntry* entry = Find(shard, key, now)) {
      // RFC 6298 2.3: RTO = SRTT + max(G, K * RTTVAR) with K = 4; min_rto stands in for G.
      if (entry->has_rtt) rto = entry->srtt + 4 * entry->rttvar;
      timeouts = entry->consecutive_timeouts;
    }
  }
  // Not std::clamp: a misconfigured min_rto above max_rto must not be undefined behaviour.
  rto = std::min(std::max(rto, options_.min_rto), options_.max_rto);
  // RFC 6298 5.5: back off the timer for each retransmission; 2.5: a maximum may cap it.
  return std::min(Backoff(rto, timeouts), options_.max_rto);
}

void InfraCache::RecordReply(const Endpoint& server, absl::Duration rtt) {
  rtt = std::max(rtt, absl::ZeroDuration());
  const HostKey key = KeyOf(server);
  Shard& shard = ShardFor(key);
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&shard.mu);
  HostEntry& entry = FindOrCreate(shard, key, now);
  if (!entry.has_rtt) {
    // RFC 6298 2.2: the first measurement R sets SRTT = R, RTTVAR = R/2.
    entry.has_rtt = true;
    entry.srtt = rtt;
    entry.rttvar = rtt / 2;
  } else {
    // RFC 6298 2.3 with alpha = 1/8, beta = 1/4; RTTVAR first, from the old SRTT.
    entry.rttvar = (3 * entry.rttvar + absl::AbsDuration(entry.srtt - rtt)) / 4;
    entry.srtt = (7 * entry.srtt + rtt) / 8;
  }
  entry.consecutive_timeouts = 0;
  entry.down_until = absl::InfinitePast();
}

void InfraCache::RecordTimeout(const Endpoint& server) {
  const HostKey key = KeyOf(server);
  Shard& shard = ShardFor(key);
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&shard.mu);
  HostEntry& entry = FindOrCreate(shard, key, now);
  entry.consecutive_timeouts = std::min(entry.consecutive_timeouts + 1, kMaxCountedTimeouts);
  // Once down, a probe that times out again keeps it down: the count is still over the limit.
  if (entry.consecutive_timeouts >= options_.timeouts_until_down) {
    entry.down_until = now + options_.down_time;
  }
}

void InfraCache::RecordUnreachable(const Endpoint& server) {
  const HostKey key = KeyOf(server);
  Shard& shard = ShardFor(key);
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&shard.mu);
  // No backoff: the failure was immediate, so the RTT estimate says nothing new.
  FindOrCreate(shard, key, now).down_until = now + options_.down_time;
}

bool InfraCache::IsDown(const Endpoint& server) const {
  const HostKey key = KeyOf(server);
  const Shard& shard = ShardFor(key);
  const absl::Time now = clock_->Now();
  absl::ReaderMutexLock lock(&shard.mu);
  const HostEntry* entry = Find(shard, key, now);
  return entry != nullptr && entry->down_until > now;
}

std::vector<size_t> InfraCache::Order(absl::Span<const Endpoint> candidates) const {
  struct Ranked {
    size_t index;
    absl::Duration expected;
    absl::Time down_until;  // InfinitePast when up
  };
  const absl::Time now = clock_->Now();
  std::vector<Ranked> up;
  std::vector<Ranked> down;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const HostKey key = KeyOf(candidates[i]);
    const Shard& shard = ShardFor(key);
    absl::ReaderMutexLock lock(&shard.mu);
    const HostEntry* entry = Find(shard, key, now);
    const absl::Time down_until = entry != nullptr ? entry->down_until : absl::InfinitePast();
    (down_until > now ? down : up).push_back({i, ExpectedRtt(entry), down_until});
  }
  std::stable_sort(up.begin(), up.end(),
                   [](const Ranked& a, const Ranked& b) { return a.expected < b.expected; });
  // The band: every server within selection_band of the best, shuffled (Fisher-Yates) with the
  // CSPRNG so that an off-path attacker cannot tell which server the next query goes to.
  size_t band = 0;
  while (band < up.size() && up[band].expected <= up[0].expected + options_.selection_band) {
    ++band;
  }
  for (size_t i = band; i > 1; --i) {
    std::swap(up[i - 1], up[SecureRandomBelow(static_cast<uint32_t>(i))]);
  }
  std::stable_sort(down.begin(), down.end(),
                   [](const Ranked& a, const Ranked& b) { return a.down_until < b.down_until; });
  std::vector<size_t> order;
  order.reserve(candidates.size());
  for (const std::vector<Ranked>* part : {&up, &down}) {
    for (const Ranked& r : *part) order.push_back(r.index);
  }
  return order;
}

bool InfraCache::EdnsUnsupported(const Endpoint& server) const {
  const HostKey key = KeyOf(server);
  const Shard& shard = ShardFor(key);
  absl::ReaderMutexLock lock(&shard.mu);
  const HostEntry* entry = Find(shard, key, clock_->Now());
  return entry != nullptr && entry->edns_unsupported;
}

void InfraCache::SetEdnsUnsupported(const Endpoint& server) {
  const HostKey key = KeyOf(server);
  Shard& shard = ShardFor(key);
  absl::MutexLock lock(&shard.mu);
  FindOrCreate(shard, key, clock_->Now()).edns_unsupported = true;
}

bool InfraCache::CaseNotEchoed(const Endpoint& server) const {
  const HostKey key = KeyOf(server);
  const Shard& shard = ShardFor(key);
  const absl::Time now = clock_->Now();
  absl::ReaderMutexLock lock(&shard.mu);
  const HostEntry* entry = Find(shard, key, now);
  return entry != nullptr && entry->case_off_until > now;
}

void InfraCache::RecordCaseMismatch(const Endpoint& server) {
  const HostKey key = KeyOf(server);
  Shard& shard = ShardFor(key);
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&shard.mu);
  HostEntry& entry = FindOrCreate(shard, key, now);
  if (entry.case_off_until > now) return;  // off already
  if (entry.case_mismatches == 0 ||
      now - entry.first_case_mismatch > options_.case_mismatch_window) {
    entry.case_mismatches = 0;
    entry.first_case_mismatch = now;
  }
  if (++entry.case_mismatches < std::max(options_.case_mismatches_to_disable, 1)) return;
  entry.case_mismatches = 0;
  entry.case_off_until = now + options_.case_off_time;
}

void InfraCache::RecordCaseEchoed(const Endpoint& server) {
  const HostKey key = KeyOf(server);
  Shard& shard = ShardFor(key);
  absl::MutexLock lock(&shard.mu);
  auto it = shard.hosts.find(key);
  if (it != shard.hosts.end()) it->second.case_mismatches = 0;
}

void InfraCache::SetLame(const Endpoint& server, const ldns_rdf* zone) {
  std::string zone_key = ZoneKey(zone);
  const HostKey key = KeyOf(server);
  Shard& shard = ShardFor(key);
  absl::MutexLock lock(&shard.mu);
  std::vector<std::string>& zones = FindOrCreate(shard, key, clock_->Now()).lame_zones;
  if (std::find(zones.begin(), zones.end(), zone_key) != zones.end()) return;
  // Bounded: a server can be made to look lame for any number of zones by whoever controls it.
  if (zones.size() >= std::max<size_t>(options_.max_lame_zones_per_host, 1)) {
    zones.erase(zones.begin());
  }
  zones.push_back(std::move(zone_key));
}

bool InfraCache::IsLame(const Endpoint& server, const ldns_rdf* zone) const {
  const std::string zone_key = ZoneKey(zone);
  const HostKey key = KeyOf(server);
  const Shard& shard = ShardFor(key);
  absl::ReaderMutexLock lock(&shard.mu);
  const HostEntry* entry = Find(shard, key, clock_->Now());
  return entry != nullptr && std::find(entry->lame_zones.begin(), entry->lame_zones.end(),
                                       zone_key) != entry->lame_zones.end();
}

std::optional<InfraServerInfo> InfraCache::Lookup(const Endpoint& server) const {
  const HostKey key = KeyOf(server);
  const Shard& shard = ShardFor(key);
  const absl::Time now = clock_->Now();
  absl::ReaderMutexLock lock(&shard.mu);
  const HostEntry* entry = Find(shard, key, now);
  if (entry == nullptr) return std::nullopt;
  InfraServerInfo info;
  if (entry->has_rtt) info.srtt = entry->srtt;
  info.rttvar = entry->rttvar;
  info.consecutive_timeouts = entry->consecutive_timeouts;
  info.down = entry->down_until > now;
  info.edns_unsupported = entry->edns_unsupported;
  info.case_not_echoed = entry->case_off_until > now;
  info.case_mismatches = entry->case_mismatches;
  info.lame_zones = entry->lame_zones.size();
  info.expiry = entry->expiry;
  return info;
}

size_t InfraCache::size() const {
  size_t total = 0;
  for (size_t i = 0; i <= shard_mask_; ++i) {
    absl::ReaderMutexLock lock(&shards_[i].mu);
    total += shards_[i].hosts.size();
  }
  return total;
}

size_t InfraCache::Flush(const Endpoint* server) {
  size_t erased = 0;
  for (size_t i = 0; i <= shard_mask_; ++i) {
    Shard& shard = shards_[i];
    absl::MutexLock lock(&shard.mu);
    if (server == nullptr) {
      erased += shard.hosts.size();
      shard.hosts.clear();
      shard.order.clear();
      continue;
    }
    const HostKey key = KeyOf(*server);
    if (shard.hosts.erase(key) == 0) continue;
    std::erase(shard.order, key);  // every key in the FIFO must name an entry
    ++erased;
  }
  return erased;
}

}  // namespace rebound
