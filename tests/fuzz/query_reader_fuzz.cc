// Feeds arbitrary bytes through the path every client packet takes: ReadQuery, then either an
// error response straight from the bytes, or an ldns parse and a rendered answer. Checks that
// the reader's view is consistent, that it agrees with ldns where both read the same thing, and
// that every response parses back with the right ID, RCODE, question and size.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

#include "resolver/wire/ldns_ptr.h"
#include "resolver/wire/query_reader.h"
#include "resolver/wire/response_writer.h"
#include "tests/fuzz/fuzz_check.h"

namespace rebound {
namespace {

constexpr uint16_t kOurBufferSize = 1232;

LdnsPktPtr Parse(std::span<const uint8_t> wire) {
  ldns_pkt* pkt = nullptr;
  if (ldns_wire2pkt(&pkt, wire.data(), wire.size()) != LDNS_STATUS_OK) return nullptr;
  return LdnsPktPtr(pkt);
}

uint16_t FullRcode(const ldns_pkt* pkt) {
  const uint16_t low = static_cast<uint16_t>(ldns_pkt_get_rcode(pkt));
  if (!ldns_pkt_edns(pkt)) return low;
  return static_cast<uint16_t>((ldns_pkt_edns_extended_rcode(pkt) << 4) | low);
}

bool SameBytes(std::span<const uint8_t> a, const uint8_t* b, size_t b_size) {
  return a.size() == b_size && std::memcmp(a.data(), b, b_size) == 0;
}

void CheckView(std::span<const uint8_t> packet, QueryCheck check, const QueryView& view) {
  if (packet.size() < 12) FUZZ_CHECK(check == QueryCheck::kDrop);
  if (view.question_read) {
    FUZZ_CHECK(view.qname_offset == 12);
    FUZZ_CHECK(view.qname_length >= 1 && view.qname_length <= 255);
    FUZZ_CHECK(view.qname_offset + view.qname_length + 4 == view.question_end);
    FUZZ_CHECK(view.question_end <= packet.size());
  }
  if (view.has_edns) FUZZ_CHECK(view.edns_udp_size >= 512);
  if (check == QueryCheck::kOk) {
    FUZZ_CHECK(view.question_read && !view.qr && view.opcode == 0 && view.qdcount == 1);
    FUZZ_CHECK(view.ancount == 0 && view.nscount == 0);
    FUZZ_CHECK(!view.has_edns || view.edns_version == 0);
  }
  if (check == QueryCheck::kBadVers) FUZZ_CHECK(view.has_edns && view.edns_version > 0);
}

// The response must parse, answer the query's ID and carry the question as the client sent it.
LdnsPktPtr CheckResponse(std::span<const uint8_t> packet, const QueryView& view,
                         const std::vector<uint8_t>& wire, bool expect_question) {
  FUZZ_CHECK(wire.size() >= 12);
  LdnsPktPtr response = Parse(wire);
  FUZZ_CHECK(response != nullptr);
  FUZZ_CHECK(ldns_pkt_id(response.get()) == view.id);
  FUZZ_CHECK(ldns_pkt_qr(response.get()) && ldns_pkt_ra(response.get()));
  FUZZ_CHECK(ldns_pkt_rd(response.get()) == view.rd && ldns_pkt_cd(response.get()) == view.cd);
  FUZZ_CHECK(ldns_pkt_qdcount(response.get()) == (expect_question ? 1 : 0));
  if (expect_question) {
    const std::span<const uint8_t> qname = view.Qname(packet);
    FUZZ_CHECK(wire.size() >= 12 + qname.size());
    FUZZ_CHECK(std::memcmp(wire.data() + 12, qname.data(), qname.size()) == 0);
  }
  return response;
}

void CheckError(std::span<const uint8_t> packet, const QueryView& view, uint16_t rcode) {
  const std::vector<uint8_t> wire = RenderErrorResponse(packet, view, rcode, kOurBufferSize);
  FUZZ_CHECK(wire.size() <= 512);
  LdnsPktPtr response = CheckResponse(packet, view, wire, view.question_read);
  FUZZ_CHECK(FullRcode(response.get()) ==
             (rcode > 15 && !view.has_edns ? static_cast<int>(LDNS_RCODE_SERVFAIL) : rcode));
  FUZZ_CHECK(ldns_pkt_get_opcode(response.get()) == view.opcode);
  FUZZ_CHECK(ldns_pkt_edns(response.get()) == view.has_edns);
  if (view.has_edns) {
    FUZZ_CHECK(ldns_pkt_edns_version(response.get()) == 0);
    FUZZ_CHECK(ldns_pkt_edns_do(response.get()) == view.edns_do);
  }
}

ldns_rr* MakeRr(const ldns_rdf* owner, ldns_rr_type type, ldns_rdf* rdata) {
  ldns_rr* rr = ldns_rr_new();
  ldns_rr_set_owner(rr, ldns_rdf_clone(owner));
  ldns_rr_set_type(rr, type);
  ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
  ldns_rr_set_ttl(rr, 300);
  ldns_rr_push_rdf(rr, rdata);
  return rr;
}

// A small answer whose shape comes from the query's ID, which the fuzzer mutates freely: a few
// A and 100-octet TXT records (enough to need truncation at 512), a CNAME whose target
// compresses against the question, some additional records and sometimes an extended RCODE.
LdnsPktPtr MakeAnswer(const ldns_rdf* qname, uint16_t shape) {
  LdnsPktPtr answer(ldns_pkt_new());
  const int records = shape & 0xf;
  for (int i = 0; i < records; ++i) {
    if (i % 2 == 0) {
      const uint8_t address[4] = {192, 0, 2, static_cast<uint8_t>(i)};
      ldns_pkt_push_rr(
          answer.get(), LDNS_SECTION_ANSWER,
          MakeRr(qname, LDNS_RR_TYPE_A, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_A, 4, address)));
    } else {
      uint8_t text[101];
      text[0] = 100;
      std::memset(text + 1, 'a' + i, 100);
      ldns_pkt_push_rr(answer.get(), LDNS_SECTION_ANSWER,
                       MakeRr(qname, LDNS_RR_TYPE_TXT,
                              ldns_rdf_new_frm_data(LDNS_RDF_TYPE_STR, sizeof(text), text)));
    }
  }
  if (shape & 0x10 && ldns_rdf_size(qname) < 250) {
    LdnsRdfPtr target(ldns_dname_new_frm_str("cname"));
    if (ldns_dname_cat(target.get(), qname) == LDNS_STATUS_OK) {
      ldns_pkt_push_rr(answer.get(), LDNS_SECTION_ANSWER,
                       MakeRr(qname, LDNS_RR_TYPE_CNAME, target.release()));
    }
  }
  for (int i = 0; i < ((shape >> 5) & 3); ++i) {
    const uint8_t address[4] = {198, 51, 100, static_cast<uint8_t>(i)};
    ldns_pkt_push_rr(
        answer.get(), LDNS_SECTION_ADDITIONAL,
        MakeRr(qname, LDNS_RR_TYPE_A, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_A, 4, address)));
  }
  ldns_pkt_set_aa(answer.get(), shape & 0x80);
  ldns_pkt_set_rcode(answer.get(), static_cast<uint8_t>((shape >> 8) & 0x1f));
  return answer;
}

void CheckRender(std::span<const uint8_t> packet, const QueryView& view, const ldns_pkt& query) {
  const ldns_rdf* qname = ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(&query), 0));
  LdnsPktPtr answer = MakeAnswer(qname, view.id);
  ResponseOptions opts;
  const bool tcp = view.id & 0x2000;
  opts.max_size =
      tcp ? 65535 : MaxUdpResponseSize(view.has_edns, view.edns_udp_size, kOurBufferSize);
  opts.query_had_edns = view.has_edns;
  opts.edns_buffer_size = kOurBufferSize;
  opts.edns_do = view.has_edns && view.edns_do;
  absl::StatusOr<std::vector<uint8_t>> wire = RenderResponse(query, *answer, opts);
  FUZZ_CHECK(wire.ok());
  FUZZ_CHECK(wire->size() <= opts.max_size);
  LdnsPktPtr response = CheckResponse(packet, view, *wire, true);
  uint16_t rcode = static_cast<uint16_t>(ldns_pkt_get_rcode(answer.get()));
  if (rcode > 15 && !view.has_edns) rcode = LDNS_RCODE_SERVFAIL;
  FUZZ_CHECK(FullRcode(response.get()) == rcode);
  FUZZ_CHECK(ldns_pkt_edns(response.get()) == view.has_edns);
  if (view.has_edns) FUZZ_CHECK(ldns_pkt_edns_do(response.get()) == view.edns_do);
  FUZZ_CHECK(ldns_pkt_aa(response.get()) == ldns_pkt_aa(answer.get()));
  if (ldns_pkt_tc(response.get())) {
    FUZZ_CHECK(ldns_pkt_ancount(response.get()) == 0 && ldns_pkt_nscount(response.get()) == 0);
    FUZZ_CHECK(ldns_rr_list_rr_count(ldns_pkt_additional(response.get())) == 0);
  } else {
    FUZZ_CHECK(ldns_pkt_ancount(response.get()) == ldns_pkt_ancount(answer.get()));
  }
}

}  // namespace
}  // namespace rebound

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rebound;  // NOLINT(build/namespaces): the entry point must stay global
  const std::span<const uint8_t> packet(data, size);
  QueryView view;
  const QueryCheck check = ReadQuery(packet, &view);
  CheckView(packet, check, view);
  if (check == QueryCheck::kDrop) return 0;
  if (check != QueryCheck::kOk) {
    CheckError(packet, view, *ErrorRcode(check));
    return 0;
  }
  LdnsPktPtr query = Parse(packet);
  if (query == nullptr) {
    // ldns checks RDATA we skip (an A record of 3 octets): the server answers FORMERR.
    CheckError(packet, view, LDNS_RCODE_FORMERR);
    return 0;
  }
  // Where both read the same fields they must agree.
  FUZZ_CHECK(ldns_pkt_id(query.get()) == view.id);
  FUZZ_CHECK(ldns_pkt_qdcount(query.get()) == 1);
  const ldns_rr* question = ldns_rr_list_rr(ldns_pkt_question(query.get()), 0);
  FUZZ_CHECK(question != nullptr);
  FUZZ_CHECK(ldns_rr_get_type(question) == view.qtype);
  FUZZ_CHECK(ldns_rr_get_class(question) == view.qclass);
  const ldns_rdf* qname = ldns_rr_owner(question);
  FUZZ_CHECK(SameBytes(view.Qname(packet), ldns_rdf_data(qname), ldns_rdf_size(qname)));
  if (view.has_edns) FUZZ_CHECK(ldns_pkt_edns_do(query.get()) == view.edns_do);
  CheckRender(packet, view, *query);
  CheckError(packet, view, LDNS_RCODE_REFUSED);
  return 0;
}
