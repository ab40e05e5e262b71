// Where a lookup starts: the closest delegation the resolver knows for a name, from the cache,
// a configured stub zone or, failing both, the root hints.
#ifndef REBOUND_RESOLVER_ITERATOR_DELEGATION_FINDER_H_
#define REBOUND_RESOLVER_ITERATOR_DELEGATION_FINDER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "resolver/cache/rrset_cache.h"
#include "resolver/iterator/delegation_point.h"

namespace rebound {

// Built at start-up and then only read, so one instance serves every worker.
class DelegationFinder {
 public:
  struct Start {
    DelegationPoint delegation;
    bool from_stub = false;
    bool stub_first = false;  // the stub zone's servers failing is not the end (stub-first)
  };

  // `root_hints`: NS records for "." and addresses of their names (BuiltInRootHints or a
  // root-hints file). `cache` must outlive the finder.
  DelegationFinder(const RrsetCache* cache, const ldns_rr_list& root_hints);

  // stub-zone: queries at or below `zone` go to `addrs` and to the addresses of `hosts`
  // (resolved when first needed), instead of the servers the delegation from the parent names.
  absl::Status AddStubZone(const std::string& zone, const std::vector<Endpoint>& addrs,
                           const std::vector<std::string>& hosts, bool stub_first);

  // The deeper of the closest cached delegation and the closest stub zone enclosing `name`; the
  // stub zone wins a tie, as its servers were configured on purpose. Nothing when neither exists:
  // the root's NS RRset is not cached (prime first, or use Hints()). With `skip_stubs` only the
  // cache is asked (stub-first fallback).
  std::optional<Start> Find(const ldns_rdf* name, ldns_rr_class rr_class,
                            bool skip_stubs = false) const;

  DelegationPoint Hints() const { return hints_.Clone(); }

 private:
  struct StubZone {
    DelegationPoint servers;
    bool first = false;
  };
  const StubZone* ClosestStub(const ldns_rdf* name) const;

  const RrsetCache* cache_;
  DelegationPoint hints_;
  std::vector<StubZone> stubs_;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_ITERATOR_DELEGATION_FINDER_H_
