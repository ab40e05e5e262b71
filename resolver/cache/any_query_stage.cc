#include "resolver/cache/any_query_stage.h"

#include <optional>
#include <utility>

#include "resolver/cache/cache_wire.h"

namespace rebound {
namespace {

bool IsAnyInClassIn(const Request& req) {
  return req.qtype() == LDNS_RR_TYPE_ANY && req.qclass() == LDNS_RR_CLASS_IN;
}

bool OwnedBy(const ldns_rr* rr, const ldns_rdf* name) {
  return ldns_dname_compare(ldns_rr_owner(rr), name) == 0;
}

// The RRset of `answers` at `name` to keep: the first type of kPreference present there, else
// the type of the first record there (signatures aside). Nullopt when nothing is at `name`.
std::optional<ldns_rr_type> ChooseType(const ldns_rr_list* answers, const ldns_rdf* name) {
  std::optional<ldns_rr_type> first;
  bool present[std::size(AnyQueryStage::kPreference)] = {};
  for (size_t i = 0; i < ldns_rr_list_rr_count(answers); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(answers, i);
    const ldns_rr_type type = ldns_rr_get_type(rr);
    if (type == LDNS_RR_TYPE_RRSIG || !OwnedBy(rr, name)) continue;
    if (!first) first = type;
    for (size_t p = 0; p < std::size(AnyQueryStage::kPreference); ++p) {
      if (AnyQueryStage::kPreference[p] == type) present[p] = true;
    }
  }
  for (size_t p = 0; p < std::size(AnyQueryStage::kPreference); ++p) {
    if (present[p]) return AnyQueryStage::kPreference[p];
  }
  return first;
}

// Replaces a section's records (and its count) with `records`, which the packet then owns.
void ReplaceSection(ldns_pkt* pkt, ldns_pkt_section section, LdnsRrListPtr records) {
  const uint16_t count = static_cast<uint16_t>(ldns_rr_list_rr_count(records.get()));
  switch (section) {
    case LDNS_SECTION_ANSWER:
      ldns_rr_list_deep_free(ldns_pkt_answer(pkt));
      ldns_pkt_set_answer(pkt, records.release());
      ldns_pkt_set_ancount(pkt, count);
      break;
    case LDNS_SECTION_AUTHORITY:
      ldns_rr_list_deep_free(ldns_pkt_authority(pkt));
      ldns_pkt_set_authority(pkt, records.release());
      ldns_pkt_set_nscount(pkt, count);
      break;
    case LDNS_SECTION_ADDITIONAL:
      ldns_rr_list_deep_free(ldns_pkt_additional(pkt));
      ldns_pkt_set_additional(pkt, records.release());
      ldns_pkt_set_arcount(pkt, count);
      break;
    default:
      break;
  }
}

}  // namespace

StageResult AnyQueryStage::OnQuery(Request& req) {
  if (!IsAnyInClassIn(req)) return StageResult::kContinue;
  LdnsPktPtr answer = AnswerFromCache(req);
  if (answer == nullptr) return StageResult::kContinue;
  req.set_answer(std::move(answer));
  return StageResult::kDone;
}

LdnsPktPtr AnyQueryStage::AnswerFromCache(const Request& req) const {
  const ldns_rdf* name = req.qname();
  LdnsPktPtr pkt(ldns_pkt_new());
  ldns_pkt_set_aa(pkt.get(), false);  // RFC 1035 4.1.1: AA only from the zone's own servers
  for (ldns_rr_type type : kPreference) {
    LdnsRrListPtr rrset = rrsets_->Lookup(name, type, LDNS_RR_CLASS_IN, kClientAnswerTrust);
    if (rrset == nullptr) continue;
    MoveToSection(std::move(rrset), LDNS_SECTION_ANSWER, pkt.get());
    // RFC 8482 4.1: with DO set, the RRset goes out with the signatures that cover it.
    if (req.dnssec_ok()) {
      if (LdnsRrListPtr sigs = rrsets_->LookupSignatures(name, type, LDNS_RR_CLASS_IN)) {
        MoveToSection(std::move(sigs), LDNS_SECTION_ANSWER, pkt.get());
      }
    }
    ldns_pkt_set_rcode(pkt.get(), LDNS_RCODE_NOERROR);
    return pkt;
  }
  // A name known not to exist has no RRset of any type (RFC 2308 2.1). A DNSSEC client needs the
  // denial's proof, which the negative cache does not keep: it goes upstream.
  std::optional<NegativeAnswer> negative =
      negatives_->Lookup(name, LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN);
  if (!negative.has_value() || negative->rcode != LDNS_RCODE_NXDOMAIN || req.dnssec_ok()) {
    return nullptr;
  }
  ldns_pkt_set_rcode(pkt.get(), LDNS_RCODE_NXDOMAIN);
  ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_AUTHORITY, negative->soa.release());
  return pkt;
}

StageResult AnyQueryStage::OnAnswer(Request& req) {
  ldns_pkt* answer = req.answer();
  if (answer == nullptr || !IsAnyInClassIn(req)) return StageResult::kContinue;
  if (ldns_pkt_get_rcode(answer) != LDNS_RCODE_NOERROR) return StageResult::kContinue;
  const ldns_rr_list* records = ldns_pkt_answer(answer);
  const ldns_rdf* name = req.qname();
  const std::optional<ldns_rr_type> keep = ChooseType(records, name);
  if (!keep.has_value()) return StageResult::kContinue;  // NODATA: the SOA stays as it is
  LdnsRrListPtr kept(ldns_rr_list_new());
  for (size_t i = 0; i < ldns_rr_list_rr_count(records); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(records, i);
    const ldns_rr_type type = ldns_rr_get_type(rr);
    // Records before the name (a DNAME that synthesized its CNAME) explain how it was reached.
    const bool wanted = !OwnedBy(rr, name) || type == *keep ||
                        (type == LDNS_RR_TYPE_RRSIG && req.dnssec_ok() && CoveredType(rr) == *keep);
    if (wanted) ldns_rr_list_push_rr(kept.get(), ldns_rr_clone(rr));
  }
  ReplaceSection(answer, LDNS_SECTION_ANSWER, std::move(kept));
  // A positive answer needs neither: the NS RRset and glue would only add to the size.
  ReplaceSection(answer, LDNS_SECTION_AUTHORITY, LdnsRrListPtr(ldns_rr_list_new()));
  ReplaceSection(answer, LDNS_SECTION_ADDITIONAL, LdnsRrListPtr(ldns_rr_list_new()));
  return StageResult::kContinue;
}

}  // namespace rebound
