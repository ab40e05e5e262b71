#include "resolver/iterator/lookup.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "resolver/cache/cache_wire.h"
#include "resolver/cache/cached_answer.h"
#include "resolver/core/log.h"
#include "resolver/wire/cname_chain.h"
#include "resolver/wire/names.h"
#include "resolver/wire/presentation.h"

namespace rebound {
namespace {

// The CNAME records of a chain (each DNAME step comes with the CNAME it synthesizes).
int CnameLinks(const ldns_rr_list* chain) {
  int links = 0;
  for (size_t i = 0; i < ldns_rr_list_rr_count(chain); ++i) {
    if (ldns_rr_get_type(ldns_rr_list_rr(chain, i)) == LDNS_RR_TYPE_CNAME) ++links;
  }
  return links;
}

// The last `labels` labels of `name` (all of them if it has fewer).
LdnsRdfPtr Suffix(const ldns_rdf* name, size_t labels) {
  LdnsRdfPtr out(ldns_rdf_clone(name));
  for (size_t have = ldns_dname_label_count(name); have > labels && out != nullptr; --have) {
    out.reset(ldns_dname_left_chop(out.get()));
  }
  return out;
}

}  // namespace

Lookup::Lookup(IterativeResolver* resolver, uint64_t id, const ldns_rdf* name, ldns_rr_type type,
               ldns_rr_class rr_class, std::shared_ptr<QueryBudget> budget, int depth,
               std::optional<DelegationFinder::Start> start_at, uint64_t parent,
               IterativeResolver::Done done, bool client_dnssec_ok, bool refresh)
    : resolver_(resolver),
      context_(resolver->context_),
      id_(id),
      parent_(parent),
      done_(std::move(done)),
      budget_(std::move(budget)),
      depth_(depth),
      for_client_(depth == 0 && !start_at.has_value()),
      start_at_given_(start_at.has_value()),
      client_dnssec_ok_(client_dnssec_ok),
      skip_cache_(refresh),
      name_(ldns_rdf_clone(name)),
      type_(type),
      class_(rr_class),
      start_at_(std::move(start_at)) {
  chain_names_.emplace_back(ldns_rdf_clone(name));
  result_.answer.reset(ldns_rr_list_new());
}

// A lookup removed before its reply came (cancelled, or a sub-lookup nobody needs any more)
// gives its socket back at once rather than holding it until the timeout.
Lookup::~Lookup() {
  if (exchange_ != 0) context_.transport->Cancel(exchange_);
}

void Lookup::Run() {
  running_ = true;
  bool more = true;
  while (more) {
    switch (step_) {
      case Step::kCheckCache:
        more = CheckCache();
        break;
      case Step::kFindDelegation:
        more = FindDelegation();
        break;
      case Step::kSelectServer:
        more = SelectServer();
        break;
      case Step::kAwaitPriming:
      case Step::kAwaitReply:
      case Step::kAwaitAddresses:
      case Step::kDone:
        more = false;
        break;
    }
  }
  running_ = false;
}

bool Lookup::Resolves(const ldns_rdf* name, ldns_rr_type type) const {
  for (const Lookup* l = this; l != nullptr; l = resolver_->Find(l->parent_)) {
    if (l->type_ == type && ldns_dname_compare(l->name_.get(), name) == 0) return true;
  }
  return false;
}

// ---- kCheckCache ------------------------------------------------------------------------------

bool Lookup::CheckCache() {
  step_ = Step::kFindDelegation;
  // Priming and the reachability probe are told where to start: they want the servers' word.
  if (start_at_) return true;
  if (std::exchange(skip_cache_, false)) return true;
  CachedAnswer cached =
      AnswerFromCache(*context_.rrsets, *context_.negatives,
                      {.name = name_.get(),
                       .type = type_,
                       .rr_class = class_,
                       .at_least = for_client_ ? kClientAnswerTrust : Trust::kAdditional,
                       .dnssec_ok = for_client_ && client_dnssec_ok_,
                       .max_cname_chain = context_.options.max_cname_chain});
  switch (cached.kind) {
    case CachedAnswer::Kind::kMiss:
      return true;
    case CachedAnswer::Kind::kData:
      AppendAnswer(cached.records.get());
      Finish(LDNS_RCODE_NOERROR, nullptr);
      return false;
    case CachedAnswer::Kind::kNegative: {
      AppendAnswer(cached.records.get());
      LdnsRrListPtr authority(ldns_rr_list_new());
      ldns_rr_list_push_rr(authority.get(), cached.soa.release());
      Finish(cached.rcode, std::move(authority));
      return false;
    }
    case CachedAnswer::Kind::kChainOnly:
    case CachedAnswer::Kind::kChainBroken:
      break;
  }
  // Each cached CNAME is followed as one from a server would be: the same limits and loop
  // check over the whole chain, and the lookup goes on at its end.
  AppendAnswer(cached.records.get());
  for (size_t i = 0; i < ldns_rr_list_rr_count(cached.records.get()); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(cached.records.get(), i);
    if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME && !FollowCname(ldns_rr_rdf(rr, 0))) {
      return false;
    }
  }
  if (cached.kind == CachedAnswer::Kind::kChainBroken) {
    Fail("CNAME chain broken in the cache");
    return false;
  }
  step_ = Step::kFindDelegation;  // the cache has nothing for the chain's end
  return true;
}

// ---- kFindDelegation --------------------------------------------------------------------------

bool Lookup::FindDelegation() {
  if (start_at_) {
    UseDelegation(*std::move(start_at_));
    start_at_.reset();
    return true;
  }
  // RFC 4035 3.1.4.1: the DS RRset lives in the parent zone.
  LdnsRdfPtr search(type_ == LDNS_RR_TYPE_DS && ldns_dname_label_count(name_.get()) > 0
                        ? ldns_dname_left_chop(name_.get())
                        : ldns_rdf_clone(name_.get()));
  if (std::optional<DelegationFinder::Start> start =
          context_.delegations->Find(search.get(), class_, skip_configured_)) {
    UseDelegation(*std::move(start));
    delegation_from_cache_ = !configured_;
    return true;
  }
  // RFC 8109 3: no root NS RRset in the cache: ask the hints for the real one first (priming).
  if (!primed_ && depth_ < context_.options.max_depth && resolver_->MayPrime()) {
    primed_ = true;
    LdnsRdfPtr root(ldns_dname_new_frm_str("."));
    step_ = Step::kAwaitPriming;
    const uint64_t child =
        resolver_->Start(root.get(), LDNS_RR_TYPE_NS, class_, budget_, depth_ + 1,
                         DelegationFinder::Start{context_.delegations->Hints()}, id_,
                         [resolver = resolver_, id = id_](LookupResult result) {
                           if (result.rcode != LDNS_RCODE_NOERROR) resolver->PrimingFailed();
                           Lookup* self = resolver->Find(id);
                           if (self == nullptr || self->step_ != Step::kAwaitPriming) return;
                           self->step_ = Step::kFindDelegation;
                           if (!self->running_) resolver->Drive(id);
                         });
    if (child != 0) children_.push_back(child);
    return step_ != Step::kAwaitPriming;
  }
  // Priming failed: the hints themselves are the best there is.
  UseDelegation({context_.delegations->Hints()});
  return true;
}

void Lookup::UseDelegation(DelegationFinder::Start start) {
  DelegationPoint& delegation = start.delegation;
  // Cached addresses of its servers count as much as glue.
  for (NameServer& server : delegation.servers()) {
    if (server.lookup_started) continue;
    for (ldns_rr_type type : {LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA}) {
      if (LdnsRrListPtr records = context_.rrsets->Lookup(server.name.get(), type, class_)) {
        delegation.AddAddressRecords(records.get());
      }
    }
  }
  if (LogEnabled(LogLevel::kAlgo)) {
    Log(LogLevel::kAlgo, "iterator: %s %s: delegation %s (%d servers)", NameString(name_.get()),
        TypeString(type_), NameString(delegation.zone()),
        static_cast<int>(delegation.servers().size()));
  }
  delegation_ = std::move(delegation);
  ++delegation_generation_;
  configured_ = start.configured;
  forwarding_ = start.forward;
  first_ = start.first;
  attempts_.clear();
  delegation_from_cache_ = false;  // FindDelegation says so after this when it is
  last_resort_.reset();  // another zone's servers: a recursor's word for the old one is not theirs
  ns_lookups_here_ = 0;
  minimise_labels_ = 0;
  step_ = Step::kSelectServer;
}

// ---- kSelectServer ----------------------------------------------------------------------------

Lookup::Attempts& Lookup::AttemptsAt(const Endpoint& address) {
  for (Attempts& attempts : attempts_) {
    if (attempts.address == address) return attempts;
  }
  attempts_.push_back({address});
  return attempts_.back();
}

bool Lookup::Reachable(const Endpoint& address) const {
  const IteratorOptions& options = context_.options;
  return address.is_v6() ? options.do_ip6 : options.do_ip4 || (options.nat64 && options.do_ip6);
}

std::vector<Endpoint> Lookup::UsableAddresses(bool retry) const {
  const IteratorOptions& options = context_.options;
  std::vector<Endpoint> usable;
  for (const NameServer& server : delegation_->servers()) {
    for (const Endpoint& known : server.addresses) {
      if (!Reachable(known)) continue;
      // do-nat64: an IPv4 server is reached through the translator.
      const Endpoint address = !known.is_v6() && !options.do_ip4 ? options.nat64(known) : known;
      // Glue may say anything: 0.0.0.0 or "::" would reach this host whatever
      // do-not-query-localhost says, and no server has a multicast address.
      if (!MayBeServerAddress(known) || !MayBeServerAddress(address)) continue;
      // The server's own address decides, also when NAT64 would carry the query there.
      if (options.do_not_query_localhost && (known.IsLoopback() || address.IsLoopback())) continue;
      auto asked = std::find_if(attempts_.begin(), attempts_.end(),
                                [&](const Attempts& a) { return a.address == address; });
      if (asked != attempts_.end() &&
          (asked->done || !retry || asked->sends >= options.max_sends_per_server)) {
        continue;
      }
      if (std::find(usable.begin(), usable.end(), address) != usable.end()) continue;
      if (context_.infra->IsLame(address, delegation_->zone())) continue;
      // Issue 18 item 8: a server that stopped answering (InfraCache's down_time after repeated
      // timeouts, or unreachable) is not waited for again until that time has passed, so a
      // zone whose servers are all down costs a client no time at all (as unbound's
      // infra-keep-probing: no). Priming and the bootstrap probe still ask: finding out is
      // their purpose; and a server this lookup has asked itself keeps its retries (its
      // timeouts may have been the minimised questions', RFC 9156 4).
      if (!start_at_given_ && context_.infra->IsDown(address) &&
          std::find(asked_here_.begin(), asked_here_.end(), address) == asked_here_.end()) {
        continue;
      }
      usable.push_back(address);
    }
  }
  return usable;
}

bool Lookup::SelectServer() {
  if (context_.clock->Now() >= budget_->Deadline()) {
    if (last_resort_) return UseLastResort();
    Fail("time budget spent");
    return false;
  }
  std::vector<Endpoint> candidates = UsableAddresses(false);
  if (candidates.empty() && StartAddressLookups()) candidates = UsableAddresses(false);
  // Servers that timed out get another try once nothing new is left to ask.
  if (candidates.empty() && pending_address_lookups_ == 0) candidates = UsableAddresses(true);
  if (!candidates.empty()) {
    std::vector<size_t> order = context_.infra->Order(candidates);
    if (context_.options.prefer_ip6) {
      std::stable_partition(order.begin(), order.end(),
                            [&](size_t i) { return candidates[i].is_v6(); });
    }
    Send(candidates[order.front()]);
    return step_ != Step::kAwaitReply;
  }
  if (pending_address_lookups_ > 0) {
    step_ = Step::kAwaitAddresses;
    return false;
  }
  if (last_resort_) return UseLastResort();
  if (FallBackToParent()) return true;
  if (configured_ && first_) {
    // stub-first, forward-first: the configured servers failed, try the ordinary delegation.
    skip_configured_ = true;
    step_ = Step::kFindDelegation;
    return true;
  }
  Fail(absl::StrCat("no server of ", NameString(delegation_->zone()), " answered"));
  return false;
}

// Looks up the addresses of NS names that have none we may use, within the NXNSAttack limits
// (CVE-2020-12662: a referral to many glueless names must not multiply our queries). Returns
// whether any lookup was started.
bool Lookup::StartAddressLookups() {
  const IteratorOptions& options = context_.options;
  bool started = false;
  for (size_t i = 0; i < delegation_->servers().size(); ++i) {
    NameServer& server = delegation_->servers()[i];
    // A server with an address we may use was asked already; only the others need a lookup (an
    // IPv6-only resolver still looks up the AAAA of a server that came with IPv4 glue only).
    const bool has_usable_family = std::any_of(
        server.addresses.begin(), server.addresses.end(),
        [&](const Endpoint& address) { return address.is_v6() ? options.do_ip6 : options.do_ip4; });
    if (server.lookup_started || has_usable_family) continue;
    if (ns_lookups_here_ >= options.max_ns_lookups_per_delegation ||
        budget_->ns_lookups_left <= 0 || depth_ + 1 > options.max_depth) {
      break;
    }
    server.lookup_started = true;
    std::vector<ldns_rr_type> types;
    if (options.do_ip4 || options.nat64) types.push_back(LDNS_RR_TYPE_A);
    if (options.do_ip6) types.push_back(LDNS_RR_TYPE_AAAA);
    if (options.prefer_ip6) std::reverse(types.begin(), types.end());
    bool counted = false;
    for (ldns_rr_type type : types) {
      if (Resolves(server.name.get(), type)) continue;  // a delegation loop
      if (!counted) {
        counted = true;
        ++ns_lookups_here_;
        --budget_->ns_lookups_left;
      }
      ++pending_address_lookups_;
      started = true;
      std::shared_ptr<ldns_rdf> ns_name(ldns_rdf_clone(server.name.get()), ldns_rdf_deep_free);
      const uint64_t child =
          resolver_->Start(server.name.get(), type, class_, budget_, depth_ + 1,
                           ForwarderAddressStart(server.name.get()), id_,
                           [resolver = resolver_, id = id_, generation = delegation_generation_,
                            ns_name](LookupResult result) {
                             Lookup* self = resolver->Find(id);
                             if (self == nullptr) return;
                             self->OnAddresses(generation, ns_name.get(), result);
                             if (!self->running_) resolver->Drive(id);
                           });
      if (child != 0) children_.push_back(child);
    }
  }
  return started;
}

// A forward-host's address is not for the forward-zone's servers to give, which are the ones
// being looked for: it is resolved from the root (the cache, or the hints before priming).
std::optional<DelegationFinder::Start> Lookup::ForwarderAddressStart(const ldns_rdf* host) const {
  if (!forwarding_) return std::nullopt;
  if (std::optional<DelegationFinder::Start> start =
          context_.delegations->Find(host, class_, /*skip_configured=*/true)) {
    return start;
  }
  return DelegationFinder::Start{context_.delegations->Hints()};
}

void Lookup::OnAddresses(uint64_t generation, const ldns_rdf* ns_name, const LookupResult& result) {
  --pending_address_lookups_;
  if (generation != delegation_generation_) return;
  for (size_t i = 0; i < ldns_rr_list_rr_count(result.answer.get()); ++i) {
    // The owner may be a CNAME target of the NS name (RFC 2181 10.3 forbids it, but it works).
    if (std::optional<Endpoint> address =
            AddressOfRecord(ldns_rr_list_rr(result.answer.get(), i))) {
      delegation_->AddAddress(ns_name, *address);
    }
  }
  if (step_ == Step::kAwaitAddresses) step_ = Step::kSelectServer;
}

// ---- kAwaitReply ------------------------------------------------------------------------------

bool Lookup::NextQuestionIsMinimised() const {
  // RFC 9156 is for authoritative servers: a forwarder is asked the whole question.
  return context_.options.qname_minimisation && minimise_ && !forwarding_ &&
         minimise_steps_ < context_.options.max_minimise_steps &&
         minimise_labels_ < ldns_dname_label_count(name_.get());
}

void Lookup::Send(const Endpoint& server) {
  const absl::Time now = context_.clock->Now();
  const absl::Duration left = budget_->Deadline() - now;
  if (budget_->queries_left <= 0) return Fail("query limit reached");
  if (left <= absl::ZeroDuration()) return Fail("time budget spent");
  --budget_->queries_left;

  // RFC 9156 2.3: ask the delegation's servers only about the next label below their zone, as
  // an A query (the QTYPE least likely to be mishandled), until the whole name is reached.
  if (minimise_labels_ == 0) minimise_labels_ = ldns_dname_label_count(delegation_->zone()) + 1;
  const bool minimised = NextQuestionIsMinimised();
  LdnsRdfPtr asked =
      minimised ? Suffix(name_.get(), minimise_labels_) : LdnsRdfPtr(ldns_rdf_clone(name_.get()));
  if (minimised) ++minimise_steps_;
  Attempts& attempts = AttemptsAt(server);
  ++attempts.sends;
  if (attempts.sends == 1 &&
      std::find(asked_here_.begin(), asked_here_.end(), server) == asked_here_.end()) {
    asked_here_.push_back(server);
  }
  UpstreamQuestion q;
  q.name = asked.get();
  q.type = minimised ? LDNS_RR_TYPE_A : type_;
  q.qclass = class_;
  q.recursion_desired = forwarding_;
  q.zone = delegation_->zone();
  q.edns = !context_.infra->EdnsUnsupported(server);
  q.randomize_case =
      context_.options.use_0x20 && !attempts.plain_case && !context_.infra->CaseNotEchoed(server);
  Sent sent{server, now, q.edns, minimised, q.randomize_case};
  if (LogEnabled(LogLevel::kAlgo)) {
    Log(LogLevel::kAlgo, "iterator: asking %s for %s %s (zone %s)", server.ToString(),
        NameString(asked.get()), TypeString(q.type), NameString(delegation_->zone()));
  }
  step_ = Step::kAwaitReply;
  awaited_server_ = server;
  exchange_ = context_.transport->Query(
      server, q, std::min(context_.infra->Timeout(server), left),
      [resolver = resolver_, id = id_, sent](absl::StatusOr<LdnsPktPtr> reply) {
        Lookup* self = resolver->Find(id);
        if (self == nullptr || self->step_ != Step::kAwaitReply) return;
        self->exchange_ = 0;
        self->OnReply(sent, std::move(reply));
        resolver->Drive(id);
      });
}

void Lookup::OnReply(const Sent& sent, absl::StatusOr<LdnsPktPtr> reply) {
  step_ = Step::kSelectServer;
  // A reply whose 0x20 case did not match still shows the server is there.
  if (reply.ok() || absl::IsFailedPrecondition(reply.status())) ++budget_->replies;
  if (!reply.ok()) return OnTransportError(sent, reply.status());
  context_.infra->RecordReply(sent.server, context_.clock->Now() - sent.at);
  if (sent.randomized_case) context_.infra->RecordCaseEchoed(sent.server);
  HandleResponse(sent, **reply);
}

void Lookup::OnTransportError(const Sent& sent, const absl::Status& error) {
  if (LogEnabled(LogLevel::kAlgo)) {
    Log(LogLevel::kAlgo, "iterator: %s: %s", sent.server.ToString(), error.ToString());
  }
  if (absl::IsFailedPrecondition(error)) {
    // The server does not echo 0x20 case, or a blind forger guessed wrong and the real reply
    // was lost: ask it again plainly for this lookup, and let the infra cache weigh the
    // evidence before 0x20 is turned off for everyone's queries to it.
    context_.infra->RecordCaseMismatch(sent.server);
    AttemptsAt(sent.server).plain_case = true;
    return;
  }
  if (absl::IsDeadlineExceeded(error)) {
    context_.infra->RecordTimeout(sent.server);
    // RFC 9156 4: a server or middlebox may drop a query for a name it does not expect. After
    // a few timeouts (as unbound's MAX_MINIMISE_TIMEOUT_COUNT: a lost packet or two is not
    // reason enough to show the whole name) the whole name goes next, a new question for
    // every server; the infra cache still ranks the silent ones last. Not while nothing at all
    // has answered this query: then the network is down, and the whole name would only be
    // shown to more silence.
    if (sent.minimised && budget_->replies > 0 &&
        ++minimised_timeouts_ >= kMinimisedTimeoutsBeforeWholeName) {
      StopMinimising();
    }
    return;  // may be asked again
  }
  if (absl::IsUnavailable(error)) context_.infra->RecordUnreachable(sent.server);
  // Not sent at all: says nothing about the server (the bootstrap probe must not read an
  // outage into a descriptor or socket limit a client's flood can reach).
  if (absl::IsInternal(error) || absl::IsResourceExhausted(error)) ++budget_->local_failures;
  AttemptsAt(sent.server).done = true;
}

void Lookup::HandleResponse(const Sent& sent, const ldns_pkt& reply) {
  const ldns_rr* question = ldns_rr_list_rr(ldns_pkt_question(&reply), 0);
  const ldns_rdf* asked = ldns_rr_owner(question);
  ClassifiedResponse response =
      ClassifyResponse(reply, asked, ldns_rr_get_type(question), delegation_->zone(),
                       forwarding_ ? Upstream::kRecursive : Upstream::kAuthoritative);
  // Before anything is cached or followed: nothing private reaches the cache or a client.
  RemovePrivateAddresses(context_.options.private_addresses, ldns_rr_get_type(question), response);
  switch (response.kind) {
    case ResponseKind::kFormerr:
      // RFC 6891 7: a server that does not know EDNS answers FORMERR; ask it again without.
      if (sent.edns) {
        context_.infra->SetEdnsUnsupported(sent.server);
      } else {
        AttemptsAt(sent.server).done = true;
      }
      return;
    case ResponseKind::kServerError:
      // RFC 9156 2.3 and 4: some servers mishandle minimised queries (SERVFAIL, REFUSED for a
      // name they do not expect): stop minimising and ask them the whole name.
      if (sent.minimised) return StopMinimising();
      // RFC 8906 3.1.2: REFUSED is what a server says for a zone it does not serve: lame for
      // this zone, remembered (InfraCache) so that other questions in it skip the server; its
      // other zones are not affected. A forwarder's REFUSED is its access control, not lameness.
      if (ldns_pkt_get_rcode(&reply) == LDNS_RCODE_REFUSED && !forwarding_) {
        context_.infra->SetLame(sent.server, delegation_->zone());
      }
      AttemptsAt(sent.server).done = true;
      return;
    case ResponseKind::kLame:
      return HandleLame(sent, reply, asked, ldns_rr_get_type(question));
    case ResponseKind::kReferral: {
      if (++referrals_ > context_.options.max_referrals) return Fail("too many referrals");
      context_.cache->StoreReferral(response.authority.get(), response.additional.get());
      DelegationPoint referred = DelegationPoint::FromRecords(
          response.referral_zone.get(), response.authority.get(), response.additional.get());
      if (!context_.options.harden_glue) referred.AddAddressRecords(response.foreign_glue.get());
      UseDelegation({std::move(referred)});
      return;
    }
    default:
      break;
  }
  if (!sent.minimised) return HandleFinalResponse(std::move(response), reply);
  // A minimised question was answered, not referred: no zone cut at that name, so the same
  // servers are asked about one more label.
  if (response.kind == ResponseKind::kNxdomain) {
    // RFC 8020 2: nothing exists below a name that does not exist.
    context_.cache->StoreRecords(response.authority.get(), Trust::kAuthority);
    context_.cache->StoreNegative(asked, type_, class_, LDNS_RCODE_NXDOMAIN,
                                  response.authority.get());
    Finish(LDNS_RCODE_NXDOMAIN, std::move(response.authority));
    return;
  }
  ++minimise_labels_;
  // The next name is a new question: what the servers did with the last one does not count
  // against them (a zone with one server must still get every step of a long name).
  attempts_.clear();
}

void Lookup::HandleFinalResponse(ClassifiedResponse response, const ldns_pkt& reply) {
  // RFC 2181 5.4.1: only an authoritative answer is the zone's own word.
  context_.cache->StoreRecords(response.answer.get(),
                               response.authoritative ? Trust::kAnswer : Trust::kAuthority);
  AppendAnswer(response.answer.get());
  // RFC 1034 3.6.2's limit is on the chain, not on the replies it took: a server that sends many
  // links in one reply gets no longer a chain through than one that sends a link per reply.
  if (CnameLinks(result_.answer.get()) > context_.options.max_cname_chain) {
    return Fail("CNAME chain too long");
  }
  const ldns_rdf* end = CnameChainEnd(name_.get(), response.answer.get());
  switch (response.kind) {
    case ResponseKind::kAnswer:
      if (type_ == LDNS_RR_TYPE_NS) CacheGlueOfNsAnswer(reply);
      Finish(LDNS_RCODE_NOERROR, nullptr);
      return;
    case ResponseKind::kCname:
      FollowCname(response.next_name.get());
      return;
    case ResponseKind::kNxdomain:
    case ResponseKind::kNodata: {
      const ldns_pkt_rcode rcode =
          response.kind == ResponseKind::kNxdomain ? LDNS_RCODE_NXDOMAIN : LDNS_RCODE_NOERROR;
      // RFC 2308 5: the SOA's TTL bounds how long the negative answer is cached.
      context_.cache->StoreRecords(response.authority.get(), Trust::kAuthority);
      context_.cache->StoreNegative(end, type_, class_, rcode, response.authority.get());
      Finish(rcode, std::move(response.authority));
      return;
    }
    default:
      Fail("unexpected response");
  }
}

// An NS answer from a zone's own servers (priming, RFC 8109 4.1, most of all) carries their
// addresses in the additional section: keep those within the zone's bailiwick.
void Lookup::CacheGlueOfNsAnswer(const ldns_pkt& reply) {
  DelegationPoint servers =
      DelegationPoint::FromRecords(name_.get(), result_.answer.get(), nullptr);
  const ldns_rr_list* additional = ldns_pkt_additional(&reply);
  LdnsRrListPtr glue(ldns_rr_list_new());
  for (size_t i = 0; i < ldns_rr_list_rr_count(additional); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(additional, i);
    if (AddressOfRecord(rr) && ldns_rr_get_class(rr) == class_ &&
        servers.Find(ldns_rr_owner(rr)) != nullptr &&
        IsAtOrBelow(ldns_rr_owner(rr), delegation_->zone())) {
      ldns_rr_list_push_rr(glue.get(), ldns_rr_clone(rr));
    }
  }
  context_.options.private_addresses.RemoveFrom(glue.get());  // private-address, as all glue
  context_.cache->StoreRecords(glue.get(), Trust::kAdditional);
}

// ---- Results ----------------------------------------------------------------------------------

void Lookup::AppendAnswer(const ldns_rr_list* records) {
  for (size_t i = 0; i < ldns_rr_list_rr_count(records); ++i) {
    ldns_rr_list_push_rr(result_.answer.get(), ldns_rr_clone(ldns_rr_list_rr(records, i)));
  }
}

bool Lookup::FollowCname(const ldns_rdf* target) {
  if (static_cast<int>(chain_names_.size()) > context_.options.max_cname_chain) {
    Fail("CNAME chain too long");
    return false;
  }
  for (const LdnsRdfPtr& seen : chain_names_) {
    if (ldns_dname_compare(seen.get(), target) == 0) {
      Fail("CNAME loop");
      return false;
    }
  }
  chain_names_.emplace_back(ldns_rdf_clone(target));
  name_.reset(ldns_rdf_clone(target));
  delegation_.reset();
  skip_configured_ = false;
  referrals_ = 0;
  minimise_ = true;
  minimise_steps_ = 0;
  step_ = Step::kCheckCache;
  return true;
}

void Lookup::Finish(ldns_pkt_rcode rcode, LdnsRrListPtr authority) {
  result_.rcode = rcode;
  result_.authority = authority ? std::move(authority) : LdnsRrListPtr(ldns_rr_list_new());
  step_ = Step::kDone;
}

void Lookup::Fail(std::string why) {
  if (LogEnabled(LogLevel::kDetail)) {
    Log(LogLevel::kDetail, "iterator: SERVFAIL for %s %s: %s", NameString(chain_names_[0].get()),
        TypeString(type_), why);
  }
  result_.failure = std::move(why);
  result_.no_reachable_authority = budget_->replies == 0;
  result_.answer.reset(ldns_rr_list_new());  // a partial chain is no answer
  Finish(LDNS_RCODE_SERVFAIL, nullptr);
}

}  // namespace rebound
