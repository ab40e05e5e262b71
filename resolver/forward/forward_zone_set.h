// The forward-zone clauses: which upstream servers answer for which part of the name space.
#ifndef REBOUND_RESOLVER_FORWARD_FORWARD_ZONE_SET_H_
#define REBOUND_RESOLVER_FORWARD_FORWARD_ZONE_SET_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "resolver/core/endpoint.h"
#include "resolver/wire/ldns_ptr.h"

namespace rebound {

class ForwardZoneSet {
 public:
  struct Zone {
    LdnsRdfPtr name;
    std::vector<Endpoint> servers;
    // forward-first: when every server fails, resolve the name ourselves instead of SERVFAIL.
    bool first = false;
  };

  // `zone` is a domain name ("." for everything); servers must not be empty.
  absl::Status Add(const std::string& zone, std::vector<Endpoint> servers, bool first);
  // The zone with the longest name that contains `qname`, or null (RFC 1034 4.3.2 style
  // closest-enclosing match, as unbound's forward lookup does).
  const Zone* Find(const ldns_rdf* qname) const;
  bool empty() const { return zones_.empty(); }

 private:
  std::vector<Zone> zones_;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_FORWARD_FORWARD_ZONE_SET_H_
