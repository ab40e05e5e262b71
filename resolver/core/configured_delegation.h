// A stub-zone or forward-zone as configured, or as rebound-control's forward_add and stub_add
// give it: what the iterator's DelegationFinder is built from, and what list_forwards and
// list_stubs print.
#ifndef REBOUND_RESOLVER_CORE_CONFIGURED_DELEGATION_H_
#define REBOUND_RESOLVER_CORE_CONFIGURED_DELEGATION_H_

#include <string>
#include <vector>

#include "resolver/core/endpoint.h"

namespace rebound {

struct ConfiguredDelegation {
  std::string name = {};                // the zone, absolute
  bool forward = false;                 // forward-zone (resolvers, asked with RD=1); else stub-zone
  bool first = false;                   // forward-first / stub-first
  bool prime = false;                   // stub-prime (shown only; rebound does not prime stubs)
  std::vector<Endpoint> addrs = {};     // forward-addr / stub-addr
  std::vector<std::string> hosts = {};  // forward-host / stub-host
  // forward-bootstrap / stub-bootstrap: the bootstrap relays may answer for the zone
  // (bootstrap/relay_scope.h). rebound-control's forward_add and stub_add leave it off.
  bool relays_allowed = false;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CORE_CONFIGURED_DELEGATION_H_
