// Where a lookup starts: the closest delegation the resolver knows for a name, from the cache,
// a configured stub or forward zone or, failing those, the root hints.
#ifndef REBOUND_RESOLVER_ITERATOR_DELEGATION_FINDER_H_
#define REBOUND_RESOLVER_ITERATOR_DELEGATION_FINDER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "resolver/cache/rrset_cache.h"
#include "resolver/core/configured_delegation.h"
#include "resolver/core/published.h"
#include "resolver/iterator/delegation_point.h"

namespace rebound {

// Built at start-up and shared by every worker. The configured zones may change at run time
// (rebound-control's forward_add, stub_add...): each change publishes a new list
// (resolver/core/published.h), which the lookups that start after it read; a lookup in flight
// keeps the delegation it copied.
class DelegationFinder {
 public:
  struct Start {
    DelegationPoint delegation;
    bool configured = false;  // a stub-zone or forward-zone, not learned from referrals
    bool forward = false;     // a forward-zone: the servers are resolvers, asked with RD=1
    bool first = false;       // stub-first / forward-first: their failing is not the end
  };

  // `root_hints`: NS records for "." and addresses of their names (BuiltInRootHints or a
  // root-hints file). `cache` must outlive the finder.
  DelegationFinder(const RrsetCache* cache, const ldns_rr_list& root_hints);

  // stub-zone: queries at or below `zone` go to `addrs` and to the addresses of `hosts`
  // (resolved when first needed), instead of the servers the delegation from the parent names.
  absl::Status AddStubZone(const std::string& zone, const std::vector<Endpoint>& addrs,
                           const std::vector<std::string>& hosts, bool stub_first);
  // forward-zone: queries at or below `zone` go to the resolvers `addrs` and those named
  // `hosts` (RD=1), whatever the delegations below it say. A host's address is looked up from
  // the root, never through the forward-zone itself.
  absl::Status AddForwardZone(const std::string& zone, const std::vector<Endpoint>& addrs,
                              bool forward_first, const std::vector<std::string>& hosts = {});
  // The two above, at start-up (before any worker reads) or at run time (by the control thread,
  // one change at a time): `zone` replaces a configured zone of the same name, whatever its
  // kind.
  absl::Status Add(const ConfiguredDelegation& zone);
  // forward_remove, stub_remove: the configured zone of that name and kind; false when none.
  bool Remove(const ldns_rdf* name, bool forward);
  // The configured zones in force, in the order they were added.
  std::vector<ConfiguredDelegation> Configured() const;

  // The closest configured zone enclosing `name` if it is a forward zone; otherwise the deeper
  // of the closest cached delegation and the closest stub zone (the stub zone wins a tie, as its
  // servers were configured on purpose). Nothing when none exists: the root's NS RRset is not
  // cached (prime first, or use Hints()). With `skip_configured` only the cache is asked
  // (stub-first, forward-first fallback). The root's servers keep the hints' addresses where the
  // cache has none for them.
  std::optional<Start> Find(const ldns_rdf* name, ldns_rr_class rr_class,
                            bool skip_configured = false) const;

  DelegationPoint Hints() const { return hints_.Clone(); }

 private:
  struct ConfiguredZone {
    DelegationPoint servers;
    bool forward = false;
    bool first = false;
    ConfiguredDelegation given;  // as added, for Configured()
  };
  using ConfiguredZones = std::vector<ConfiguredZone>;
  static ConfiguredZones CloneZones(const ConfiguredZones& zones);
  const ConfiguredZone* ClosestConfigured(const ldns_rdf* name) const;
  void KeepHintAddresses(DelegationPoint* root) const;
  const NameServer* FindHint(const ldns_rdf* name) const;

  const RrsetCache* cache_;
  DelegationPoint hints_;
  Published<ConfiguredZones> configured_;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_ITERATOR_DELEGATION_FINDER_H_
