#include "resolver/iterator/iterator_stage.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace rebound {
namespace {

LdnsPktPtr BuildAnswer(LookupResult result) {
  LdnsPktPtr pkt(ldns_pkt_new());
  ldns_pkt_set_rcode(pkt.get(), result.rcode);
  // A recursive answer is never authoritative (RFC 1035 4.1.1: AA is for the zone's servers).
  ldns_pkt_set_aa(pkt.get(), false);
  if (result.answer) MoveToSection(std::move(result.answer), LDNS_SECTION_ANSWER, pkt.get());
  if (result.authority) {
    MoveToSection(std::move(result.authority), LDNS_SECTION_AUTHORITY, pkt.get());
  }
  return pkt;
}

}  // namespace

// The lookup a pending request waits for, for OnCancel.
struct IteratorStage::State {
  uint64_t lookup = 0;
};

StageResult IteratorStage::OnQuery(Request& req) {
  // Nowhere to start from (another class), or only the cache was asked and it had nothing.
  if (!req.resolvable()) {
    LdnsPktPtr refused(ldns_pkt_new());
    ldns_pkt_set_rcode(refused.get(), LDNS_RCODE_REFUSED);
    req.set_answer(std::move(refused));
    return StageResult::kDone;
  }
  // The callback may run before Resolve returns (the cache held the rest of a CNAME chain): the
  // Pipeline then takes the Resume when this call returns kPending.
  req.Slot<State>().lookup = resolver_.Resolve(
      req.qname(), req.qtype(), req.qclass(),
      [handle = req.handle()](LookupResult result) {
        Request* request = handle.get();
        if (request == nullptr) return;
        if (result.no_reachable_authority) {
          request->set_unreachable(true);
          request->set_extended_error(ExtendedDnsError{kEdeNoReachableAuthority, result.failure});
        }
        request->set_answer(BuildAnswer(std::move(result)));
        request->set_answer_cached(true);  // stored as learned, by the resolver's cache writer
        handle.Resume(StageResult::kDone);
      },
      req.dnssec_ok(), /*refresh=*/req.background());
  return StageResult::kPending;
}

void IteratorStage::OnCancel(Request& req) { resolver_.Cancel(req.Slot<State>().lookup); }

std::string IteratorStage::DescribeWait(Request& req) {
  // unbound's get_mesh_status: "wait for" and each address its outbound list has a query to.
  return WaitForText(resolver_.AwaitedServers(req.Slot<State>().lookup));
}

}  // namespace rebound
