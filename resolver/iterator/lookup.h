// One iterative lookup of (name, type): a state machine that walks from the closest known
// delegation down to an answer, following referrals and CNAMEs (RFC 1034 5.3.3).
#ifndef REBOUND_RESOLVER_ITERATOR_LOOKUP_H_
#define REBOUND_RESOLVER_ITERATOR_LOOKUP_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "resolver/iterator/delegation_point.h"
#include "resolver/iterator/iterative_resolver.h"
#include "resolver/iterator/lookup_result.h"
#include "resolver/iterator/response_classifier.h"

namespace rebound {

class Lookup {
 public:
  Lookup(IterativeResolver* resolver, uint64_t id, const ldns_rdf* name, ldns_rr_type type,
         ldns_rr_class rr_class, std::shared_ptr<QueryBudget> budget, int depth,
         std::optional<DelegationFinder::Start> start_at, uint64_t parent,
         IterativeResolver::Done done, bool client_dnssec_ok = false, bool refresh = false);
  Lookup(const Lookup&) = delete;
  Lookup& operator=(const Lookup&) = delete;
  ~Lookup();

  // Advances until the lookup waits for a reply or a sub-lookup, or has finished.
  void Run();
  bool running() const { return running_; }
  bool finished() const { return step_ == Step::kDone; }
  LookupResult TakeResult() { return std::move(result_); }
  IterativeResolver::Done TakeDone() { return std::move(done_); }

  uint64_t parent() const { return parent_; }
  // The server its query out went to, or null when it has none out.
  const Endpoint* awaited_server() const {
    return step_ == Step::kAwaitReply ? &awaited_server_ : nullptr;
  }
  const std::vector<uint64_t>& children() const { return children_; }
  // Whether this lookup or one it waits for through its parents is resolving (name, type): a
  // sub-lookup for it again would go round in circles (a delegation loop).
  bool Resolves(const ldns_rdf* name, ldns_rr_type type) const;

 private:
  enum class Step {
    kCheckCache,      // the answer, a CNAME or a negative answer may be cached
    kFindDelegation,  // where to start asking
    kAwaitPriming,    // the root's NS RRset is being fetched from the hints
    kSelectServer,    // pick the next server of the delegation, or look up server addresses
    kAwaitReply,      // a query is out
    kAwaitAddresses,  // every known address failed; NS names' addresses are being looked up
    kDone,
  };
  struct Sent {
    Endpoint server;
    absl::Time at;
    bool edns = true;
    bool minimised = false;
    bool randomized_case = false;  // sent with 0x20
  };

  bool CheckCache();
  bool FindDelegation();
  bool SelectServer();
  bool StartAddressLookups();
  // Where the lookup of a server's address starts: as any other name, or from the root for a
  // forward-host.
  std::optional<DelegationFinder::Start> ForwarderAddressStart(const ldns_rdf* host) const;
  void Send(const Endpoint& server);
  void OnReply(const Sent& sent, absl::StatusOr<LdnsPktPtr> reply);
  void OnTransportError(const Sent& sent, const absl::Status& error);
  void HandleResponse(const Sent& sent, const ldns_pkt& reply);
  void HandleFinalResponse(ClassifiedResponse response, const ldns_pkt& reply);
  void OnAddresses(uint64_t generation, const ldns_rdf* ns_name, const LookupResult& result);

  void UseDelegation(DelegationFinder::Start start);
  // Addresses we may ask: never asked yet, or (`retry`) asked fewer than the options' times and
  // not done with.
  std::vector<Endpoint> UsableAddresses(bool retry) const;
  // Whether the address family may be used (do-ip4, do-ip6, or IPv4 through do-nat64).
  bool Reachable(const Endpoint& address) const;
  // The name and type to send next: the whole question, or under QNAME minimisation (RFC 9156)
  // the next label of it.
  bool NextQuestionIsMinimised() const;
  // ---- lookup_recovery.cc ----
  // A reply the classifier called lame: a recursor's answer to keep, a minimised question to ask
  // whole, or a server to mark lame for the zone.
  void HandleLame(const Sent& sent, const ldns_pkt& reply, const ldns_rdf* asked,
                  ldns_rr_type type);
  // RFC 9156 4: the rest of this lookup asks whole names.
  void StopMinimising();
  // Every server of a cached delegation failed: asks the parent zone's servers again, for the
  // referral and its glue. Whether it did.
  bool FallBackToParent();
  // Keeps a recursor's answer to the whole question, when it holds one, in case no server of
  // the delegation gives an authoritative one.
  void KeepAsLastResort(const ldns_pkt& reply, const ldns_rdf* asked, ldns_rr_type type);
  // Goes on with the kept answer, at non-authoritative trust; whether the lookup runs on (the
  // answer was a CNAME to follow).
  bool UseLastResort();
  void AppendAnswer(const ldns_rr_list* records);
  // Goes on with the CNAME's target; false (and SERVFAIL) on a loop or a chain too long.
  bool FollowCname(const ldns_rdf* target);
  void CacheGlueOfNsAnswer(const ldns_pkt& reply);
  void Finish(ldns_pkt_rcode rcode, LdnsRrListPtr authority);
  void Fail(std::string why);

  IterativeResolver* const resolver_;
  const IteratorContext& context_;
  const uint64_t id_;
  const uint64_t parent_;
  IterativeResolver::Done done_;
  std::shared_ptr<QueryBudget> budget_;
  const int depth_;
  // A client's own question (not a sub-lookup, priming or the probe): answered from the cache
  // only with data fit for a client (kClientAnswerTrust), and, for a DNSSEC client, never from
  // the negative cache, which keeps no denial proofs (the same rule as CacheStage).
  const bool for_client_;
  // Told where to start (priming, the reachability probe): asks even servers known to be down.
  const bool start_at_given_;
  const bool client_dnssec_ok_;
  // A refresh (IterativeResolver::Resolve): the question's own cache check is skipped once, so
  // the servers are asked; the names a CNAME leads to are looked up in the cache as usual.
  bool skip_cache_ = false;

  LdnsRdfPtr name_;  // the current name: the question's, then each CNAME target in turn
  const ldns_rr_type type_;
  const ldns_rr_class class_;
  std::vector<LdnsRdfPtr> chain_names_;  // every name the CNAME chain has visited

  Step step_ = Step::kCheckCache;
  bool running_ = false;
  std::optional<DelegationFinder::Start> start_at_;
  std::optional<DelegationPoint> delegation_;
  uint64_t delegation_generation_ = 0;  // sub-lookups for an older delegation are ignored
  bool configured_ = false;             // the delegation is a stub-zone or forward-zone
  bool forwarding_ = false;             // its servers are resolvers (forward-zone), asked with RD=1
  bool first_ = false;                  // stub-first / forward-first
  bool skip_configured_ = false;
  bool primed_ = false;
  // What each address of this delegation has had: a server that timed out may be asked again,
  // one that answered uselessly (or is unreachable) is done with.
  struct Attempts {
    Endpoint address;
    int sends = 0;
    bool done = false;
    // Its reply had the wrong letter case: this lookup asks it again without 0x20, whether or
    // not the infra cache has seen enough to turn 0x20 off for the server.
    bool plain_case = false;
  };
  Attempts& AttemptsAt(const Endpoint& address);
  std::vector<Attempts> attempts_;
  // Every address this lookup has sent to, whatever delegation or question it was for.
  std::vector<Endpoint> asked_here_;
  int referrals_ = 0;
  // The delegation was built from the cache (not a referral just received, the hints or a
  // configured zone): only then may its parent be asked again (FallBackToParent).
  bool delegation_from_cache_ = false;
  static constexpr int kMaxParentFallbacks = 2;
  int parent_fallbacks_ = 0;
  int ns_lookups_here_ = 0;  // for this delegation
  int pending_address_lookups_ = 0;
  uint64_t exchange_ = 0;    // the transport's ticket for the query out, 0 when none is
  Endpoint awaited_server_;  // where that query went (kAwaitReply)
  std::vector<uint64_t> children_;
  // QNAME minimisation: labels of name_ sent to the current delegation, 0 = not started.
  static constexpr int kMinimisedTimeoutsBeforeWholeName = 3;
  bool minimise_ = true;
  size_t minimise_labels_ = 0;
  int minimise_steps_ = 0;
  int minimised_timeouts_ = 0;

  // The last-resort answer (KeepAsLastResort), for the current delegation only.
  struct LastResort {
    ClassifiedResponse response;
    LdnsPktPtr reply;
  };
  std::optional<LastResort> last_resort_;

  LookupResult result_;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_ITERATOR_LOOKUP_H_
