// Constants of the DNS message format (RFC 1035 4.1, RFC 6891 6) and big-endian accessors,
// shared by the query reader and the response writer so both agree on every bit position.
#ifndef REBOUND_RESOLVER_WIRE_WIRE_FORMAT_H_
#define REBOUND_RESOLVER_WIRE_WIRE_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace rebound::wire {

// RFC 1035 4.1.1: the fixed header.
inline constexpr size_t kHeaderSize = 12;
inline constexpr size_t kIdOffset = 0;
inline constexpr size_t kFlags1Offset = 2;  // QR, opcode, AA, TC, RD
inline constexpr size_t kFlags2Offset = 3;  // RA, Z, AD, CD, RCODE
inline constexpr size_t kQdcountOffset = 4;
inline constexpr size_t kAncountOffset = 6;
inline constexpr size_t kNscountOffset = 8;
inline constexpr size_t kArcountOffset = 10;

inline constexpr uint8_t kQrBit = 0x80;
inline constexpr uint8_t kOpcodeMask = 0x78;
inline constexpr int kOpcodeShift = 3;
inline constexpr uint8_t kAaBit = 0x04;
inline constexpr uint8_t kTcBit = 0x02;
inline constexpr uint8_t kRdBit = 0x01;
inline constexpr uint8_t kRaBit = 0x80;
inline constexpr uint8_t kAdBit = 0x20;  // RFC 4035 3.2.3
inline constexpr uint8_t kCdBit = 0x10;  // RFC 4035 3.2.2
inline constexpr uint8_t kRcodeMask = 0x0f;

inline constexpr uint8_t kOpcodeQuery = 0;

// RFC 1035 2.3.4 and 4.1.4: label and name limits, label type bits.
inline constexpr size_t kMaxLabelLength = 63;
inline constexpr size_t kMaxNameLength = 255;
inline constexpr uint8_t kLabelTypeMask = 0xc0;
inline constexpr uint8_t kPointerLabel = 0xc0;
inline constexpr uint16_t kPointerOffsetMask = 0x3fff;

// RFC 1035 4.1.3: TYPE, CLASS, TTL, RDLENGTH follow the owner name.
inline constexpr size_t kQuestionFixedSize = 4;
inline constexpr size_t kRrFixedSize = 10;

// RFC 6891 6.1.2 and 6.1.3: the OPT pseudo-RR.
inline constexpr uint16_t kTypeOpt = 41;
inline constexpr uint32_t kEdnsDoBit = 0x8000;  // in the low 16 bits of the OPT TTL (RFC 3225)
// Owner (root, 1) + TYPE, CLASS, TTL, RDLENGTH (10): an OPT without options.
inline constexpr size_t kEmptyOptSize = 11;

// RFC 1035 4.2.1: what every client accepts over UDP; RFC 6891 6.2.5: the EDNS floor too.
inline constexpr size_t kMinUdpSize = 512;
// RFC 1035 4.2.2: a TCP message carries a 16-bit length.
inline constexpr size_t kMaxMessageSize = 65535;

// RFC 1035 4.1.1 and RFC 6891 9: RCODE values this library produces.
inline constexpr uint16_t kRcodeNoError = 0;
inline constexpr uint16_t kRcodeFormErr = 1;
inline constexpr uint16_t kRcodeServFail = 2;
inline constexpr uint16_t kRcodeNotImp = 4;
inline constexpr uint16_t kRcodeRefused = 5;
inline constexpr uint16_t kRcodeBadVers = 16;
inline constexpr uint16_t kMaxRcode = 0xfff;  // 4 header bits + 8 OPT bits

inline uint16_t Load16(std::span<const uint8_t> p, size_t at) {
  return static_cast<uint16_t>((p[at] << 8) | p[at + 1]);
}

inline uint32_t Load32(std::span<const uint8_t> p, size_t at) {
  return (static_cast<uint32_t>(p[at]) << 24) | (static_cast<uint32_t>(p[at + 1]) << 16) |
         (static_cast<uint32_t>(p[at + 2]) << 8) | p[at + 3];
}

inline void Append16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}

inline void Append32(std::vector<uint8_t>& out, uint32_t v) {
  Append16(out, static_cast<uint16_t>(v >> 16));
  Append16(out, static_cast<uint16_t>(v));
}

}  // namespace rebound::wire

#endif  // REBOUND_RESOLVER_WIRE_WIRE_FORMAT_H_
