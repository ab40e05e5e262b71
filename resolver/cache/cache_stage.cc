#include "resolver/cache/cache_stage.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "resolver/cache/cache_wire.h"

namespace rebound {
namespace {

const ldns_rr* FindRecord(const ldns_rr_list* section, const ldns_rdf* owner, uint16_t type) {
  for (size_t i = 0; i < ldns_rr_list_rr_count(section); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(section, i);
    if (ldns_rr_get_type(rr) == type && ldns_dname_compare(ldns_rr_owner(rr), owner) == 0) {
      return rr;
    }
  }
  return nullptr;
}

// The name a CNAME record points to, or null if its rdata is not a name.
const ldns_rdf* CnameTarget(const ldns_rr* cname) {
  const ldns_rdf* target = ldns_rr_rd_count(cname) == 1 ? ldns_rr_rdf(cname, 0) : nullptr;
  if (target == nullptr || ldns_rdf_get_type(target) != LDNS_RDF_TYPE_DNAME) return nullptr;
  return target;
}

// The last name of the CNAME chain that starts at `qname` in the answer section: RFC 6604 3
// (and RFC 2308 2.1, 2.2) make the RCODE and the SOA speak of that name. Null when the chain is
// too long or loops; then nothing negative is cached.
const ldns_rdf* ChainEnd(const ldns_rdf* qname, ldns_rr_type qtype, const ldns_rr_list* answers) {
  if (qtype == LDNS_RR_TYPE_CNAME) return qname;
  const ldns_rdf* name = qname;
  for (int links = 0; links <= CacheStage::kMaxCnameChain; ++links) {
    const ldns_rr* cname = FindRecord(answers, name, LDNS_RR_TYPE_CNAME);
    if (cname == nullptr) return name;
    name = CnameTarget(cname);
    if (name == nullptr) return nullptr;
  }
  return nullptr;
}

// The SOA of the zone holding `name`: at the name or above it (RFC 2308 3). One for another
// zone proves nothing about `name`.
const ldns_rr* FindSoa(const ldns_rr_list* authority, const ldns_rdf* name) {
  for (size_t i = 0; i < ldns_rr_list_rr_count(authority); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(authority, i);
    if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_SOA) continue;
    const ldns_rdf* zone = ldns_rr_owner(rr);
    if (ldns_dname_compare(name, zone) == 0 || ldns_dname_is_subdomain(name, zone)) return rr;
  }
  return nullptr;
}

}  // namespace

StageResult CacheStage::OnQuery(Request& req) {
  if (!IsDataType(req.qtype())) return StageResult::kContinue;
  LdnsPktPtr answer = AnswerFromCache(req);
  if (answer == nullptr) return StageResult::kContinue;
  req.set_answer(std::move(answer));
  // So that OnAnswer, should it run for this request, does not store the cache's own output.
  req.Slot<State>().answered_from_cache = true;
  return StageResult::kDone;
}

LdnsPktPtr CacheStage::AnswerFromCache(const Request& req) const {
  const ldns_rr_type qtype = req.qtype();
  const ldns_rr_class qclass = req.qclass();
  LdnsPktPtr pkt(ldns_pkt_new());
  if (pkt == nullptr) return nullptr;
  ldns_pkt_set_aa(pkt.get(), false);  // RFC 1035 4.1.1: AA only from the zone's own servers
  std::vector<LdnsRdfPtr> chain;      // the names visited, qname first
  chain.emplace_back(ldns_rdf_clone(req.qname()));
  for (;;) {
    const ldns_rdf* name = chain.back().get();
    if (LdnsRrListPtr rrset = rrsets_->Lookup(name, qtype, qclass, kClientAnswerTrust)) {
      MoveToSection(std::move(rrset), LDNS_SECTION_ANSWER, pkt.get());
      AddSignatures(req, name, qtype, pkt.get());
      ldns_pkt_set_rcode(pkt.get(), LDNS_RCODE_NOERROR);
      return pkt;
    }
    LdnsRrListPtr cname;
    if (qtype != LDNS_RR_TYPE_CNAME) {
      cname = rrsets_->Lookup(name, LDNS_RR_TYPE_CNAME, qclass, kClientAnswerTrust);
    }
    if (cname != nullptr) {
      // RFC 1034 3.6.2: follow the alias, keeping each CNAME in the answer. A loop or an overlong
      // chain goes upstream, which answers it as it sees fit.
      const ldns_rdf* target = CnameTarget(ldns_rr_list_rr(cname.get(), 0));
      if (target == nullptr || chain.size() > kMaxCnameChain) return nullptr;
      for (const LdnsRdfPtr& seen : chain) {
        if (ldns_dname_compare(seen.get(), target) == 0) return nullptr;
      }
      chain.emplace_back(ldns_rdf_clone(target));
      MoveToSection(std::move(cname), LDNS_SECTION_ANSWER, pkt.get());
      AddSignatures(req, name, LDNS_RR_TYPE_CNAME, pkt.get());
      continue;
    }
    std::optional<NegativeAnswer> negative = negatives_->Lookup(name, qtype, qclass);
    // A DNSSEC client needs the NSEC/NSEC3 proof with a negative answer (RFC 4035 3.1.3), and
    // the negative cache keeps only the SOA: such clients go upstream.
    if (!negative.has_value() || req.dnssec_ok()) return nullptr;
    ldns_pkt_set_rcode(pkt.get(), negative->rcode);
    // RFC 2308 3: the SOA goes in the authority section, with its TTL counting down.
    ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_AUTHORITY, negative->soa.release());
    return pkt;
  }
}

void CacheStage::AddSignatures(const Request& req, const ldns_rdf* owner, ldns_rr_type type,
                               ldns_pkt* pkt) const {
  // RFC 4035 3.1.1: a client that sets DO gets the RRSIGs with each RRset. With none cached the
  // set goes out unsigned, as an unsigned zone's would: there is no validator yet to tell.
  if (!req.dnssec_ok()) return;
  LdnsRrListPtr sigs = rrsets_->LookupSignatures(owner, type, req.qclass());
  if (sigs != nullptr) MoveToSection(std::move(sigs), LDNS_SECTION_ANSWER, pkt);
}

StageResult CacheStage::OnAnswer(Request& req) {
  const ldns_pkt* answer = req.answer();
  if (answer == nullptr || req.Slot<State>().answered_from_cache) return StageResult::kContinue;
  // Only NOERROR and NXDOMAIN describe the zone's data. SERVFAIL, REFUSED or FORMERR describe
  // one server at one moment and are never cached here.
  const ldns_pkt_rcode rcode = ldns_pkt_get_rcode(answer);
  if (rcode != LDNS_RCODE_NOERROR && rcode != LDNS_RCODE_NXDOMAIN) return StageResult::kContinue;
  // RFC 2181 9: a truncated answer may hold partial RRsets; it is not to be used as data.
  if (ldns_pkt_tc(answer)) return StageResult::kContinue;
  // Ranked by where the stage below got it (RFC 2181 5.4.1): the zones' own word, or data from a
  // non-authoritative server, a relay or a cache, which must not outrank what it came from.
  rrsets_->InsertRecords(ldns_pkt_answer(answer),
                         req.authoritative_answer() ? Trust::kAnswer : Trust::kAuthority);
  rrsets_->InsertRecords(ldns_pkt_authority(answer), Trust::kAuthority);
  rrsets_->InsertRecords(ldns_pkt_additional(answer), Trust::kAdditional);
  if (IsDataType(req.qtype())) StoreNegative(req, *answer);
  return StageResult::kContinue;
}

void CacheStage::StoreNegative(const Request& req, const ldns_pkt& answer) {
  const ldns_rr_list* answers = ldns_pkt_answer(&answer);
  const ldns_rdf* name = ChainEnd(req.qname(), req.qtype(), answers);
  if (name == nullptr) return;
  // RFC 2308 5: without an SOA a negative answer is not cached.
  const ldns_rr* soa = FindSoa(ldns_pkt_authority(&answer), name);
  if (soa == nullptr) return;
  if (ldns_pkt_get_rcode(&answer) == LDNS_RCODE_NXDOMAIN) {
    negatives_->InsertNxdomain(name, req.qclass(), soa);  // RFC 2308 2.1
  } else if (FindRecord(answers, name, req.qtype()) == nullptr) {
    negatives_->InsertNodata(name, req.qtype(), req.qclass(), soa);  // RFC 2308 2.2
  }
}

}  // namespace rebound
