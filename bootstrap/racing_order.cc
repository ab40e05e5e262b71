#include "bootstrap/racing_order.h"

namespace rebound {

bool RelayCanAnswer(const Relay& relay, ldns_rr_type qtype) {
  return relay.protocol != RelayProtocol::kJson || qtype == LDNS_RR_TYPE_A ||
         qtype == LDNS_RR_TYPE_AAAA;
}

std::vector<size_t> RacingOrder(const std::vector<Relay>& relays,
                                const std::optional<Relay>& last_good, ldns_rr_type qtype) {
  std::vector<size_t> order;
  std::optional<size_t> first;
  if (last_good.has_value()) {
    for (size_t i = 0; i < relays.size(); ++i) {
      if (relays[i] == *last_good && RelayCanAnswer(relays[i], qtype)) {
        first = i;
        order.push_back(i);
        break;
      }
    }
  }
  std::vector<size_t> v6;
  std::vector<size_t> v4;
  for (size_t i = 0; i < relays.size(); ++i) {
    if (i == first || !RelayCanAnswer(relays[i], qtype)) continue;
    (relays[i].address.is_v6() ? v6 : v4).push_back(i);
  }
  // IPv6 leads unless the last known good relay was IPv6: then IPv4 is the next to try.
  const bool v6_leads = !first.has_value() || !relays[*first].address.is_v6();
  const std::vector<size_t>& lead = v6_leads ? v6 : v4;
  const std::vector<size_t>& other = v6_leads ? v4 : v6;
  for (size_t k = 0; k < lead.size() || k < other.size(); ++k) {
    if (k < lead.size()) order.push_back(lead[k]);
    if (k < other.size()) order.push_back(other[k]);
  }
  return order;
}

}  // namespace rebound
