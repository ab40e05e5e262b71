// Which names the bootstrap relays may be asked about (issue 16: the fallback respects the
// user's routing). A name under a forward-zone, stub-zone or local-zone (whose transparent types
// resolve what they do not hold) goes where the user sent it, or nowhere: a user who forwards to
// their own filtering resolver must not find their queries at a public DoH service while that
// resolver is down, unless the zone says forward-bootstrap: yes (stub-bootstrap: yes). The relays
// are otherwise for names that would have gone to the root.
#ifndef REBOUND_BOOTSTRAP_RELAY_SCOPE_H_
#define REBOUND_BOOTSTRAP_RELAY_SCOPE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "resolver/core/configured_delegation.h"
#include "resolver/wire/ldns_ptr.h"

namespace rebound {

// Built at start-up, and again by each run-time change to what it is made of (forward_add,
// local_zone...), then only read: published to every worker (resolver/relay_scope_of.h).
class RelayScope {
 public:
  // What the configuration in force routes elsewhere: each forward and stub zone (its
  // relays_allowed decides for it) and each of `private_names` (local zones, private-domain:
  // never the relays').
  static absl::StatusOr<RelayScope> Of(const std::vector<ConfiguredDelegation>& delegations,
                                       const std::vector<std::string>& private_names);

  // A forward-zone or stub-zone, by name; `relays_allowed` is its forward-bootstrap or
  // stub-bootstrap.
  absl::Status AddConfiguredZone(const std::string& zone, bool relays_allowed);
  // Whether the relays may be asked about `name`: the closest configured zone enclosing it says
  // so, or none encloses it.
  bool Allows(const ldns_rdf* name) const;

 private:
  struct Zone {
    LdnsRdfPtr name;
    bool relays_allowed = false;
  };
  std::vector<Zone> zones_;
};

}  // namespace rebound

#endif  // REBOUND_BOOTSTRAP_RELAY_SCOPE_H_
