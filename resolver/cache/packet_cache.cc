#include "resolver/cache/packet_cache.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>
#include <vector>

#include "resolver/wire/record_walk.h"
#include "resolver/wire/wire_format.h"

namespace rebound {
namespace {

using wire::Load16;
using wire::Load32;

constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr uint16_t kTypeSoa = 6;
constexpr uint8_t kRcodeNxDomain = 3;  // RFC 1035 4.1.1
// RFC 1035 3.3.13: MNAME and RNAME (at least the root label each) and five 32-bit fields, the
// last of which is MINIMUM.
constexpr size_t kMinSoaRdata = 1 + 1 + 5 * 4;

uint8_t AsciiLower(uint8_t c) { return c >= 'A' && c <= 'Z' ? static_cast<uint8_t>(c + 32) : c; }

// RFC 2181 8: a TTL with the most significant bit set is treated as zero.
uint32_t SaneTtl(uint32_t ttl) { return ttl > 0x7fffffffu ? 0 : ttl; }

void Store16(uint8_t* at, uint16_t v) {
  at[0] = static_cast<uint8_t>(v >> 8);
  at[1] = static_cast<uint8_t>(v);
}

void Store32(uint8_t* at, uint32_t v) {
  Store16(at, static_cast<uint16_t>(v >> 16));
  Store16(at + 2, static_cast<uint16_t>(v));
}

// What Insert needs to know of a response: where its TTLs are and how long it may be reused.
struct ScannedResponse {
  std::vector<uint16_t> ttl_offsets;
  uint32_t min_ttl = std::numeric_limits<uint32_t>::max();
  bool has_soa = false;
  uint32_t soa_limit = std::numeric_limits<uint32_t>::max();  // min(SOA TTL, MINIMUM)
};

// Whether the question of `m` is the key's: one uncompressed name equal to it but for letter
// case, then its type and class. Returns the offset after the question, or nullopt.
std::optional<size_t> MatchQuestion(std::span<const uint8_t> m, const PacketCacheKey& key) {
  const std::span<const uint8_t> qname = key.qname();
  size_t pos = wire::kHeaderSize;
  if (m.size() < pos + qname.size() + wire::kQuestionFixedSize) return std::nullopt;
  for (size_t i = 0; i < qname.size(); ++i) {
    if (AsciiLower(m[pos + i]) != qname[i]) return std::nullopt;
  }
  // Equal bytes in the same places: the same labels, so the name ends where the key's does.
  pos += qname.size();
  if (Load16(m, pos) != key.qtype() || Load16(m, pos + 2) != key.qclass()) return std::nullopt;
  return pos + wire::kQuestionFixedSize;
}

// Walks the answer, authority and additional sections from `pos` to the end of `m`.
bool ScanRecords(std::span<const uint8_t> m, size_t pos, ScannedResponse* out) {
  const uint32_t counts[3] = {Load16(m, wire::kAncountOffset), Load16(m, wire::kNscountOffset),
                              Load16(m, wire::kArcountOffset)};
  for (int section = 0; section < 3; ++section) {
    for (uint32_t i = 0; i < counts[section]; ++i) {
      const std::optional<size_t> fixed = wire::SkipName(m, pos);
      if (!fixed || m.size() - *fixed < wire::kRrFixedSize) return false;
      const uint16_t type = Load16(m, *fixed);
      const size_t ttl_at = *fixed + 4;
      const size_t rdata = *fixed + wire::kRrFixedSize;
      const size_t rdlength = Load16(m, *fixed + 8);
      if (m.size() - rdata < rdlength) return false;
      pos = rdata + rdlength;
      if (type == wire::kTypeOpt) {
        // RFC 6891 6.1.3: the OPT's "TTL" holds the extended RCODE, version and flags, not a
        // time. Any extended RCODE (BADVERS and up) is an error, not an answer to keep.
        if (section != 2 || m[ttl_at] != 0) return false;
        continue;
      }
      const uint32_t ttl = SaneTtl(Load32(m, ttl_at));
      out->ttl_offsets.push_back(static_cast<uint16_t>(ttl_at));
      out->min_ttl = std::min(out->min_ttl, ttl);
      if (section == 1 && type == kTypeSoa) {
        // RFC 2308 5: a negative answer lives min(SOA TTL, SOA MINIMUM).
        if (rdlength < kMinSoaRdata) return false;
        out->has_soa = true;
        out->soa_limit = std::min({out->soa_limit, ttl, Load32(m, pos - 4)});
      }
    }
  }
  return pos == m.size();
}

}  // namespace

PacketCacheKey::PacketCacheKey(std::span<const uint8_t> qname, uint16_t qtype, uint16_t qclass,
                               uint8_t flags)
    : qtype_(qtype), qclass_(qclass) {
  if (qname.empty() || qname.size() > kMaxQname) return;
  // RFC 4343: names compare without regard to ASCII case. Length octets are at most 63, below
  // 'A', so lowercasing every byte touches only letters.
  for (size_t i = 0; i < qname.size(); ++i) bytes_[i] = static_cast<char>(AsciiLower(qname[i]));
  size_t size = qname.size();
  bytes_[size++] = static_cast<char>(qtype >> 8);
  bytes_[size++] = static_cast<char>(qtype);
  bytes_[size++] = static_cast<char>(qclass >> 8);
  bytes_[size++] = static_cast<char>(qclass);
  bytes_[size++] = static_cast<char>(flags);
  size_ = static_cast<uint16_t>(size);
  qname_size_ = static_cast<uint16_t>(qname.size());
}

PacketCache::PacketCache(PacketCacheOptions options, const Clock* clock)
    : options_(options), clock_(clock), map_(options.max_bytes, options.shards) {}

bool PacketCache::Insert(const PacketCacheKey& key, std::span<const uint8_t> response) {
  if (!key.valid() || response.size() < wire::kHeaderSize ||
      response.size() > wire::kMaxMessageSize) {
    return false;
  }
  const uint8_t flags1 = response[wire::kFlags1Offset];
  const uint8_t rcode = response[wire::kFlags2Offset] & wire::kRcodeMask;
  if ((flags1 & wire::kQrBit) == 0 || (flags1 & wire::kTcBit) != 0) return false;
  if (rcode != wire::kRcodeNoError && rcode != kRcodeNxDomain) return false;
  if (Load16(response, wire::kQdcountOffset) != 1) return false;
  const std::optional<size_t> records = MatchQuestion(response, key);
  ScannedResponse scanned;
  if (!records || !ScanRecords(response, *records, &scanned)) return false;
  if (scanned.ttl_offsets.empty()) return false;

  uint32_t lifetime = std::min(scanned.min_ttl, options_.max_ttl);
  if (scanned.has_soa)
    lifetime = std::min({lifetime, scanned.soa_limit, options_.max_negative_ttl});
  if (lifetime == 0) return false;

  Entry entry;
  entry.wire_size = static_cast<uint16_t>(response.size());
  entry.ttl_count = static_cast<uint16_t>(scanned.ttl_offsets.size());
  entry.lifetime = lifetime;
  const absl::Time now = clock_->Now();
  entry.stored_ns = absl::ToUnixNanos(now);
  entry.wire_and_offsets.resize(response.size() + 2 * scanned.ttl_offsets.size());
  auto* bytes = reinterpret_cast<uint8_t*>(entry.wire_and_offsets.data());
  std::memcpy(bytes, response.data(), response.size());
  for (size_t i = 0; i < scanned.ttl_offsets.size(); ++i) {
    Store16(bytes + response.size() + 2 * i, scanned.ttl_offsets[i]);
  }
  const size_t payload = entry.wire_and_offsets.capacity();
  // A newer rendering of the same question replaces an older one.
  return map_.Insert(std::string(key.bytes()), std::move(entry), now + absl::Seconds(lifetime), now,
                     payload, [](const Entry&) { return true; });
}

size_t PacketCache::Lookup(const PacketCacheKey& key, uint16_t id, std::span<const uint8_t> qname,
                           size_t max_size, std::span<uint8_t> out, bool* refresh_due) {
  if (!key.valid() || qname.size() != key.qname().size()) return 0;
  const absl::Time now = clock_->Now();
  const int64_t now_ns = absl::ToUnixNanos(now);
  size_t size = 0;
  map_.Read(key.bytes(), now, [&](const Entry& entry) {
    if (entry.wire_size > max_size || entry.wire_size > out.size()) return false;
    // Whole seconds, rounded up: a TTL handed out never claims more time than is left.
    const int64_t age_ns = std::max<int64_t>(now_ns - entry.stored_ns, 0);
    const int64_t age = (age_ns + kNanosPerSecond - 1) / kNanosPerSecond;
    if (age >= entry.lifetime) return false;  // its smallest TTL would be 0: a miss
    // unbound's prefetch point: 90% of the lifetime gone.
    if (refresh_due != nullptr && !entry.refresh_claimed &&
        age_ns * 10 >= int64_t{entry.lifetime} * 9 * kNanosPerSecond) {
      entry.refresh_claimed = true;
      *refresh_due = true;
    }
    const auto* stored = reinterpret_cast<const uint8_t*>(entry.wire_and_offsets.data());
    std::memcpy(out.data(), stored, entry.wire_size);
    const uint8_t* offsets = stored + entry.wire_size;
    for (size_t i = 0; i < entry.ttl_count; ++i) {
      const size_t at = (size_t{offsets[2 * i]} << 8) | offsets[2 * i + 1];
      // Every TTL is at least the lifetime, so it stays above 0.
      Store32(out.data() + at, Load32(out, at) - static_cast<uint32_t>(age));
    }
    size = entry.wire_size;
    return true;
  });
  if (size == 0) return 0;
  Store16(out.data() + wire::kIdOffset, id);
  // The question is uncompressed at the start of the message (Insert checked it).
  std::memcpy(out.data() + wire::kHeaderSize, qname.data(), qname.size());
  return size;
}

}  // namespace rebound
