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

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "resolver/core/configured_delegation.h"
#include "resolver/wire/ldns_ptr.h"

namespace rebound {

// Built at start-up, and again by each run-time change to what it is made of (forward_add,
// local_zone...), then only read: published to every worker (RelayScopeInForce,
// resolver/shared_state.h).
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
  // so, or none encloses it. Asked for every question that reaches the bootstrap stage, and the
  // scope holds every local zone (dozens by default): one hash lookup per label of `name`, no
  // allocation.
  bool Allows(const ldns_rdf* name) const;

 private:
  // relays_allowed by zone, keyed by the lowercase wire-format name; a name added twice keeps
  // its first entry.
  absl::flat_hash_map<std::string, bool> zones_;
};

}  // namespace rebound

#endif  // REBOUND_BOOTSTRAP_RELAY_SCOPE_H_
