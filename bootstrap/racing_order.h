// The order in which a query starts relays, one after another with a short head start each
// (the relay client races them as RFC 8305 races addresses).
#ifndef REBOUND_BOOTSTRAP_RACING_ORDER_H_
#define REBOUND_BOOTSTRAP_RACING_ORDER_H_

#include <cstddef>
#include <optional>
#include <vector>

#include "bootstrap/relay.h"
#include "resolver/wire/ldns_ptr.h"

namespace rebound {

// True when a relay of this protocol can answer qtype: a JSON relay knows A and AAAA only.
bool RelayCanAnswer(const Relay& relay, ldns_rr_type qtype);

// Indexes into `relays`, in the order to start them. The last known good relay comes first when
// it is in the list. The rest alternate between the address families, keeping list order within
// each (RFC 8305 4): IPv6 first, or, after a last known good relay, the family other than its
// own, so that the second attempt already uses the other family (RFC 8305 4: "the next address
// should be of the other family"). When one family runs out the other follows in list order.
// Relays that cannot answer qtype are left out, the last known good one included.
std::vector<size_t> RacingOrder(const std::vector<Relay>& relays,
                                const std::optional<Relay>& last_good, ldns_rr_type qtype);

}  // namespace rebound

#endif  // REBOUND_BOOTSTRAP_RACING_ORDER_H_
