// The servers of one zone: the NS names from a referral, the cache or the root hints, and the
// addresses known for each of them.
#ifndef REBOUND_RESOLVER_ITERATOR_DELEGATION_POINT_H_
#define REBOUND_RESOLVER_ITERATOR_DELEGATION_POINT_H_

#include <optional>
#include <vector>

#include "resolver/cache/rrset_cache.h"
#include "resolver/core/endpoint.h"
#include "resolver/wire/ldns_ptr.h"

namespace rebound {

struct NameServer {
  LdnsRdfPtr name;
  std::vector<Endpoint> addresses;  // port 53, from glue or the cache
  // The name's A and AAAA have been looked up (or are being): not asked again for this zone.
  bool lookup_started = false;
};

class DelegationPoint {
 public:
  explicit DelegationPoint(const ldns_rdf* zone);
  DelegationPoint(DelegationPoint&&) = default;
  DelegationPoint& operator=(DelegationPoint&&) = default;
  DelegationPoint Clone() const;

  // A delegation from an NS RRset and address records (A/AAAA) for its names; records of other
  // types or owners in `addresses` are ignored. The caller has already dropped glue outside the
  // bailiwick of the zone that sent it.
  static DelegationPoint FromRecords(const ldns_rdf* zone, const ldns_rr_list* ns_rrset,
                                     const ldns_rr_list* addresses);
  // The delegation of the closest enclosing zone of `name` (`name` itself included) whose NS
  // RRset is cached, with the cached addresses of its servers; nothing when not even the root's
  // NS RRset is cached. `stop_above` (optional) bounds the walk: zones above it are not used.
  static std::optional<DelegationPoint> ClosestFromCache(const RrsetCache& cache,
                                                         const ldns_rdf* name,
                                                         ldns_rr_class rr_class);

  const ldns_rdf* zone() const { return zone_.get(); }
  std::vector<NameServer>& servers() { return servers_; }
  const std::vector<NameServer>& servers() const { return servers_; }

  // Adds an NS name (no-op if present) and returns it.
  NameServer& AddNameServer(const ldns_rdf* name);
  // Adds an address to the NS name, if it is one of this zone's servers and not already known.
  void AddAddress(const ldns_rdf* ns_name, const Endpoint& address);
  // Takes every A/AAAA record of `records` whose owner is one of the NS names.
  void AddAddressRecords(const ldns_rr_list* records);
  NameServer* Find(const ldns_rdf* ns_name);

 private:
  LdnsRdfPtr zone_;
  std::vector<NameServer> servers_;
};

// The address in an A or AAAA record, port 53; nothing for other records or bad rdata.
std::optional<Endpoint> AddressOfRecord(const ldns_rr* rr);

// Whether a name server can have this address at all. Never: the unspecified addresses
// (0.0.0.0/8, RFC 1122 3.2.1.3: a source only; "::", RFC 4291 2.5.2), which the kernel takes as
// this host, so glue "A 0.0.0.0" would reach a local service past do-not-query-localhost;
// multicast (224.0.0.0/4, RFC 5771; ff00::/8, RFC 4291 2.7); 240.0.0.0/4 and the limited
// broadcast 255.255.255.255 (RFC 1112 4, RFC 919 7); and the IPv4-mapped forms of these. Loopback
// is not decided here: do-not-query-localhost decides.
bool MayBeServerAddress(const Endpoint& address);

}  // namespace rebound

#endif  // REBOUND_RESOLVER_ITERATOR_DELEGATION_POINT_H_
