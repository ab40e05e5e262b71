#include "bootstrap/bootstrap_stage.h"

#include <utility>
#include <vector>

#include "resolver/core/log.h"
#include "resolver/wire/cname_chain.h"

namespace rebound {
namespace {

// Which way a request took through this stage.
struct StagePath {
  bool relays_asked = false;  // its answer is the relays' (or their failure): pass it on
  // Bootstrap mode asked the relays first, they failed, and the iterator ran after all.
  bool ordinary_after_relays = false;
  uint64_t exchange = 0;  // the relay exchange it waits for, for OnCancel
};

bool IsOneOf(const ldns_rdf* name, const std::vector<const ldns_rdf*>& names) {
  for (const ldns_rdf* n : names) {
    if (ldns_dname_compare(name, n) == 0) return true;
  }
  return false;
}

}  // namespace

LdnsPktPtr AnswerFromRelay(const ldns_pkt& relay_answer, const ldns_rdf* qname, ldns_rr_type qtype,
                           const PrivateAddresses* private_addresses) {
  LdnsPktPtr pkt(ldns_pkt_new());
  ldns_pkt_set_rcode(pkt.get(), ldns_pkt_get_rcode(&relay_answer));
  ldns_pkt_set_aa(pkt.get(), false);  // RFC 1035 4.1.1: AA is for the zone's own servers
  const ldns_rr_list* answer = ldns_pkt_answer(&relay_answer);
  const std::vector<const ldns_rdf*> chain = CnameChainNames(qname, answer);
  bool scrubbed = false;  // private-address took records
  for (size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(answer, i);
    const ldns_rr_type type = ldns_rr_get_type(rr);
    if ((type == qtype || type == LDNS_RR_TYPE_CNAME) && IsOneOf(ldns_rr_owner(rr), chain)) {
      if (private_addresses != nullptr && private_addresses->IsPrivate(rr)) {
        scrubbed = true;
        continue;
      }
      ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_ANSWER, ldns_rr_clone(rr));
    }
  }
  // The relay did not say the name has no data; what it said may not be used.
  if (scrubbed) return pkt;
  // RFC 2308 3: a negative answer's SOA, owned by an ancestor of the name the chain ends at,
  // lets the cache keep it.
  const ldns_rdf* end = chain.back();
  const ldns_rr_list* authority = ldns_pkt_authority(&relay_answer);
  for (size_t i = 0; i < ldns_rr_list_rr_count(authority); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(authority, i);
    if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA &&
        (ldns_dname_compare(ldns_rr_owner(rr), end) == 0 ||
         ldns_dname_is_subdomain(end, ldns_rr_owner(rr)))) {
      ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_AUTHORITY, ldns_rr_clone(rr));
      break;
    }
  }
  return pkt;
}

BootstrapStage::BootstrapStage(HealthMonitor* health, std::unique_ptr<RelayExchange> relays,
                               Probe probe, const Published<RelayScope>* scope,
                               const PrivateAddresses* private_addresses)
    : health_(health),
      relays_(std::move(relays)),
      probe_(std::move(probe)),
      scope_(scope),
      private_addresses_(private_addresses) {}

bool BootstrapStage::Relayable(const Request& req) const {
  if (!req.resolvable()) return false;
  // The version in force now: rebound-control's forward_add, stub_add and local_zone publish a
  // new one (RelayScopeInForce, resolver/shared_state.h).
  const RelayScope* scope = scope_ == nullptr ? nullptr : scope_->Get();
  return scope == nullptr || scope->Allows(req.qname());
}

StageResult BootstrapStage::OnQuery(Request& req) {
  // What the iterator refuses is not the relays' either, and its refusal says nothing about
  // whether ordinary DNS works (OnAnswer); what the user routed elsewhere goes there.
  if (!health_->RelaysFirst() || !Relayable(req)) return StageResult::kContinue;
  MaybeProbe();
  req.Slot<StagePath>().relays_asked = true;
  const bool ordinary_allowed = health_->OrdinaryAllowed();
  req.Slot<StagePath>().exchange =
      AskRelays(req.qname(), req.qtype(),
                [handle = req.handle(), ordinary_allowed](absl::StatusOr<LdnsPktPtr> answer) {
                  Request* request = handle.get();
                  if (request == nullptr) return;
                  if (answer.ok()) {
                    request->set_answer(*std::move(answer));
                    handle.Resume(StageResult::kDone);
                  } else if (ordinary_allowed) {
                    request->Slot<StagePath>().ordinary_after_relays = true;
                    handle.Resume(StageResult::kContinue);  // the relays failed: try the iterator
                  } else {
                    // bootstrap: only, and no relay answered: SERVFAIL, said outright (a stage
                    // that is done has set an answer, whether it resumes now or later).
                    LdnsPktPtr servfail(ldns_pkt_new());
                    ldns_pkt_set_rcode(servfail.get(), LDNS_RCODE_SERVFAIL);
                    request->set_answer(std::move(servfail));
                    handle.Resume(StageResult::kDone);
                  }
                });
  return StageResult::kPending;
}

StageResult BootstrapStage::OnAnswer(Request& req) {
  // A forward-zone's resolvers failing says nothing about the path to the root either.
  if (!Relayable(req)) return StageResult::kContinue;
  StagePath& state = req.Slot<StagePath>();
  const bool reached_authority = !req.unreachable();
  if (state.relays_asked) {
    // The relays failed and the iterator reached an authority: ordinary DNS is back, without
    // waiting for the next probe.
    if (state.ordinary_after_relays && reached_authority) health_->OrdinaryAnswered();
    return StageResult::kContinue;
  }
  if (reached_authority) {
    health_->OrdinaryAnswered();
    return StageResult::kContinue;
  }
  // Only a suspicion: a client chooses its names, and so whose servers fail to answer.
  if (health_->OrdinaryUnreachable()) RunProbe();
  if (!health_->MayUseRelays()) return StageResult::kContinue;
  state.relays_asked = true;
  state.exchange = AskRelays(
      req.qname(), req.qtype(), [handle = req.handle()](absl::StatusOr<LdnsPktPtr> answer) {
        Request* request = handle.get();
        if (request == nullptr) return;
        if (answer.ok()) {
          request->set_unreachable(false);
          request->set_extended_error(std::nullopt);
          request->set_answer(*std::move(answer));
        }
        handle.Resume(StageResult::kContinue);  // on the way back, through the cache
      });
  return StageResult::kPending;
}

void BootstrapStage::OnCancel(Request& req) { relays_->Cancel(req.Slot<StagePath>().exchange); }

std::string BootstrapStage::DescribeWait(Request& req) {
  return WaitForText(relays_->Awaited(req.Slot<StagePath>().exchange));
}

uint64_t BootstrapStage::AskRelays(const ldns_rdf* name, ldns_rr_type type,
                                   std::function<void(absl::StatusOr<LdnsPktPtr>)> done) {
  LdnsRdfPtr qname(ldns_rdf_clone(name));
  return relays_->Resolve(
      name, type,
      [qname = std::shared_ptr<ldns_rdf>(qname.release(), ldns_rdf_deep_free), type,
       private_addresses = private_addresses_,
       done = std::move(done)](absl::StatusOr<RelayAnswer> answer) {
        if (!answer.ok()) {
          Log(LogLevel::kDetail, "bootstrap: %s", answer.status().message());
          return done(answer.status());
        }
        done(AnswerFromRelay(*answer->packet, qname.get(), type, private_addresses));
      });
}

void BootstrapStage::MaybeProbe() {
  if (health_->ClaimProbe()) RunProbe();
}

void BootstrapStage::RunProbe() {
  probe_([health = health_](ProbeOutcome outcome) { health->ProbeDone(outcome); });
}

}  // namespace rebound
