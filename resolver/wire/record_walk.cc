#include "resolver/wire/record_walk.h"

#include "resolver/wire/wire_format.h"

namespace rebound::wire {
namespace {

// A name has at most 127 non-root labels, and a well-formed compressed name needs at most one
// pointer per label; more hops than that can only be an attack.
constexpr int kMaxPointerHops = 127;

}  // namespace

std::optional<size_t> SkipName(std::span<const uint8_t> p, size_t pos) {
  std::optional<size_t> end;  // set at the first pointer
  size_t name_length = 0;
  int hops = 0;
  while (pos < p.size()) {
    const uint8_t label = p[pos];
    if ((label & kLabelTypeMask) == kPointerLabel) {
      if (pos + 1 >= p.size()) return std::nullopt;
      const size_t target = Load16(p, pos) & kPointerOffsetMask;
      // RFC 1035 4.1.4: a pointer refers to a prior occurrence. Requiring every hop to go
      // strictly backwards (and past the header) rules out loops; the hop cap bounds the work.
      if (target < kHeaderSize || target >= pos || ++hops > kMaxPointerHops) return std::nullopt;
      if (!end) end = pos + 2;
      pos = target;
      continue;
    }
    // The label types 01 and 10 are not in use (RFC 6891 5).
    if ((label & kLabelTypeMask) != 0) return std::nullopt;
    name_length += 1 + label;
    if (name_length > kMaxNameLength) return std::nullopt;
    if (label == 0) return end ? *end : pos + 1;
    pos += 1 + label;
  }
  return std::nullopt;
}

std::optional<RecordExtent> ReadRecordExtent(std::span<const uint8_t> p, size_t pos) {
  const std::optional<size_t> fixed = SkipName(p, pos);
  if (!fixed || p.size() - *fixed < kRrFixedSize) return std::nullopt;
  RecordExtent record;
  record.owner = pos;
  record.fixed = *fixed;
  record.type = Load16(p, *fixed);
  record.rdata_start = *fixed + kRrFixedSize;
  const size_t rdlength = Load16(p, *fixed + 8);
  if (p.size() - record.rdata_start < rdlength) return std::nullopt;
  record.end = record.rdata_start + rdlength;
  return record;
}

}  // namespace rebound::wire
