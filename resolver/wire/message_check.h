// A check that a DNS message from outside (an upstream reply, a relay's answer) is safe to give
// to ldns_wire2pkt, and the parse behind it.
#ifndef REBOUND_RESOLVER_WIRE_MESSAGE_CHECK_H_
#define REBOUND_RESOLVER_WIRE_MESSAGE_CHECK_H_

#include <cstdint>
#include <span>

#include "resolver/wire/ldns_ptr.h"

namespace rebound {

// ldns 1.8.3's wire2pkt keeps one TSIG per packet: a second overwrites the first and leaks it,
// and after a TSIG it stops reading the additional section early. rebound never signs a query,
// so no reply to it may carry a TSIG (RFC 8945 5.3), and more than one OPT is malformed (RFC
// 6891 6.1.1). False for such a message, or one whose records do not fit it.
bool SafeForLdns(std::span<const uint8_t> message);

// The message parsed by ldns, or null when it is not SafeForLdns or ldns refuses it.
LdnsPktPtr ParseMessage(std::span<const uint8_t> message);

}  // namespace rebound

#endif  // REBOUND_RESOLVER_WIRE_MESSAGE_CHECK_H_
