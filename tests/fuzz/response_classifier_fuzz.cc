// Feeds arbitrary replies through ClassifyResponse and checks the promises the iterator and the
// cache rely on: nothing outside the bailiwick is ever kept, a referral goes strictly downward
// towards qname, and each kind carries what it says it carries.
//
// Input: one selector octet, then the reply in wire format. The selector picks the question and
// the zone whose server "sent" the reply: the qname is www.alpha.test. or WWW.Alpha.TEST.
// (case-insensitive comparison), the zone is ".", "test.", "alpha.test." or www.alpha.test.
// itself, and the qtype one of A, AAAA, CNAME, ANY, NS, DS, DNAME, TXT.
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "resolver/iterator/response_classifier.h"
#include "resolver/wire/ldns_ptr.h"
#include "tests/fuzz/fuzz_check.h"

namespace rebound {
namespace {

constexpr const char* kZones[] = {".", "test.", "alpha.test.", "www.alpha.test."};
constexpr ldns_rr_type kQtypes[] = {LDNS_RR_TYPE_A,     LDNS_RR_TYPE_AAAA, LDNS_RR_TYPE_CNAME,
                                    LDNS_RR_TYPE_ANY,   LDNS_RR_TYPE_NS,   LDNS_RR_TYPE_DS,
                                    LDNS_RR_TYPE_DNAME, LDNS_RR_TYPE_TXT};

bool AtOrBelow(const ldns_rdf* name, const ldns_rdf* ancestor) {
  return ldns_dname_compare(name, ancestor) == 0 || ldns_dname_is_subdomain(name, ancestor);
}

void CheckList(const ldns_rr_list* list, const ldns_rdf* zone, ldns_rr_class qclass) {
  FUZZ_CHECK(list != nullptr);
  for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(list, i);
    FUZZ_CHECK(AtOrBelow(ldns_rr_owner(rr), zone));
    FUZZ_CHECK(ldns_rr_get_class(rr) == qclass);
  }
}

size_t Count(const ldns_rr_list* list) { return ldns_rr_list_rr_count(list); }

void Check(const ldns_pkt& reply, const ClassifiedResponse& r, const ldns_rdf* qname,
           ldns_rr_type qtype, const ldns_rdf* zone) {
  const ldns_rr* question = ldns_rr_list_rr(ldns_pkt_question(&reply), 0);
  const ldns_rr_class qclass = question ? ldns_rr_get_class(question) : LDNS_RR_CLASS_IN;
  CheckList(r.answer.get(), zone, qclass);
  CheckList(r.authority.get(), zone, qclass);
  CheckList(r.additional.get(), zone, qclass);
  FUZZ_CHECK(r.authoritative == ldns_pkt_aa(&reply));
  FUZZ_CHECK((r.next_name != nullptr) == (r.kind == ResponseKind::kCname));
  FUZZ_CHECK((r.referral_zone != nullptr) == (r.kind == ResponseKind::kReferral));
  if (r.kind != ResponseKind::kReferral) FUZZ_CHECK(Count(r.additional.get()) == 0);
  switch (r.kind) {
    case ResponseKind::kAnswer: {
      FUZZ_CHECK(Count(r.answer.get()) > 0);
      FUZZ_CHECK(Count(r.authority.get()) == 0);
      // The last record answers the question (an RRSIG may follow the RRset it covers).
      const ldns_rr* last = ldns_rr_list_rr(r.answer.get(), Count(r.answer.get()) - 1);
      const ldns_rr_type type = ldns_rr_get_type(last);
      FUZZ_CHECK(qtype == LDNS_RR_TYPE_ANY || type == qtype || type == LDNS_RR_TYPE_RRSIG);
      FUZZ_CHECK(ldns_pkt_get_rcode(&reply) == LDNS_RCODE_NOERROR);
      break;
    }
    case ResponseKind::kCname:
      FUZZ_CHECK(Count(r.answer.get()) > 0);
      FUZZ_CHECK(Count(r.authority.get()) == 0);
      break;
    case ResponseKind::kReferral:
      FUZZ_CHECK(ldns_dname_is_subdomain(r.referral_zone.get(), zone));
      FUZZ_CHECK(AtOrBelow(qname, r.referral_zone.get()));
      FUZZ_CHECK(Count(r.answer.get()) == 0);
      FUZZ_CHECK(Count(r.authority.get()) > 0);
      FUZZ_CHECK(ldns_pkt_get_rcode(&reply) == LDNS_RCODE_NOERROR);
      break;
    case ResponseKind::kNxdomain:
      FUZZ_CHECK(ldns_pkt_get_rcode(&reply) == LDNS_RCODE_NXDOMAIN);
      break;
    case ResponseKind::kNodata:
      FUZZ_CHECK(ldns_pkt_get_rcode(&reply) == LDNS_RCODE_NOERROR);
      break;
    case ResponseKind::kLame:
    case ResponseKind::kServerError:
    case ResponseKind::kFormerr:
      FUZZ_CHECK(Count(r.answer.get()) == 0 && Count(r.authority.get()) == 0);
      break;
  }
  // A negative answer's authority, when there is one, starts with an SOA at or above the name.
  if ((r.kind == ResponseKind::kNxdomain || r.kind == ResponseKind::kNodata) &&
      Count(r.authority.get()) > 0) {
    const ldns_rr* soa = ldns_rr_list_rr(r.authority.get(), 0);
    FUZZ_CHECK(ldns_rr_get_type(soa) == LDNS_RR_TYPE_SOA);
  }
}

}  // namespace
}  // namespace rebound

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rebound;  // NOLINT(build/namespaces): the entry point must stay global
  if (size < 1) return 0;
  const uint8_t selector = data[0];
  ldns_pkt* parsed = nullptr;
  if (ldns_wire2pkt(&parsed, data + 1, size - 1) != LDNS_STATUS_OK) return 0;
  LdnsPktPtr reply(parsed);
  LdnsRdfPtr qname(ldns_dname_new_frm_str(selector & 0x80 ? "WWW.Alpha.TEST." : "www.alpha.test."));
  LdnsRdfPtr zone(ldns_dname_new_frm_str(kZones[selector & 3]));
  const ldns_rr_type qtype = kQtypes[(selector >> 2) & 7];
  const ClassifiedResponse r = ClassifyResponse(*reply, qname.get(), qtype, zone.get());
  Check(*reply, r, qname.get(), qtype, zone.get());
  return 0;
}
