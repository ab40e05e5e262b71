#include "resolver/iterator/iterative_resolver.h"

#include <utility>
#include <vector>

#include "resolver/core/log.h"
#include "resolver/iterator/lookup.h"

namespace rebound {

IterativeResolver::IterativeResolver(IteratorContext context) : context_(context) {}
IterativeResolver::~IterativeResolver() = default;

std::shared_ptr<QueryBudget> IterativeResolver::NewBudget() const {
  auto budget = std::make_shared<QueryBudget>();
  budget->deadline = context_.clock->Now() + context_.options.budget;
  budget->deadline_without_reply = context_.clock->Now() + context_.options.budget_without_reply;
  budget->queries_left = context_.options.max_queries;
  budget->ns_lookups_left = context_.options.max_ns_lookups;
  return budget;
}

uint64_t IterativeResolver::Resolve(const ldns_rdf* name, ldns_rr_type type, ldns_rr_class rr_class,
                                    Done done) {
  return Start(name, type, rr_class, NewBudget(), 0, std::nullopt, 0, std::move(done));
}

void IterativeResolver::Cancel(uint64_t lookup_id) {
  Lookup* lookup = Find(lookup_id);
  if (lookup == nullptr) return;
  // Inside its own Run (a callback of its own that cancels it): it must finish that run, but
  // nobody will hear of it.
  if (lookup->running()) {
    lookup->TakeDone();
    return;
  }
  Remove(lookup_id);  // destroys it and its sub-lookups, which cancel their queries
}

void IterativeResolver::Prime() {
  LdnsRdfPtr root(ldns_dname_new_frm_str("."));
  Start(root.get(), LDNS_RR_TYPE_NS, LDNS_RR_CLASS_IN, NewBudget(), 0,
        DelegationFinder::Start{context_.delegations->Hints()}, 0, [this](LookupResult result) {
          if (result.rcode != LDNS_RCODE_NOERROR) {
            Log(LogLevel::kOps, "priming the root servers failed: %s", result.failure);
            PrimingFailed();
          }
        });
}

void IterativeResolver::Probe(std::function<void(ProbeReport)> done) {
  LdnsRdfPtr root(ldns_dname_new_frm_str("."));
  std::optional<DelegationFinder::Start> start =
      context_.delegations->Find(root.get(), LDNS_RR_CLASS_IN);
  if (!start) start = DelegationFinder::Start{context_.delegations->Hints()};
  std::shared_ptr<QueryBudget> budget = NewBudget();
  Start(root.get(), LDNS_RR_TYPE_NS, LDNS_RR_CLASS_IN, budget, 0, std::move(start), 0,
        [budget, done = std::move(done)](const LookupResult&) {
          done({.reached = budget->replies > 0, .failed_locally = budget->local_failures > 0});
        });
}

uint64_t IterativeResolver::Start(const ldns_rdf* name, ldns_rr_type type, ldns_rr_class rr_class,
                                  std::shared_ptr<QueryBudget> budget, int depth,
                                  std::optional<DelegationFinder::Start> start_at, uint64_t parent,
                                  Done done) {
  const uint64_t id = next_id_++;
  lookups_[id] = std::make_unique<Lookup>(this, id, name, type, rr_class, std::move(budget), depth,
                                          std::move(start_at), parent, std::move(done));
  Drive(id);
  return lookups_.contains(id) ? id : 0;
}

Lookup* IterativeResolver::Find(uint64_t id) {
  auto it = lookups_.find(id);
  return it == lookups_.end() ? nullptr : it->second.get();
}

void IterativeResolver::Drive(uint64_t id) {
  Lookup* lookup = Find(id);
  if (lookup == nullptr || lookup->running()) return;
  lookup->Run();
  if (!lookup->finished()) return;
  std::unique_ptr<Lookup> finished = Remove(id);
  if (Done done = finished->TakeDone()) done(finished->TakeResult());
}

std::unique_ptr<Lookup> IterativeResolver::Remove(uint64_t id) {
  auto it = lookups_.find(id);
  if (it == lookups_.end()) return nullptr;
  std::unique_ptr<Lookup> lookup = std::move(it->second);
  lookups_.erase(it);
  // Sub-lookups still running are of no use to anyone now.
  for (uint64_t child : lookup->children()) Remove(child);
  return lookup;
}

}  // namespace rebound
