#include "resolver/wire/query_reader.h"

#include <algorithm>

#include "resolver/wire/record_walk.h"
#include "resolver/wire/wire_format.h"

namespace rebound {
namespace {

using wire::Load16;
using wire::Load32;

void ReadHeader(std::span<const uint8_t> p, QueryView* out) {
  out->id = Load16(p, wire::kIdOffset);
  const uint8_t f1 = p[wire::kFlags1Offset];
  const uint8_t f2 = p[wire::kFlags2Offset];
  out->qr = (f1 & wire::kQrBit) != 0;
  out->opcode = static_cast<uint8_t>((f1 & wire::kOpcodeMask) >> wire::kOpcodeShift);
  out->aa = (f1 & wire::kAaBit) != 0;
  out->tc = (f1 & wire::kTcBit) != 0;
  out->rd = (f1 & wire::kRdBit) != 0;
  out->ra = (f2 & wire::kRaBit) != 0;
  out->ad = (f2 & wire::kAdBit) != 0;
  out->cd = (f2 & wire::kCdBit) != 0;
  out->rcode = f2 & wire::kRcodeMask;
  out->qdcount = Load16(p, wire::kQdcountOffset);
  out->ancount = Load16(p, wire::kAncountOffset);
  out->nscount = Load16(p, wire::kNscountOffset);
  out->arcount = Load16(p, wire::kArcountOffset);
}

// Reads an uncompressed name at `pos` and returns the offset just past it, or nullopt. The
// question is the first name in a query, so there is nothing a pointer could legitimately refer
// back to (RFC 1035 4.1.4); the label types 01 and 10 are not in use (RFC 6891 5).
std::optional<size_t> ReadPlainName(std::span<const uint8_t> p, size_t pos) {
  size_t name_length = 0;
  while (pos < p.size()) {
    const uint8_t label = p[pos];
    if ((label & wire::kLabelTypeMask) != 0) return std::nullopt;
    name_length += 1 + label;  // the length octet and the label (RFC 1035 3.1)
    if (name_length > wire::kMaxNameLength) return std::nullopt;
    pos += 1 + label;
    if (label == 0) return pos;
  }
  return std::nullopt;  // ran off the end
}

// RFC 6891 6.1.2: the OPT RDATA is a sequence of {code, length, data} options that must fill it
// exactly.
bool OptOptionsWellFormed(std::span<const uint8_t> p, size_t pos, size_t end) {
  while (pos < end) {
    if (end - pos < 4) return false;
    pos += 4 + Load16(p, pos + 2);
  }
  return pos == end;
}

// Reads the OPT RR whose owner starts at `owner` and whose fixed part starts at `fixed`.
bool ReadOpt(std::span<const uint8_t> p, size_t owner, size_t fixed, size_t rdata_end,
             QueryView* out) {
  // RFC 6891 6.1.1: more than one OPT is a FORMERR; then neither OPT speaks for the client.
  if (out->has_edns) {
    out->has_edns = false;
    return false;
  }
  // RFC 6891 6.1.2: the owner MUST be 0 (root). We accept it only as the single root octet;
  // a pointer to a root label is not what any EDNS implementation sends.
  if (p[owner] != 0) return false;
  if (!OptOptionsWellFormed(p, fixed + wire::kRrFixedSize, rdata_end)) return false;
  const uint32_t ttl = Load32(p, fixed + 4);
  // RFC 6891 6.2.3: a requestor's payload size below 512 is treated as 512.
  out->edns_udp_size = std::max<uint16_t>(Load16(p, fixed + 2), wire::kMinUdpSize);
  out->edns_version = static_cast<uint8_t>(ttl >> 16);  // RFC 6891 6.1.3
  out->edns_do = (ttl & wire::kEdnsDoBit) != 0;         // RFC 3225 3
  out->has_edns = true;
  return true;
}

// Walks `count` resource records from `*pos`, checking each is complete. `additional` says
// whether they are in the additional section. A query's additional section may hold one OPT
// (RFC 6891 6.1.1) and nothing else: rebound supports neither TSIG (RFC 8945) nor SIG(0), and
// ldns mishandles a second TSIG (it overwrites and leaks the first), so such a query is a
// FORMERR before ldns sees it.
bool WalkRecords(std::span<const uint8_t> p, size_t* pos, uint32_t count, bool additional,
                 QueryView* out) {
  for (uint32_t i = 0; i < count; ++i) {
    const std::optional<wire::RecordExtent> record = wire::ReadRecordExtent(p, *pos);
    if (!record) return false;
    if (record->type == wire::kTypeOpt) {
      if (!additional || !ReadOpt(p, record->owner, record->fixed, record->end, out)) return false;
    } else if (additional) {
      return false;
    }
    *pos = record->end;
  }
  return true;
}

}  // namespace

std::optional<uint16_t> ErrorRcode(QueryCheck check) {
  switch (check) {
    case QueryCheck::kFormErr:
      return wire::kRcodeFormErr;
    case QueryCheck::kNotImp:
      return wire::kRcodeNotImp;
    case QueryCheck::kBadVers:
      return wire::kRcodeBadVers;
    case QueryCheck::kOk:
    case QueryCheck::kDrop:
      break;
  }
  return std::nullopt;
}

QueryCheck ReadQuery(std::span<const uint8_t> packet, QueryView* out) {
  *out = QueryView{};
  // Without a whole header there is no ID to answer to.
  if (packet.size() < wire::kHeaderSize) return QueryCheck::kDrop;
  ReadHeader(packet, out);
  // Answering a response invites reflection loops between servers.
  if (out->qr) return QueryCheck::kDrop;
  // Other opcodes may give the sections other meanings (RFC 2136 2): don't read them.
  if (out->opcode != wire::kOpcodeQuery) return QueryCheck::kNotImp;
  // Every resolver, unbound and BIND included, takes exactly one question (RFC 9619).
  if (out->qdcount != 1) return QueryCheck::kFormErr;

  const std::optional<size_t> qname_end = ReadPlainName(packet, wire::kHeaderSize);
  if (!qname_end || packet.size() - *qname_end < wire::kQuestionFixedSize) {
    return QueryCheck::kFormErr;
  }
  out->qname_offset = wire::kHeaderSize;
  out->qname_length = *qname_end - wire::kHeaderSize;
  out->qtype = Load16(packet, *qname_end);
  out->qclass = Load16(packet, *qname_end + 2);
  out->question_end = *qname_end + wire::kQuestionFixedSize;
  out->question_read = true;

  // Walk the sections a query should not have too, so that a FORMERR can still echo EDNS.
  size_t pos = out->question_end;
  if (!WalkRecords(packet, &pos, uint32_t{out->ancount} + out->nscount, false, out) ||
      !WalkRecords(packet, &pos, out->arcount, true, out)) {
    return QueryCheck::kFormErr;
  }
  if (out->ancount != 0 || out->nscount != 0) return QueryCheck::kFormErr;
  // Bytes after the last record mean the counts do not describe the message.
  if (pos != packet.size()) return QueryCheck::kFormErr;
  // RFC 6891 6.1.3: we implement version 0 only.
  if (out->has_edns && out->edns_version > 0) return QueryCheck::kBadVers;
  return QueryCheck::kOk;
}

}  // namespace rebound
