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
#include "resolver/wire/ldns_ptr.h"

namespace rebound {

// Built at start-up and then only read, so one instance serves every worker.
class RelayScope {
 public:
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
