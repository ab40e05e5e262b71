#include "resolver/cache/cache_writer.h"

#include <vector>

#include "resolver/cache/cache_wire.h"
#include "resolver/wire/cname_chain.h"
#include "resolver/wire/names.h"

namespace rebound {
namespace {

// CNAMEs a stored response's chain may have before its negative answer is not believed.
constexpr size_t kMaxCnameChain = 16;

// The SOA of the zone holding `name`: at the name or above it (RFC 2308 3). One for another
// zone proves nothing about `name`.
const ldns_rr* SoaOfZoneHolding(const ldns_rr_list* authority, const ldns_rdf* name) {
  for (size_t i = 0; i < ldns_rr_list_rr_count(authority); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(authority, i);
    if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA && IsAtOrBelow(name, ldns_rr_owner(rr))) {
      return rr;
    }
  }
  return nullptr;
}

bool HasRecord(const ldns_rr_list* records, const ldns_rdf* owner, ldns_rr_type type) {
  for (size_t i = 0; i < ldns_rr_list_rr_count(records); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(records, i);
    if (ldns_rr_get_type(rr) == type && ldns_dname_compare(ldns_rr_owner(rr), owner) == 0) {
      return true;
    }
  }
  return false;
}

bool Loops(const std::vector<const ldns_rdf*>& chain) {
  for (size_t i = 0; i < chain.size(); ++i) {
    for (size_t j = i + 1; j < chain.size(); ++j) {
      if (ldns_dname_compare(chain[i], chain[j]) == 0) return true;
    }
  }
  return false;
}

}  // namespace

void CacheWriter::StoreRecords(const ldns_rr_list* records, Trust trust) {
  rrsets_->InsertRecords(records, trust);
}

void CacheWriter::StoreReferral(const ldns_rr_list* authority, const ldns_rr_list* glue) {
  LdnsRrListPtr delegation(ldns_rr_list_new());
  LdnsRrListPtr rest(ldns_rr_list_new());
  for (size_t i = 0; i < ldns_rr_list_rr_count(authority); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(authority, i);
    const bool ns = ldns_rr_get_type(rr) == LDNS_RR_TYPE_NS;
    ldns_rr_list_push_rr(ns ? delegation.get() : rest.get(), ldns_rr_clone(rr));
  }
  StoreRecords(delegation.get(), Trust::kReferral);
  StoreRecords(rest.get(), Trust::kAuthority);
  StoreRecords(glue, Trust::kAdditional);
}

void CacheWriter::StoreNegative(const ldns_rdf* name, ldns_rr_type type, ldns_rr_class rr_class,
                                ldns_pkt_rcode rcode, const ldns_rr_list* authority) {
  const ldns_rr* soa = SoaOfZoneHolding(authority, name);
  if (soa == nullptr) return;
  if (rcode == LDNS_RCODE_NXDOMAIN) {
    negatives_->InsertNxdomain(name, rr_class, soa);
  } else if (rcode == LDNS_RCODE_NOERROR && IsDataType(type)) {
    negatives_->InsertNodata(name, type, rr_class, soa);
  }
}

void CacheWriter::StoreResponse(const ldns_rdf* qname, ldns_rr_type qtype, ldns_rr_class qclass,
                                const ldns_pkt& response, Trust answer_trust) {
  // Only NOERROR and NXDOMAIN describe the zone's data. SERVFAIL, REFUSED or FORMERR describe
  // one server at one moment and are never cached.
  const ldns_pkt_rcode rcode = ldns_pkt_get_rcode(&response);
  if (rcode != LDNS_RCODE_NOERROR && rcode != LDNS_RCODE_NXDOMAIN) return;
  // RFC 2181 9: a truncated answer may hold partial RRsets; it is not to be used as data.
  if (ldns_pkt_tc(&response)) return;
  const ldns_rr_list* answer = ldns_pkt_answer(&response);
  StoreRecords(answer, answer_trust);
  StoreRecords(ldns_pkt_authority(&response), Trust::kAuthority);
  StoreRecords(ldns_pkt_additional(&response), Trust::kAdditional);
  if (!IsDataType(qtype)) return;
  // RFC 6604 3 (and RFC 2308 2.1, 2.2): the RCODE and the SOA speak of the chain's last name. A
  // chain that loops, or is longer than any resolver follows, proves nothing.
  const std::vector<const ldns_rdf*> chain = qtype == LDNS_RR_TYPE_CNAME
                                                 ? std::vector<const ldns_rdf*>{qname}
                                                 : CnameChainNames(qname, answer);
  if (chain.size() > kMaxCnameChain + 1 || Loops(chain)) return;
  const ldns_rdf* end = chain.back();
  // A NOERROR holding the type asked for at the chain's end is data, not NODATA.
  if (rcode == LDNS_RCODE_NOERROR && HasRecord(answer, end, qtype)) return;
  StoreNegative(end, qtype, qclass, rcode, ldns_pkt_authority(&response));
}

}  // namespace rebound
