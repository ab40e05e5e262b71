#include "resolver/iterator/iterative_resolver.h"

#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "resolver/core/check.h"
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

IterativeResolver::QuestionKey IterativeResolver::KeyOf(const ldns_rdf* name, ldns_rr_type type,
                                                        ldns_rr_class rr_class, bool dnssec_ok) {
  std::string wire(reinterpret_cast<const char*>(ldns_rdf_data(name)), ldns_rdf_size(name));
  // Letters only: a length byte can never be one (labels are at most 63 long).
  for (char& c : wire) c = absl::ascii_tolower(c);
  return {std::move(wire), type, rr_class, dnssec_ok};
}

uint64_t IterativeResolver::Resolve(const ldns_rdf* name, ldns_rr_type type, ldns_rr_class rr_class,
                                    Done done, bool dnssec_ok, bool refresh) {
  const uint64_t ticket = next_ticket_++;
  QuestionKey key = KeyOf(name, type, rr_class, dnssec_ok);
  if (auto it = shared_.find(key); it != shared_.end()) {
    ++coalesced_;
    it->second->callers.emplace_back(ticket, std::move(done));
    by_ticket_[ticket] = it->second;
    return ticket;
  }
  auto shared = std::make_shared<Shared>();
  shared->key = key;
  shared->callers.emplace_back(ticket, std::move(done));
  shared_[key] = shared;
  by_ticket_[ticket] = shared;
  const uint64_t lookup = Start(
      name, type, rr_class, NewBudget(), 0, std::nullopt, 0,
      [this, key](LookupResult result) { AnswerCallers(key, std::move(result)); }, dnssec_ok,
      refresh);
  if (lookup == 0) return 0;  // answered inside Start
  shared->lookup = lookup;
  return ticket;
}

void IterativeResolver::AnswerCallers(const QuestionKey& key, LookupResult result) {
  auto it = shared_.find(key);
  DCHECK(it != shared_.end());
  if (it == shared_.end()) return;
  std::shared_ptr<Shared> shared = std::move(it->second);
  shared_.erase(it);
  shared->lookup = 0;
  for (const auto& [ticket, done] : shared->callers) by_ticket_.erase(ticket);
  // By index, and each `done` taken before it runs: a caller's `done` may withdraw another
  // caller (Cancel finds nothing now) or ask the same question again (a new lookup).
  for (size_t i = 0; i < shared->callers.size(); ++i) {
    Done done = std::move(shared->callers[i].second);
    if (!done) continue;
    const bool last = i + 1 == shared->callers.size();
    done(last ? std::move(result) : CopyResult(result));
  }
}

std::vector<Endpoint> IterativeResolver::AwaitedServers(uint64_t ticket) const {
  std::vector<Endpoint> servers;
  auto shared = by_ticket_.find(ticket);
  if (shared == by_ticket_.end()) return servers;
  // The lookup and its sub-lookups (addresses of name servers, priming), depth first.
  std::vector<uint64_t> ids = {shared->second->lookup};
  while (!ids.empty()) {
    const uint64_t id = ids.back();
    ids.pop_back();
    auto it = lookups_.find(id);
    if (it == lookups_.end()) continue;
    const Lookup& lookup = *it->second;
    if (const Endpoint* server = lookup.awaited_server()) servers.push_back(*server);
    ids.insert(ids.end(), lookup.children().rbegin(), lookup.children().rend());
  }
  return servers;
}

void IterativeResolver::Cancel(uint64_t ticket) {
  auto it = by_ticket_.find(ticket);
  if (it == by_ticket_.end()) return;
  std::shared_ptr<Shared> shared = std::move(it->second);
  by_ticket_.erase(it);
  bool anyone_left = false;
  for (auto& [caller, done] : shared->callers) {
    if (caller == ticket) done = nullptr;
    anyone_left = anyone_left || done != nullptr;
  }
  if (anyone_left || shared->lookup == 0) return;
  shared_.erase(shared->key);
  CancelLookup(shared->lookup);
}

void IterativeResolver::CancelLookup(uint64_t lookup_id) {
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
                                  Done done, bool client_dnssec_ok, bool refresh) {
  const uint64_t id = next_id_++;
  lookups_[id] = std::make_unique<Lookup>(this, id, name, type, rr_class, std::move(budget), depth,
                                          std::move(start_at), parent, std::move(done),
                                          client_dnssec_ok, refresh);
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
