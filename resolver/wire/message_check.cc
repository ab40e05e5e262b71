#include "resolver/wire/message_check.h"

#include <optional>

#include "resolver/wire/record_walk.h"
#include "resolver/wire/wire_format.h"

namespace rebound {
namespace {

constexpr uint16_t kTypeTsig = 250;  // RFC 8945 4.2

}  // namespace

bool SafeForLdns(std::span<const uint8_t> message) {
  if (message.size() < wire::kHeaderSize) return false;
  size_t pos = wire::kHeaderSize;
  for (uint16_t i = 0; i < wire::Load16(message, wire::kQdcountOffset); ++i) {
    const std::optional<size_t> name_end = wire::SkipName(message, pos);
    if (!name_end || message.size() - *name_end < wire::kQuestionFixedSize) return false;
    pos = *name_end + wire::kQuestionFixedSize;
  }
  const uint32_t records = uint32_t{wire::Load16(message, wire::kAncountOffset)} +
                           wire::Load16(message, wire::kNscountOffset) +
                           wire::Load16(message, wire::kArcountOffset);
  int opts = 0;
  for (uint32_t i = 0; i < records; ++i) {
    const std::optional<wire::RecordExtent> record = wire::ReadRecordExtent(message, pos);
    if (!record || record->type == kTypeTsig) return false;
    if (record->type == wire::kTypeOpt && ++opts > 1) return false;
    pos = record->end;
  }
  return true;
}

LdnsPktPtr ParseMessage(std::span<const uint8_t> message) {
  if (!SafeForLdns(message)) return nullptr;
  ldns_pkt* parsed = nullptr;
  if (ldns_wire2pkt(&parsed, message.data(), message.size()) != LDNS_STATUS_OK) return nullptr;
  return LdnsPktPtr(parsed);
}

}  // namespace rebound
