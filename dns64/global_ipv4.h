// Whether an IPv4 address is global, which decides whether it may be embedded in the NAT64
// Well-Known Prefix (RFC 6052 3.1).
#ifndef REBOUND_DNS64_GLOBAL_IPV4_H_
#define REBOUND_DNS64_GLOBAL_IPV4_H_

#include <netinet/in.h>

namespace rebound {

// False for the blocks the IANA IPv4 Special-Purpose Address Registry (RFC 6890) marks
// "Globally Reachable: False", plus multicast 224.0.0.0/4 (RFC 5771), which RFC 6052 3.1's
// reference list (RFC 5735 3) also names. True for everything else, including the registry's
// globally reachable entries inside 192.0.0.0/24: 192.0.0.9 (PCP anycast, RFC 7723) and
// 192.0.0.10 (TURN anycast, RFC 8155).
bool IsGlobalIpv4(in_addr a);

}  // namespace rebound

#endif  // REBOUND_DNS64_GLOBAL_IPV4_H_
