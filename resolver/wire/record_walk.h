// Walking the resource records of a message in wire form without parsing them: where each
// record's owner, fixed part and RDATA lie, with every length checked against the message.
#ifndef REBOUND_RESOLVER_WIRE_RECORD_WALK_H_
#define REBOUND_RESOLVER_WIRE_RECORD_WALK_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace rebound::wire {

// Skips a possibly compressed name at `pos` and returns the offset just past it in the record
// stream, or nullopt when it is truncated, too long or points anywhere but strictly backwards.
// Following the pointers (rather than stopping at the first) checks the whole name the way a
// full parser will, so a message that passes here does not fail there on its names.
std::optional<size_t> SkipName(std::span<const uint8_t> p, size_t pos);

// One resource record (RFC 1035 4.1.3), as offsets into the message.
struct RecordExtent {
  size_t owner = 0;  // the owner name
  size_t fixed = 0;  // TYPE, CLASS, TTL, RDLENGTH
  uint16_t type = 0;
  size_t rdata_start = 0;  // the RDATA; it ends at `end`
  size_t end = 0;          // the first byte after the record
};

// The record that starts at `pos`, or nullopt when it does not fit in `p`.
std::optional<RecordExtent> ReadRecordExtent(std::span<const uint8_t> p, size_t pos);

}  // namespace rebound::wire

#endif  // REBOUND_RESOLVER_WIRE_RECORD_WALK_H_
