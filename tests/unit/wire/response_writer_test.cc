#include "resolver/wire/response_writer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "resolver/wire/ldns_ptr.h"
#include "tests/unit/wire/test_queries.h"

namespace rebound {
namespace {

using testing::BuildQuery;
using testing::EncodeName;
using testing::QuerySpec;

LdnsPktPtr Parse(const std::vector<uint8_t>& wire) {
  ldns_pkt* pkt = nullptr;
  if (ldns_wire2pkt(&pkt, wire.data(), wire.size()) != LDNS_STATUS_OK) return nullptr;
  return LdnsPktPtr(pkt);
}

void AddRr(ldns_pkt* pkt, ldns_pkt_section section, const std::string& text) {
  ldns_rr* rr = nullptr;
  ASSERT_EQ(ldns_rr_new_frm_str(&rr, text.c_str(), 0, nullptr, nullptr), LDNS_STATUS_OK) << text;
  ASSERT_TRUE(ldns_pkt_push_rr(pkt, section, rr));
}

// An answer as a stage leaves it: sections, AA and RCODE, nothing else.
LdnsPktPtr Answer(const std::vector<std::string>& answers,
                  ldns_pkt_rcode rcode = LDNS_RCODE_NOERROR) {
  LdnsPktPtr pkt(ldns_pkt_new());
  for (const std::string& text : answers) AddRr(pkt.get(), LDNS_SECTION_ANSWER, text);
  ldns_pkt_set_rcode(pkt.get(), static_cast<uint8_t>(rcode));
  return pkt;
}

ResponseOptions Options(const QuerySpec& spec, size_t max_size = 512) {
  ResponseOptions opts;
  opts.max_size = max_size;
  opts.query_had_edns = spec.edns;
  opts.edns_buffer_size = 1232;
  opts.edns_do = spec.edns && spec.dnssec_ok;
  return opts;
}

std::vector<uint8_t> Render(const QuerySpec& spec, const ldns_pkt& answer, size_t max_size = 512) {
  LdnsPktPtr query = Parse(BuildQuery(spec));
  EXPECT_NE(query, nullptr);
  absl::StatusOr<std::vector<uint8_t>> out =
      RenderResponse(*query, answer, Options(spec, max_size));
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? *out : std::vector<uint8_t>();
}

TEST(ResponseWriterTest, CopiesQueryFlagsAndSetsRa) {
  QuerySpec spec;
  spec.id = 0x4242;
  spec.rd = true;
  spec.cd = true;
  LdnsPktPtr answer = Answer({"www.example.com. 300 IN A 192.0.2.1"});
  ldns_pkt_set_aa(answer.get(), true);
  ldns_pkt_set_ad(answer.get(), true);
  ldns_pkt_set_id(answer.get(), 7);  // the upstream's ID must not leak
  LdnsPktPtr response = Parse(Render(spec, *answer));
  ASSERT_NE(response, nullptr);
  EXPECT_EQ(ldns_pkt_id(response.get()), 0x4242);
  EXPECT_TRUE(ldns_pkt_qr(response.get()));
  EXPECT_TRUE(ldns_pkt_ra(response.get()));
  EXPECT_TRUE(ldns_pkt_rd(response.get()));
  EXPECT_TRUE(ldns_pkt_cd(response.get()));
  EXPECT_TRUE(ldns_pkt_aa(response.get()));
  EXPECT_FALSE(ldns_pkt_ad(response.get()));  // we do not validate
  EXPECT_FALSE(ldns_pkt_tc(response.get()));
  EXPECT_EQ(ldns_pkt_get_opcode(response.get()), LDNS_PACKET_QUERY);
  EXPECT_EQ(ldns_pkt_get_rcode(response.get()), LDNS_RCODE_NOERROR);
  EXPECT_EQ(ldns_pkt_ancount(response.get()), 1);
  EXPECT_EQ(ldns_pkt_qdcount(response.get()), 1);

  spec.rd = false;
  spec.cd = false;
  response = Parse(Render(spec, *answer));
  ASSERT_NE(response, nullptr);
  EXPECT_FALSE(ldns_pkt_rd(response.get()));
  EXPECT_FALSE(ldns_pkt_cd(response.get()));
}

TEST(ResponseWriterTest, KeepsQuestionCase) {
  QuerySpec spec;
  spec.qname = "wWw.ExAmPlE.cOm";
  LdnsPktPtr answer = Answer({"www.example.com. 300 IN A 192.0.2.1"});
  const std::vector<uint8_t> wire = Render(spec, *answer);
  const std::vector<uint8_t> qname = EncodeName("wWw.ExAmPlE.cOm");
  ASSERT_GE(wire.size(), 12 + qname.size());
  EXPECT_EQ(std::vector<uint8_t>(wire.begin() + 12, wire.begin() + 12 + qname.size()), qname);
}

TEST(ResponseWriterTest, CopiesRcodeAndSections) {
  QuerySpec spec;
  LdnsPktPtr answer = Answer({}, LDNS_RCODE_NXDOMAIN);
  AddRr(answer.get(), LDNS_SECTION_AUTHORITY,
        "example.com. 300 IN SOA ns.example.com. host.example.com. 1 2 3 4 300");
  AddRr(answer.get(), LDNS_SECTION_ADDITIONAL, "ns.example.com. 300 IN A 192.0.2.53");
  LdnsPktPtr response = Parse(Render(spec, *answer));
  ASSERT_NE(response, nullptr);
  EXPECT_EQ(ldns_pkt_get_rcode(response.get()), LDNS_RCODE_NXDOMAIN);
  EXPECT_EQ(ldns_pkt_ancount(response.get()), 0);
  EXPECT_EQ(ldns_pkt_nscount(response.get()), 1);
  EXPECT_EQ(ldns_pkt_arcount(response.get()), 1);
}

TEST(ResponseWriterTest, OptOnlyWhenQueryHadEdns) {
  QuerySpec spec;
  LdnsPktPtr answer = Answer({"www.example.com. 300 IN A 192.0.2.1"});
  // An upstream's EDNS on the answer is not the client's business.
  ldns_pkt_set_edns_udp_size(answer.get(), 4096);
  ldns_pkt_set_edns_do(answer.get(), true);
  LdnsPktPtr response = Parse(Render(spec, *answer));
  ASSERT_NE(response, nullptr);
  EXPECT_FALSE(ldns_pkt_edns(response.get()));
  EXPECT_EQ(ldns_pkt_arcount(response.get()), 0);

  spec.edns = true;
  spec.dnssec_ok = false;
  response = Parse(Render(spec, *answer));
  ASSERT_NE(response, nullptr);
  EXPECT_TRUE(ldns_pkt_edns(response.get()));
  EXPECT_EQ(ldns_pkt_edns_udp_size(response.get()), 1232);
  EXPECT_EQ(ldns_pkt_edns_version(response.get()), 0);
  EXPECT_FALSE(ldns_pkt_edns_do(response.get()));

  spec.dnssec_ok = true;
  response = Parse(Render(spec, *answer));
  ASSERT_NE(response, nullptr);
  EXPECT_TRUE(ldns_pkt_edns_do(response.get()));
}

TEST(ResponseWriterTest, ExtendedDnsErrorGoesInOptWhenTheClientHasEdns) {
  QuerySpec spec;
  spec.edns = true;
  LdnsPktPtr answer = Answer({});
  ldns_pkt_set_rcode(answer.get(), LDNS_RCODE_SERVFAIL);
  LdnsPktPtr query = Parse(BuildQuery(spec));
  ResponseOptions options = Options(spec);
  options.ede_info_code = 22;  // RFC 8914 4.23: No Reachable Authority
  options.ede_extra_text = "no server answered";
  absl::StatusOr<std::vector<uint8_t>> wire = RenderResponse(*query, *answer, options);
  ASSERT_TRUE(wire.ok()) << wire.status();
  LdnsPktPtr response = Parse(*wire);
  ASSERT_NE(response, nullptr);
  ldns_edns_option_list* list = ldns_pkt_edns_get_option_list(response.get());
  ASSERT_NE(list, nullptr);
  ASSERT_EQ(ldns_edns_option_list_get_count(list), 1u);
  ldns_edns_option* ede = ldns_edns_option_list_get_option(list, 0);
  EXPECT_EQ(ldns_edns_get_code(ede), 15);
  const auto* data = static_cast<const uint8_t*>(ldns_edns_get_data(ede));
  ASSERT_EQ(ldns_edns_get_size(ede), 2 + std::string("no server answered").size());
  EXPECT_EQ((data[0] << 8) | data[1], 22);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(data + 2), ldns_edns_get_size(ede) - 2),
            "no server answered");

  // Without EDNS there is nowhere to put it.
  spec.edns = false;
  query = Parse(BuildQuery(spec));
  options = Options(spec);
  options.ede_info_code = 22;
  wire = RenderResponse(*query, *answer, options);
  ASSERT_TRUE(wire.ok());
  EXPECT_EQ(ldns_pkt_arcount(Parse(*wire).get()), 0);
}

TEST(ResponseWriterTest, ExtendedRcodeGoesInOpt) {
  QuerySpec spec;
  spec.edns = true;
  LdnsPktPtr answer = Answer({});
  ldns_pkt_set_rcode(answer.get(), 23);  // BADCOOKIE (RFC 7873 8)
  LdnsPktPtr response = Parse(Render(spec, *answer));
  ASSERT_NE(response, nullptr);
  EXPECT_EQ(ldns_pkt_get_rcode(response.get()), 23 & 0xf);
  EXPECT_EQ(ldns_pkt_edns_extended_rcode(response.get()), 23 >> 4);

  // Without EDNS the client can only be told SERVFAIL.
  spec.edns = false;
  response = Parse(Render(spec, *answer));
  ASSERT_NE(response, nullptr);
  EXPECT_EQ(ldns_pkt_get_rcode(response.get()), LDNS_RCODE_SERVFAIL);
}

std::vector<std::string> ManyTxt(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) {
    out.push_back("www.example.com. 300 IN TXT \"" + std::string(100, 'a' + i % 26) + "\"");
  }
  return out;
}

TEST(ResponseWriterTest, TruncatesToMaxSize) {
  for (bool edns : {false, true}) {
    QuerySpec spec;
    spec.edns = edns;
    spec.dnssec_ok = edns;
    LdnsPktPtr answer = Answer(ManyTxt(10));
    const std::vector<uint8_t> wire = Render(spec, *answer, 512);
    EXPECT_LE(wire.size(), 512u);
    LdnsPktPtr response = Parse(wire);
    ASSERT_NE(response, nullptr);
    EXPECT_TRUE(ldns_pkt_tc(response.get()));
    EXPECT_EQ(ldns_pkt_qdcount(response.get()), 1);
    EXPECT_EQ(ldns_pkt_ancount(response.get()), 0);
    EXPECT_EQ(ldns_pkt_nscount(response.get()), 0);
    EXPECT_EQ(ldns_pkt_edns(response.get()), edns);
    EXPECT_EQ(ldns_pkt_edns_do(response.get()), edns);
    EXPECT_EQ(ldns_pkt_id(response.get()), spec.id);
  }
}

TEST(ResponseWriterTest, FitsWithoutTruncationWhenLargeEnough) {
  QuerySpec spec;
  spec.edns = true;
  LdnsPktPtr answer = Answer(ManyTxt(10));
  const std::vector<uint8_t> wire = Render(spec, *answer, 65535);
  LdnsPktPtr response = Parse(wire);
  ASSERT_NE(response, nullptr);
  EXPECT_FALSE(ldns_pkt_tc(response.get()));
  EXPECT_EQ(ldns_pkt_ancount(response.get()), 10);
  EXPECT_GT(wire.size(), 1000u);
}

TEST(ResponseWriterTest, DropsAdditionalBeforeTruncating) {
  QuerySpec spec;
  LdnsPktPtr answer = Answer({"www.example.com. 300 IN A 192.0.2.1"});
  for (const std::string& text : ManyTxt(6)) {
    AddRr(answer.get(), LDNS_SECTION_ADDITIONAL, text);
  }
  const std::vector<uint8_t> wire = Render(spec, *answer, 512);
  EXPECT_LE(wire.size(), 512u);
  LdnsPktPtr response = Parse(wire);
  ASSERT_NE(response, nullptr);
  // RFC 2181 9: missing additional data is not truncation.
  EXPECT_FALSE(ldns_pkt_tc(response.get()));
  EXPECT_EQ(ldns_pkt_ancount(response.get()), 1);
  EXPECT_EQ(ldns_pkt_arcount(response.get()), 0);
}

TEST(ResponseWriterTest, RejectsMaxSizeBelow512) {
  LdnsPktPtr query = Parse(BuildQuery(QuerySpec{}));
  LdnsPktPtr answer = Answer({});
  ResponseOptions opts;
  opts.max_size = 100;
  EXPECT_EQ(RenderResponse(*query, *answer, opts).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Renders the error response ReadQuery's verdict calls for and parses it back.
LdnsPktPtr ErrorFor(const std::vector<uint8_t>& packet, QueryCheck expected, uint16_t rcode = 0) {
  QueryView view;
  EXPECT_EQ(ReadQuery(packet, &view), expected);
  if (rcode == 0) rcode = ErrorRcode(expected).value_or(2);
  const std::vector<uint8_t> wire = RenderErrorResponse(packet, view, rcode, 1232);
  EXPECT_LE(wire.size(), 512u);
  return Parse(wire);
}

TEST(ResponseWriterTest, FormErrEchoesQuestionWhenRead) {
  QuerySpec spec;
  spec.qname = "FoO.example";
  spec.cd = true;
  std::vector<uint8_t> packet = BuildQuery(spec);
  packet.push_back(0);  // trailing garbage
  LdnsPktPtr response = ErrorFor(packet, QueryCheck::kFormErr);
  ASSERT_NE(response, nullptr);
  EXPECT_EQ(ldns_pkt_get_rcode(response.get()), LDNS_RCODE_FORMERR);
  EXPECT_EQ(ldns_pkt_id(response.get()), spec.id);
  EXPECT_TRUE(ldns_pkt_qr(response.get()));
  EXPECT_TRUE(ldns_pkt_rd(response.get()));
  EXPECT_TRUE(ldns_pkt_cd(response.get()));
  ASSERT_EQ(ldns_pkt_qdcount(response.get()), 1);
  EXPECT_EQ(ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_question(response.get()), 0)),
            LDNS_RR_TYPE_A);
  EXPECT_FALSE(ldns_pkt_edns(response.get()));
}

TEST(ResponseWriterTest, FormErrWithoutQuestionWhenUnreadable) {
  QuerySpec spec;
  spec.qdcount = 2;
  spec.edns = true;
  LdnsPktPtr response = ErrorFor(BuildQuery(spec), QueryCheck::kFormErr);
  ASSERT_NE(response, nullptr);
  EXPECT_EQ(ldns_pkt_get_rcode(response.get()), LDNS_RCODE_FORMERR);
  EXPECT_EQ(ldns_pkt_qdcount(response.get()), 0);
}

TEST(ResponseWriterTest, NotImpEchoesOpcode) {
  QuerySpec spec;
  spec.opcode = 2;  // STATUS
  LdnsPktPtr response = ErrorFor(BuildQuery(spec), QueryCheck::kNotImp);
  ASSERT_NE(response, nullptr);
  EXPECT_EQ(ldns_pkt_get_rcode(response.get()), LDNS_RCODE_NOTIMPL);
  EXPECT_EQ(ldns_pkt_get_opcode(response.get()), LDNS_PACKET_STATUS);
}

TEST(ResponseWriterTest, BadVersCarriesOptVersionZero) {
  QuerySpec spec;
  spec.edns = true;
  spec.edns_version = 1;
  spec.dnssec_ok = true;
  LdnsPktPtr response = ErrorFor(BuildQuery(spec), QueryCheck::kBadVers);
  ASSERT_NE(response, nullptr);
  EXPECT_TRUE(ldns_pkt_edns(response.get()));
  // BADVERS is 16: 0 in the header, 1 in the OPT's extended RCODE (RFC 6891 6.1.3).
  EXPECT_EQ(ldns_pkt_get_rcode(response.get()), 0);
  EXPECT_EQ(ldns_pkt_edns_extended_rcode(response.get()), 1);
  EXPECT_EQ(ldns_pkt_edns_version(response.get()), 0);
  EXPECT_EQ(ldns_pkt_edns_udp_size(response.get()), 1232);
  EXPECT_TRUE(ldns_pkt_edns_do(response.get()));
  EXPECT_EQ(ldns_pkt_qdcount(response.get()), 1);
}

TEST(ResponseWriterTest, ExtendedErrorWithoutEdnsIsServfail) {
  // RFC 6891 7: no OPT for a client that sent none, so BADCOOKIE (23) cannot be expressed.
  LdnsPktPtr response = ErrorFor(BuildQuery(QuerySpec{}), QueryCheck::kOk, 23);
  ASSERT_NE(response, nullptr);
  EXPECT_FALSE(ldns_pkt_edns(response.get()));
  EXPECT_EQ(ldns_pkt_get_rcode(response.get()), LDNS_RCODE_SERVFAIL);
}

TEST(ResponseWriterTest, RefusedAndServfailForValidQueries) {
  QuerySpec spec;
  spec.edns = true;
  for (uint16_t rcode : {LDNS_RCODE_REFUSED, LDNS_RCODE_SERVFAIL}) {
    LdnsPktPtr response = ErrorFor(BuildQuery(spec), QueryCheck::kOk, rcode);
    ASSERT_NE(response, nullptr);
    EXPECT_EQ(ldns_pkt_get_rcode(response.get()), rcode);
    EXPECT_EQ(ldns_pkt_qdcount(response.get()), 1);
    EXPECT_TRUE(ldns_pkt_edns(response.get()));  // the query had EDNS
    EXPECT_TRUE(ldns_pkt_ra(response.get()));
  }
}

TEST(ResponseWriterTest, NoErrorResponseWithoutHeader) {
  const std::vector<uint8_t> packet(5, 0);
  QueryView view;
  EXPECT_EQ(ReadQuery(packet, &view), QueryCheck::kDrop);
  EXPECT_TRUE(RenderErrorResponse(packet, view, 1, 1232).empty());
}

TEST(ResponseWriterTest, MaxUdpResponseSize) {
  EXPECT_EQ(MaxUdpResponseSize(false, 4096, 1232), 512u);
  EXPECT_EQ(MaxUdpResponseSize(true, 4096, 1232), 1232u);
  EXPECT_EQ(MaxUdpResponseSize(true, 1000, 1232), 1000u);
  EXPECT_EQ(MaxUdpResponseSize(true, 100, 1232), 512u);
  EXPECT_EQ(MaxUdpResponseSize(true, 4096, 100), 512u);
}

}  // namespace
}  // namespace rebound
