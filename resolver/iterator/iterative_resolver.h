// Iterative resolution (RFC 1034 5.3.3): from the closest known delegation down to the servers
// that hold the answer, one Lookup per (name, type), sub-lookups for the addresses of name
// servers that came without glue.
#ifndef REBOUND_RESOLVER_ITERATOR_ITERATIVE_RESOLVER_H_
#define REBOUND_RESOLVER_ITERATOR_ITERATIVE_RESOLVER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "resolver/cache/cache_writer.h"
#include "resolver/cache/negative_cache.h"
#include "resolver/cache/rrset_cache.h"
#include "resolver/core/clock.h"
#include "resolver/core/transport.h"
#include "resolver/iterator/delegation_finder.h"
#include "resolver/iterator/infra_cache.h"
#include "resolver/iterator/iterator_options.h"
#include "resolver/iterator/lookup_result.h"

namespace rebound {

class Lookup;

// The shared, read-mostly things a Lookup works with.
struct IteratorContext {
  Transport* transport;
  // Read to find delegations and answers; everything learned goes to `cache`, the one writer.
  const RrsetCache* rrsets;
  const NegativeCache* negatives;
  CacheWriter* cache;
  InfraCache* infra;
  const DelegationFinder* delegations;
  const Clock* clock;
  IteratorOptions options;
};

// One per event loop (it holds that loop's Transport). Owns every Lookup in progress; callbacks
// from the transport and from sub-lookups reach a Lookup through its id, so one that has been
// cancelled or has finished is simply not found.
class IterativeResolver {
 public:
  using Done = std::function<void(LookupResult)>;

  explicit IterativeResolver(IteratorContext context);
  IterativeResolver(const IterativeResolver&) = delete;
  IterativeResolver& operator=(const IterativeResolver&) = delete;
  ~IterativeResolver();

  // Resolves a client's question within the options' budget; `done` runs exactly once, possibly
  // before Resolve returns (when the cache holds the answer), unless it is cancelled. A question
  // (name in any case, type, class) already being resolved for another caller joins that
  // lookup: one resolution, one set of upstream queries, every caller answered (as unbound's
  // mesh and Knot Resolver's request sharing do; fewer queries out is also less for a spoofer
  // to match). Returns a ticket for Cancel, or 0 when `done` ran inside the call.
  // `dnssec_ok`: the client set DO, and so wants denial proofs the negative cache lacks.
  // `refresh`: a prefetch or the refresh behind a stale answer, which asks the servers even when
  // the cache still holds the answer, so that their reply replaces it.
  uint64_t Resolve(const ldns_rdf* name, ldns_rr_type type, ldns_rr_class rr_class, Done done,
                   bool dnssec_ok = false, bool refresh = false);
  // Withdraws the caller with this ticket: its `done` never runs. When it was the lookup's last
  // caller, the lookup stops, with every sub-lookup and query it has out. A no-op when done.
  void Cancel(uint64_t ticket);
  // The servers the lookup behind this ticket has queries out to, its lookups for its servers'
  // addresses included, for dump_requestlist; empty when it waits for none (or is done).
  std::vector<Endpoint> AwaitedServers(uint64_t ticket) const;
  // Callers that joined a lookup already under way, since start.
  uint64_t coalesced() const { return coalesced_; }

  // Fetches the root's NS RRset from the root hints into the cache now (RFC 8109 3). The daemon
  // never calls it: the first lookup that finds no root NS RRset primes (nothing goes out before
  // a client asks). Tests use it to start from a primed cache. A failure is only logged.
  void Prime();

  // What a Probe found.
  struct ProbeReport {
    bool reached = false;  // some server sent something back
    // Some server could not be asked for a local reason (no descriptor, no socket): a probe
    // that reached nobody then says nothing about the network.
    bool failed_locally = false;
  };
  // Asks the servers for "." (the root servers from the cache or the hints, or a forward-zone's
  // resolvers) for its NS RRset, past the cache, and tells whether any of them sent anything
  // back: how the bootstrap health monitor learns whether ordinary DNS works, from a question
  // that depends on no client's names.
  void Probe(std::function<void(ProbeReport)> done);

  size_t lookups_in_progress() const { return lookups_.size(); }

  // How long lookups start from the hints without priming after priming failed.
  static constexpr absl::Duration kPrimingHoldDown = absl::Seconds(5);

 private:
  friend class Lookup;

  // A client query's allowance, from the options.
  std::shared_ptr<QueryBudget> NewBudget() const;
  // After priming failed, lookups start from the hints for a while instead of each priming
  // again: with the root unreachable, every lookup and sub-lookup would otherwise try.
  bool MayPrime() const { return context_.clock->Now() >= no_priming_until_; }
  void PrimingFailed() { no_priming_until_ = context_.clock->Now() + kPrimingHoldDown; }

  // Starts a sub-lookup on behalf of `parent` (0 for none). `start_at` overrides the delegation
  // to begin with (priming asks the root hints). Returns its id, or 0 when it finished at once.
  uint64_t Start(const ldns_rdf* name, ldns_rr_type type, ldns_rr_class rr_class,
                 std::shared_ptr<QueryBudget> budget, int depth,
                 std::optional<DelegationFinder::Start> start_at, uint64_t parent, Done done,
                 bool client_dnssec_ok = false, bool refresh = false);
  Lookup* Find(uint64_t id);
  // Runs a lookup until it waits or finishes; a finished one is removed and its `done` called.
  void Drive(uint64_t id);
  // Removes a lookup and every sub-lookup it started.
  std::unique_ptr<Lookup> Remove(uint64_t id);

  // Name (wire form, lower case), type, class and DO.
  using QuestionKey = std::tuple<std::string, ldns_rr_type, ldns_rr_class, bool>;
  static QuestionKey KeyOf(const ldns_rdf* name, ldns_rr_type type, ldns_rr_class rr_class,
                           bool dnssec_ok);
  // The callers of one client lookup, which Resolve shares out (coalescing).
  struct Shared {
    QuestionKey key;
    uint64_t lookup = 0;  // 0 until Start returns, and once the lookup has finished
    std::vector<std::pair<uint64_t, Done>> callers;  // ticket, and `done` (null: withdrawn)
  };
  // Stops a lookup with every sub-lookup and query it has out; its `done` never runs.
  void CancelLookup(uint64_t lookup_id);
  // The lookup for `key` has finished: every caller still there gets its own copy of `result`.
  void AnswerCallers(const QuestionKey& key, LookupResult result);

  const IteratorContext context_;
  absl::flat_hash_map<QuestionKey, std::shared_ptr<Shared>> shared_;
  absl::flat_hash_map<uint64_t, std::shared_ptr<Shared>> by_ticket_;
  uint64_t next_ticket_ = 1;
  uint64_t coalesced_ = 0;
  absl::flat_hash_map<uint64_t, std::unique_ptr<Lookup>> lookups_;
  uint64_t next_id_ = 1;
  absl::Time no_priming_until_ = absl::InfinitePast();
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_ITERATOR_ITERATIVE_RESOLVER_H_
