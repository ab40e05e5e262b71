// Feeds arbitrary relay answers to AcceptDohResponse (DNS wire format) and AcceptJsonResponse
// (the /bootstrap-dns JSON form) for a fixed question, and checks the promises the bootstrap
// stage relies on: an accepted answer is for exactly the question asked, carries no TTL above
// the cap, renders back to wire format, and (for JSON) holds only records of the asked type.
//
// Input: one selector octet, then the answer. Selector bit 7 picks the form (0 DoH, 1 JSON);
// bits 0-1 the qname (www.example.com., WWW.Example.COM., example.com., the root); bits 2-4 the
// qtype (A, AAAA, MX, TXT, SOA, CNAME, NS, HTTPS); bits 5-6 max_ttl (0, 60, 300, 86400).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "bootstrap/relay_answer.h"
#include "resolver/wire/ldns_ptr.h"
#include "tests/fuzz/fuzz_check.h"

namespace rebound {
namespace {

constexpr const char* kNames[] = {"www.example.com.", "WWW.Example.COM.", "example.com.", "."};
constexpr ldns_rr_type kQtypes[] = {LDNS_RR_TYPE_A,   LDNS_RR_TYPE_AAAA, LDNS_RR_TYPE_MX,
                                    LDNS_RR_TYPE_TXT, LDNS_RR_TYPE_SOA,  LDNS_RR_TYPE_CNAME,
                                    LDNS_RR_TYPE_NS,  LDNS_RR_TYPE_HTTPS};
constexpr uint32_t kMaxTtls[] = {0, 60, 300, 86400};

void CheckTtls(const ldns_rr_list* list, uint32_t max_ttl) {
  for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(list, i);
    if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_OPT) continue;
    FUZZ_CHECK(ldns_rr_ttl(rr) <= max_ttl);
    if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA && ldns_rr_rd_count(rr) == 7 &&
        ldns_rdf_size(ldns_rr_rdf(rr, 6)) == 4) {
      FUZZ_CHECK(ldns_rdf2native_int32(ldns_rr_rdf(rr, 6)) <= max_ttl);
    }
  }
}

// What every accepted answer, of either form, must be.
void CheckAccepted(const ldns_pkt* pkt, const ldns_rdf* qname, ldns_rr_type qtype,
                   uint32_t max_ttl) {
  FUZZ_CHECK(pkt != nullptr);
  FUZZ_CHECK(ldns_pkt_qr(pkt));
  FUZZ_CHECK(!ldns_pkt_tc(pkt));
  FUZZ_CHECK(ldns_pkt_id(pkt) == 0);
  FUZZ_CHECK(ldns_pkt_get_opcode(pkt) == LDNS_PACKET_QUERY);
  const ldns_pkt_rcode rcode = ldns_pkt_get_rcode(pkt);
  FUZZ_CHECK(rcode == LDNS_RCODE_NOERROR || rcode == LDNS_RCODE_NXDOMAIN);
  FUZZ_CHECK(ldns_rr_list_rr_count(ldns_pkt_question(pkt)) == 1);
  const ldns_rr* question = ldns_rr_list_rr(ldns_pkt_question(pkt), 0);
  FUZZ_CHECK(ldns_dname_compare(ldns_rr_owner(question), qname) == 0);
  FUZZ_CHECK(ldns_rr_get_type(question) == qtype);
  FUZZ_CHECK(ldns_rr_get_class(question) == LDNS_RR_CLASS_IN);
  CheckTtls(ldns_pkt_answer(pkt), max_ttl);
  CheckTtls(ldns_pkt_authority(pkt), max_ttl);
  CheckTtls(ldns_pkt_additional(pkt), max_ttl);
}

std::vector<uint8_t> Render(const ldns_pkt* pkt) {
  uint8_t* wire = nullptr;
  size_t size = 0;
  const ldns_status status = ldns_pkt2wire(&wire, pkt, &size);
  std::vector<uint8_t> out;
  if (status == LDNS_STATUS_OK) out.assign(wire, wire + size);
  LDNS_FREE(wire);
  FUZZ_CHECK(status == LDNS_STATUS_OK);
  return out;
}

void FuzzDoh(absl::Span<const uint8_t> wire, const ldns_rdf* qname, ldns_rr_type qtype,
             uint32_t max_ttl) {
  absl::StatusOr<LdnsPktPtr> pkt = AcceptDohResponse(wire, qname, qtype, max_ttl);
  if (!pkt.ok()) {
    FUZZ_CHECK(pkt.status().code() == absl::StatusCode::kInvalidArgument ||
               pkt.status().code() == absl::StatusCode::kUnavailable);
    return;
  }
  CheckAccepted(pkt->get(), qname, qtype, max_ttl);
  Render(pkt->get());
}

void FuzzJson(absl::string_view body, const ldns_rdf* qname, ldns_rr_type qtype, uint32_t max_ttl) {
  absl::StatusOr<LdnsPktPtr> pkt = AcceptJsonResponse(body, qname, qtype, max_ttl);
  if (!pkt.ok()) {
    FUZZ_CHECK(pkt.status().code() == absl::StatusCode::kInvalidArgument);
    return;
  }
  FUZZ_CHECK(qtype == LDNS_RR_TYPE_A || qtype == LDNS_RR_TYPE_AAAA);
  const uint32_t ttl_cap = max_ttl < kJsonAnswerTtl ? max_ttl : kJsonAnswerTtl;
  CheckAccepted(pkt->get(), qname, qtype, ttl_cap);
  FUZZ_CHECK(ldns_pkt_get_rcode(pkt->get()) == LDNS_RCODE_NOERROR);
  FUZZ_CHECK(ldns_rr_list_rr_count(ldns_pkt_authority(pkt->get())) == 0);
  FUZZ_CHECK(ldns_rr_list_rr_count(ldns_pkt_additional(pkt->get())) == 0);
  const ldns_rr_list* answer = ldns_pkt_answer(pkt->get());
  FUZZ_CHECK(ldns_rr_list_rr_count(answer) <= kMaxJsonAddresses);
  for (size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(answer, i);
    FUZZ_CHECK(ldns_rr_get_type(rr) == qtype);
    FUZZ_CHECK(ldns_dname_compare(ldns_rr_owner(rr), qname) == 0);
    FUZZ_CHECK(ldns_rr_rd_count(rr) == 1);
    const size_t size = ldns_rdf_size(ldns_rr_rdf(rr, 0));
    FUZZ_CHECK(size == (qtype == LDNS_RR_TYPE_A ? 4u : 16u));
    for (size_t j = 0; j < i; ++j) {
      const ldns_rdf* other = ldns_rr_rdf(ldns_rr_list_rr(answer, j), 0);
      FUZZ_CHECK(std::memcmp(ldns_rdf_data(other), ldns_rdf_data(ldns_rr_rdf(rr, 0)), size) != 0);
    }
  }
  // The built answer passes the DoH checks too: both forms give the stage the same thing.
  const std::vector<uint8_t> wire = Render(pkt->get());
  absl::StatusOr<LdnsPktPtr> again = AcceptDohResponse(wire, qname, qtype, max_ttl);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(ldns_pkt_ancount(again->get()) == ldns_pkt_ancount(pkt->get()));
}

}  // namespace
}  // namespace rebound

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rebound;  // NOLINT(build/namespaces): the entry point must stay global
  if (size < 1) return 0;
  const uint8_t selector = data[0];
  LdnsRdfPtr qname(ldns_dname_new_frm_str(kNames[selector & 3]));
  const ldns_rr_type qtype = kQtypes[(selector >> 2) & 7];
  const uint32_t max_ttl = kMaxTtls[(selector >> 5) & 3];
  if (selector & 0x80) {
    FuzzJson(absl::string_view(reinterpret_cast<const char*>(data + 1), size - 1), qname.get(),
             qtype, max_ttl);
  } else {
    FuzzDoh(absl::MakeConstSpan(data + 1, size - 1), qname.get(), qtype, max_ttl);
  }
  return 0;
}
