// Builds query packets byte by byte for the wire tests, independently of the code under test.
#ifndef REBOUND_TESTS_UNIT_WIRE_TEST_QUERIES_H_
#define REBOUND_TESTS_UNIT_WIRE_TEST_QUERIES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "resolver/wire/wire_format.h"

namespace rebound::testing {

struct QuerySpec {
  uint16_t id = 0x1234;
  uint8_t opcode = 0;
  bool qr = false;
  bool rd = true;
  bool cd = false;
  uint16_t qdcount = 1;
  std::string qname = "www.ExAmPlE.com";
  uint16_t qtype = 1;   // A
  uint16_t qclass = 1;  // IN
  bool edns = false;
  uint16_t udp_size = 4096;
  uint8_t edns_version = 0;
  bool dnssec_ok = false;
};

using wire::Append16;
using wire::Append32;

// "a.b" -> 1 a 1 b 0; "" or "." -> the root.
inline std::vector<uint8_t> EncodeName(std::string_view dotted) {
  std::vector<uint8_t> out;
  while (!dotted.empty() && dotted != ".") {
    const size_t dot = dotted.find('.');
    const std::string_view label = dotted.substr(0, dot);
    out.push_back(static_cast<uint8_t>(label.size()));
    out.insert(out.end(), label.begin(), label.end());
    if (dot == std::string_view::npos) break;
    dotted.remove_prefix(dot + 1);
  }
  out.push_back(0);
  return out;
}

// An OPT RR (RFC 6891 6.1.2) with the given RDATA.
inline std::vector<uint8_t> EncodeOpt(uint16_t udp_size, uint8_t version, bool dnssec_ok,
                                      const std::vector<uint8_t>& rdata = {}) {
  std::vector<uint8_t> out = {0};
  Append16(out, 41);
  Append16(out, udp_size);
  Append32(out, (uint32_t{version} << 16) | (dnssec_ok ? 0x8000u : 0u));
  Append16(out, static_cast<uint16_t>(rdata.size()));
  out.insert(out.end(), rdata.begin(), rdata.end());
  return out;
}

// Header, one question (qdcount as given) and the OPT when spec.edns; arcount counts the OPT.
inline std::vector<uint8_t> BuildQuery(const QuerySpec& spec) {
  std::vector<uint8_t> out;
  Append16(out, spec.id);
  out.push_back(static_cast<uint8_t>((spec.qr ? 0x80 : 0) | ((spec.opcode & 0xf) << 3) |
                                     (spec.rd ? 0x01 : 0)));
  out.push_back(spec.cd ? 0x10 : 0);
  Append16(out, spec.qdcount);
  Append16(out, 0);
  Append16(out, 0);
  Append16(out, spec.edns ? 1 : 0);
  const std::vector<uint8_t> name = EncodeName(spec.qname);
  out.insert(out.end(), name.begin(), name.end());
  Append16(out, spec.qtype);
  Append16(out, spec.qclass);
  if (spec.edns) {
    const std::vector<uint8_t> opt = EncodeOpt(spec.udp_size, spec.edns_version, spec.dnssec_ok);
    out.insert(out.end(), opt.begin(), opt.end());
  }
  return out;
}

inline void SetCount(std::vector<uint8_t>& packet, size_t offset, uint16_t count) {
  packet[offset] = static_cast<uint8_t>(count >> 8);
  packet[offset + 1] = static_cast<uint8_t>(count);
}

inline void Append(std::vector<uint8_t>& packet, const std::vector<uint8_t>& bytes) {
  packet.insert(packet.end(), bytes.begin(), bytes.end());
}

}  // namespace rebound::testing

#endif  // REBOUND_TESTS_UNIT_WIRE_TEST_QUERIES_H_
