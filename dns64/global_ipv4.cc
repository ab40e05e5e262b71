#include "dns64/global_ipv4.h"

#include <arpa/inet.h>

#include <cstdint>

namespace rebound {
namespace {

struct Block {
  uint32_t base;  // host order
  int length;
};

constexpr uint32_t Addr(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  return a << 24 | b << 16 | c << 8 | d;
}

// The registry's "Globally Reachable: False" entries (RFC 6890 2.2.2 and later additions).
// 192.88.99.0/24, the 6to4 relay anycast block, is listed too: RFC 7526 deprecated it and it was
// in RFC 5735 3, the list RFC 6052 3.1 names; a NAT64 has no business reaching a 6to4 relay.
constexpr Block kNonGlobal[] = {
    {Addr(0, 0, 0, 0), 8},           // "this network" (RFC 791, RFC 1122 3.2.1.3)
    {Addr(10, 0, 0, 0), 8},          // private use (RFC 1918)
    {Addr(100, 64, 0, 0), 10},       // shared address space, CGN (RFC 6598)
    {Addr(127, 0, 0, 0), 8},         // loopback (RFC 1122 3.2.1.3)
    {Addr(169, 254, 0, 0), 16},      // link local (RFC 3927)
    {Addr(172, 16, 0, 0), 12},       // private use (RFC 1918)
    {Addr(192, 0, 0, 0), 24},        // IETF protocol assignments (RFC 6890 2.1); see kGlobal
    {Addr(192, 0, 2, 0), 24},        // TEST-NET-1 (RFC 5737)
    {Addr(192, 88, 99, 0), 24},      // deprecated 6to4 relay anycast (RFC 7526)
    {Addr(192, 168, 0, 0), 16},      // private use (RFC 1918)
    {Addr(198, 18, 0, 0), 15},       // benchmarking (RFC 2544)
    {Addr(198, 51, 100, 0), 24},     // TEST-NET-2 (RFC 5737)
    {Addr(203, 0, 113, 0), 24},      // TEST-NET-3 (RFC 5737)
    {Addr(224, 0, 0, 0), 4},         // multicast (RFC 5771), in RFC 5735 3
    {Addr(240, 0, 0, 0), 4},         // reserved (RFC 1112 4)
    {Addr(255, 255, 255, 255), 32},  // limited broadcast (RFC 919 7), inside 240/4 anyway
};

// More specific entries of 192.0.0.0/24 that the registry marks globally reachable: anycast
// services meant to be reached from anywhere, so a NAT64 may carry them.
constexpr Block kGlobal[] = {
    {Addr(192, 0, 0, 9), 32},   // Port Control Protocol anycast (RFC 7723)
    {Addr(192, 0, 0, 10), 32},  // TURN anycast (RFC 8155)
};

bool InBlock(uint32_t a, const Block& b) {
  const uint32_t mask = b.length == 0 ? 0 : ~uint32_t{0} << (32 - b.length);
  return (a & mask) == b.base;
}

}  // namespace

bool IsGlobalIpv4(in_addr a) {
  const uint32_t host = ntohl(a.s_addr);
  for (const Block& b : kGlobal) {
    if (InBlock(host, b)) return true;
  }
  for (const Block& b : kNonGlobal) {
    if (InBlock(host, b)) return false;
  }
  return true;
}

}  // namespace rebound
