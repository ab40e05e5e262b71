// How a lookup recovers from servers that are broken in the ways the real internet's are (issue
// 18): lame and recursive servers, a child's wrong or expired addresses for its own servers,
// servers that mishandle minimised questions. The state machine itself is in lookup.cc.
#include <utility>

#include "resolver/core/log.h"
#include "resolver/iterator/lookup.h"
#include "resolver/wire/presentation.h"

namespace rebound {
namespace {

// NOERROR with nothing in it from a server that does not claim the zone (AA clear): no answer,
// no referral, no SOA.
bool IsEmptyNonAuthoritativeNoerror(const ldns_pkt& reply) {
  return ldns_pkt_get_rcode(&reply) == LDNS_RCODE_NOERROR && !ldns_pkt_aa(&reply) &&
         ldns_pkt_ancount(&reply) == 0 && ldns_pkt_nscount(&reply) == 0;
}

// RA without AA, NOERROR or NXDOMAIN, and no NS record to refer with: a resolver answering from
// its cache or by recursing (RFC 1035 4.1.1), not the zone's server.
bool AnswersAsARecursor(const ldns_pkt& reply) {
  const ldns_pkt_rcode rcode = ldns_pkt_get_rcode(&reply);
  if (!ldns_pkt_ra(&reply) || ldns_pkt_aa(&reply)) return false;
  if (rcode != LDNS_RCODE_NOERROR && rcode != LDNS_RCODE_NXDOMAIN) return false;
  const ldns_rr_list* authority = ldns_pkt_authority(&reply);
  for (size_t i = 0; i < ldns_rr_list_rr_count(authority); ++i) {
    if (ldns_rr_get_type(ldns_rr_list_rr(authority, i)) == LDNS_RR_TYPE_NS) return false;
  }
  return true;
}

}  // namespace

void Lookup::HandleLame(const Sent& sent, const ldns_pkt& reply, const ldns_rdf* asked,
                        ldns_rr_type type) {
  // RFC 9156 4: an empty non-authoritative NOERROR, the reply some servers give for an empty
  // non-terminal, and a recursor's answer say nothing about the zone until the whole name is
  // asked.
  if (sent.minimised && (IsEmptyNonAuthoritativeNoerror(reply) || AnswersAsARecursor(reply))) {
    return StopMinimising();
  }
  // A recursor's answer is no authority's word, but the first one is kept in case nothing
  // better comes; the server is not lame for the zone's other questions (a delegation to a
  // resolver is broken, not malicious: unbound keeps such servers as a last resort too).
  if (!sent.minimised && AnswersAsARecursor(reply)) {
    if (!last_resort_) KeepAsLastResort(reply, asked, type);
    AttemptsAt(sent.server).done = true;
    return;
  }
  context_.infra->SetLame(sent.server, delegation_->zone());
  AttemptsAt(sent.server).done = true;
}

// unbound's "parent-side last resort": the delegation came from the cache and none of its
// servers could be asked or answered, typically because the child zone's own address for its
// server is wrong, or has expired while the NS RRset has not (then nothing was even sent). The
// parent zone's servers are asked again: their referral brings the glue, which is tried beside
// what the cache has. At most kMaxParentFallbacks times per lookup.
bool Lookup::FallBackToParent() {
  if (!delegation_from_cache_ || parent_fallbacks_ >= kMaxParentFallbacks) return false;
  const ldns_rdf* zone = delegation_->zone();
  if (ldns_dname_label_count(zone) == 0) return false;  // the root has the hints already
  LdnsRdfPtr parent(ldns_dname_left_chop(zone));
  if (parent == nullptr) return false;
  std::optional<DelegationFinder::Start> start =
      context_.delegations->Find(parent.get(), class_, /*skip_configured=*/true);
  const bool from_cache = start.has_value();
  if (!start) start = DelegationFinder::Start{context_.delegations->Hints()};
  ++parent_fallbacks_;

  if (LogEnabled(LogLevel::kAlgo)) {
    Log(LogLevel::kAlgo, "iterator: no server of %s answered; asking %s again for the referral",
        NameString(zone), NameString(start->delegation.zone()));
  }
  UseDelegation(*std::move(start));
  delegation_from_cache_ = from_cache;  // a parent that fails too has its own parent
  return true;
}

void Lookup::KeepAsLastResort(const ldns_pkt& reply, const ldns_rdf* asked, ldns_rr_type type) {
  // Read as a forwarder's answer would be: data, a chain, or a negative answer; an answer of
  // another type than asked is NODATA.
  ClassifiedResponse response =
      ClassifyResponse(reply, asked, type, delegation_->zone(), Upstream::kRecursive);
  RemovePrivateAddresses(context_.options.private_addresses, type, response);
  switch (response.kind) {
    case ResponseKind::kAnswer:
    case ResponseKind::kCname:
    case ResponseKind::kNxdomain:
    case ResponseKind::kNodata:
      last_resort_ = LastResort{std::move(response), LdnsPktPtr(ldns_pkt_clone(&reply))};
      return;
    default:
      return;  // nothing usable in it
  }
}

bool Lookup::UseLastResort() {
  if (LogEnabled(LogLevel::kDetail)) {
    Log(LogLevel::kDetail, "iterator: %s %s: no authoritative answer from %s; taking a recursor's",
        NameString(name_.get()), TypeString(type_), NameString(delegation_->zone()));
  }
  LastResort last = std::move(*last_resort_);
  last_resort_.reset();
  HandleFinalResponse(std::move(last.response), *last.reply);
  return step_ != Step::kDone;  // a CNAME is followed on
}

void Lookup::StopMinimising() {
  if (LogEnabled(LogLevel::kAlgo)) {
    Log(LogLevel::kAlgo, "iterator: no more QNAME minimisation for %s (zone %s)",
        NameString(name_.get()), NameString(delegation_->zone()));
  }
  minimise_ = false;
  // The whole name is a new question: what a server did with the minimised one does not count.
  attempts_.clear();
}

}  // namespace rebound
