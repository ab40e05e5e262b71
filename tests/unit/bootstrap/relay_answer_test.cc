// Relay requests (DoH GET paths, JSON GET paths) and the checks on relay answers.
#include "bootstrap/relay_answer.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rebound {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

LdnsRdfPtr Name(const char* text) { return LdnsRdfPtr(ldns_dname_new_frm_str(text)); }

Relay DohRelay() { return *ParseRelayLine("::1 443 relay.test doh /dns-query"); }
Relay JsonRelay() { return *ParseRelayLine("::1 443 relay.test json /bootstrap-dns"); }

std::vector<uint8_t> ToWire(const ldns_pkt* pkt) {
  uint8_t* wire = nullptr;
  size_t size = 0;
  EXPECT_EQ(ldns_pkt2wire(&wire, pkt, &size), LDNS_STATUS_OK);
  std::vector<uint8_t> out(wire, wire + size);
  LDNS_FREE(wire);
  return out;
}

LdnsPktPtr FromWire(const std::vector<uint8_t>& wire) {
  ldns_pkt* pkt = nullptr;
  EXPECT_EQ(ldns_wire2pkt(&pkt, wire.data(), wire.size()), LDNS_STATUS_OK);
  return LdnsPktPtr(pkt);
}

void Push(ldns_pkt* pkt, ldns_pkt_section section, const char* rr_text) {
  ldns_rr* rr = nullptr;
  ASSERT_EQ(ldns_rr_new_frm_str(&rr, rr_text, 0, nullptr, nullptr), LDNS_STATUS_OK) << rr_text;
  ldns_pkt_push_rr(pkt, section, rr);
}

// A relay's answer to www.example.com. A as it should look, which `edit` may then spoil.
std::vector<uint8_t> Answer(const std::function<void(ldns_pkt*)>& edit = nullptr) {
  LdnsPktPtr pkt(ldns_pkt_query_new(ldns_dname_new_frm_str("www.example.com."), LDNS_RR_TYPE_A,
                                    LDNS_RR_CLASS_IN, LDNS_RD));
  ldns_pkt_set_id(pkt.get(), 0);
  ldns_pkt_set_qr(pkt.get(), true);
  ldns_pkt_set_ra(pkt.get(), true);
  Push(pkt.get(), LDNS_SECTION_ANSWER, "www.example.com. 120 IN A 192.0.2.1");
  Push(pkt.get(), LDNS_SECTION_ANSWER, "www.example.com. 120 IN A 192.0.2.2");
  if (edit) edit(pkt.get());
  return ToWire(pkt.get());
}

absl::StatusOr<LdnsPktPtr> AcceptA(const std::vector<uint8_t>& wire, uint32_t max_ttl = 300) {
  LdnsRdfPtr qname = Name("www.example.com.");
  return AcceptDohResponse(wire, qname.get(), LDNS_RR_TYPE_A, max_ttl);
}

std::string RejectionOf(const std::vector<uint8_t>& wire) {
  absl::StatusOr<LdnsPktPtr> pkt = AcceptA(wire);
  EXPECT_FALSE(pkt.ok());
  return pkt.ok() ? "" : std::string(pkt.status().message());
}

std::vector<uint32_t> TtlsOf(const ldns_rr_list* list) {
  std::vector<uint32_t> ttls;
  for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
    ttls.push_back(ldns_rr_ttl(ldns_rr_list_rr(list, i)));
  }
  return ttls;
}

std::vector<std::string> RecordsOf(const ldns_rr_list* list) {
  std::vector<std::string> out;
  for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
    char* text = ldns_rr2str(ldns_rr_list_rr(list, i));
    std::string line(text);
    free(text);
    while (!line.empty() && line.back() == '\n') line.pop_back();
    out.push_back(line);
  }
  return out;
}

// --- requests ------------------------------------------------------------------------------

TEST(DohGetPathTest, KnownEncoding) {
  LdnsRdfPtr qname = Name("www.example.com.");
  // RFC 8484 4.1.1's example query (ID 0, RD, www.example.com A), with ARCOUNT 1 and an OPT
  // record offering 4096 octets appended.
  EXPECT_EQ(DohGetPath(DohRelay(), qname.get(), LDNS_RR_TYPE_A),
            "/dns-query?dns=AAABAAABAAAAAAABA3d3dwdleGFtcGxlA2NvbQAAAQABAAApEAAAAAAAAAA");
}

TEST(DohGetPathTest, DecodesBackToTheQuestionWithIdZero) {
  LdnsRdfPtr qname = Name("Mixed.Case.EXAMPLE.");
  const std::string path = DohGetPath(DohRelay(), qname.get(), LDNS_RR_TYPE_AAAA);
  ASSERT_THAT(path, StartsWith("/dns-query?dns="));
  const std::string encoded = path.substr(std::string("/dns-query?dns=").size());
  // base64url without padding (RFC 8484 6): none of '+', '/', '='.
  EXPECT_EQ(encoded.find_first_of("+/="), std::string::npos) << encoded;
  std::string decoded;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(encoded, &decoded));
  EXPECT_EQ(std::vector<uint8_t>(decoded.begin(), decoded.end()),
            RelayQueryWire(qname.get(), LDNS_RR_TYPE_AAAA));
  LdnsPktPtr query = FromWire(std::vector<uint8_t>(decoded.begin(), decoded.end()));
  ASSERT_NE(query, nullptr);
  EXPECT_EQ(ldns_pkt_id(query.get()), 0);
  EXPECT_FALSE(ldns_pkt_qr(query.get()));
  EXPECT_TRUE(ldns_pkt_rd(query.get()));
  EXPECT_EQ(ldns_pkt_get_opcode(query.get()), LDNS_PACKET_QUERY);
  ASSERT_EQ(ldns_pkt_qdcount(query.get()), 1);
  const ldns_rr* question = ldns_rr_list_rr(ldns_pkt_question(query.get()), 0);
  EXPECT_EQ(ldns_dname_compare(ldns_rr_owner(question), qname.get()), 0);
  EXPECT_EQ(ldns_rr_get_type(question), LDNS_RR_TYPE_AAAA);
  EXPECT_EQ(ldns_rr_get_class(question), LDNS_RR_CLASS_IN);
  // Lowercased on the wire, so HTTP caches see one URI per question.
  char* owner = ldns_rdf2str(ldns_rr_owner(question));
  EXPECT_STREQ(owner, "mixed.case.example.");
  free(owner);
  EXPECT_TRUE(ldns_pkt_edns(query.get()));
  EXPECT_EQ(ldns_pkt_edns_udp_size(query.get()), kRelayEdnsPayloadSize);
  EXPECT_EQ(ldns_pkt_ancount(query.get()) + ldns_pkt_nscount(query.get()), 0);
}

TEST(DohGetPathTest, UsesTheRelaysPath) {
  LdnsRdfPtr qname = Name("example.");
  const Relay relay = *ParseRelayLine("192.0.2.1 8443 r.test doh /custom/path");
  EXPECT_THAT(DohGetPath(relay, qname.get(), LDNS_RR_TYPE_MX), StartsWith("/custom/path?dns="));
}

TEST(JsonGetPathTest, PlainName) {
  LdnsRdfPtr qname = Name("www.Example.COM.");
  EXPECT_EQ(JsonGetPath(JsonRelay(), qname.get()), "/bootstrap-dns?q=www.example.com");
}

TEST(JsonGetPathTest, RootAndOddOctets) {
  LdnsRdfPtr root = Name(".");
  EXPECT_EQ(JsonGetPath(JsonRelay(), root.get()), "/bootstrap-dns?q=.");
  // A label holding a blank is "a\032b" in presentation form; '\' is percent-encoded.
  LdnsRdfPtr odd = Name("a\\032b.x_y~z.test.");
  EXPECT_EQ(JsonGetPath(JsonRelay(), odd.get()), "/bootstrap-dns?q=a%5C032b.x_y~z.test");
  LdnsRdfPtr slash = Name("a/b+c.test.");
  EXPECT_EQ(JsonGetPath(JsonRelay(), slash.get()), "/bootstrap-dns?q=a%2Fb%2Bc.test");
}

// --- DoH answers ---------------------------------------------------------------------------

TEST(AcceptDohResponseTest, AcceptsTheRightAnswer) {
  absl::StatusOr<LdnsPktPtr> pkt = AcceptA(Answer());
  ASSERT_TRUE(pkt.ok()) << pkt.status();
  EXPECT_THAT(RecordsOf(ldns_pkt_answer(pkt->get())),
              ElementsAre("www.example.com.\t120\tIN\tA\t192.0.2.1",
                          "www.example.com.\t120\tIN\tA\t192.0.2.2"));
  EXPECT_EQ(ldns_pkt_get_rcode(pkt->get()), LDNS_RCODE_NOERROR);
}

TEST(AcceptDohResponseTest, QuestionCaseDoesNotMatter) {
  LdnsRdfPtr asked = Name("WWW.example.Com.");
  absl::StatusOr<LdnsPktPtr> pkt = AcceptDohResponse(Answer(), asked.get(), LDNS_RR_TYPE_A, 300);
  EXPECT_TRUE(pkt.ok()) << pkt.status();
}

TEST(AcceptDohResponseTest, AcceptsNxdomainAndCapsTheSoa) {
  absl::StatusOr<LdnsPktPtr> pkt = AcceptA(Answer([](ldns_pkt* p) {
    ldns_rr_list_deep_free(ldns_pkt_answer(p));
    ldns_pkt_set_answer(p, ldns_rr_list_new());
    ldns_pkt_set_ancount(p, 0);
    ldns_pkt_set_rcode(p, LDNS_RCODE_NXDOMAIN);
    Push(p, LDNS_SECTION_AUTHORITY,
         "example.com. 3600 IN SOA ns.example.com. host.example.com. 1 7200 3600 1209600 86400");
  }));
  ASSERT_TRUE(pkt.ok()) << pkt.status();
  EXPECT_EQ(ldns_pkt_get_rcode(pkt->get()), LDNS_RCODE_NXDOMAIN);
  EXPECT_THAT(RecordsOf(ldns_pkt_authority(pkt->get())),
              ElementsAre("example.com.\t300\tIN\tSOA\tns.example.com. host.example.com. 1 7200 "
                          "3600 1209600 300"));
}

TEST(AcceptDohResponseTest, SmallSoaMinimumIsKept) {
  absl::StatusOr<LdnsPktPtr> pkt = AcceptA(Answer([](ldns_pkt* p) {
    Push(p, LDNS_SECTION_AUTHORITY,
         "example.com. 60 IN SOA ns.example.com. host.example.com. 1 7200 3600 1209600 30");
  }));
  ASSERT_TRUE(pkt.ok()) << pkt.status();
  EXPECT_THAT(RecordsOf(ldns_pkt_authority(pkt->get())), ElementsAre(HasSubstr("\t60\tIN\tSOA\t")));
  EXPECT_THAT(RecordsOf(ldns_pkt_authority(pkt->get()))[0], testing::EndsWith(" 1209600 30"));
}

TEST(AcceptDohResponseTest, CapsEveryTtl) {
  const std::vector<uint8_t> wire = Answer([](ldns_pkt* p) {
    Push(p, LDNS_SECTION_ANSWER, "www.example.com. 86400 IN A 192.0.2.3");
    Push(p, LDNS_SECTION_AUTHORITY, "example.com. 172800 IN NS ns.example.com.");
    Push(p, LDNS_SECTION_AUTHORITY, "example.com. 10 IN NS ns2.example.com.");
    Push(p, LDNS_SECTION_ADDITIONAL, "ns.example.com. 4000000000 IN A 192.0.2.53");
    ldns_pkt_set_edns_udp_size(p, 1232);
    ldns_pkt_set_edns_do(p, true);
  });
  absl::StatusOr<LdnsPktPtr> pkt = AcceptA(wire, 300);
  ASSERT_TRUE(pkt.ok()) << pkt.status();
  EXPECT_THAT(TtlsOf(ldns_pkt_answer(pkt->get())), ElementsAre(120, 120, 300));
  EXPECT_THAT(TtlsOf(ldns_pkt_authority(pkt->get())), ElementsAre(300, 10));
  EXPECT_THAT(TtlsOf(ldns_pkt_additional(pkt->get())), ElementsAre(300));
  // The OPT record's flags are not a TTL and stay as they were.
  EXPECT_TRUE(ldns_pkt_edns_do(pkt->get()));
  EXPECT_EQ(ldns_pkt_edns_udp_size(pkt->get()), 1232);

  pkt = AcceptA(wire, 0);
  ASSERT_TRUE(pkt.ok()) << pkt.status();
  EXPECT_THAT(TtlsOf(ldns_pkt_answer(pkt->get())), ElementsAre(0, 0, 0));
  EXPECT_THAT(TtlsOf(ldns_pkt_additional(pkt->get())), ElementsAre(0));
}

TEST(AcceptDohResponseTest, RejectsAnotherId) {
  EXPECT_EQ(RejectionOf(Answer([](ldns_pkt* p) { ldns_pkt_set_id(p, 0x1234); })),
            "ID is 4660, expected 0 (RFC 8484 4.1)");
}

TEST(AcceptDohResponseTest, RejectsAnotherName) {
  EXPECT_EQ(RejectionOf(Answer([](ldns_pkt* p) {
              ldns_rr* q = ldns_rr_list_rr(ldns_pkt_question(p), 0);
              ldns_rdf_deep_free(ldns_rr_owner(q));
              ldns_rr_set_owner(q, ldns_dname_new_frm_str("www.example.net."));
            })),
            "answers www.example.net., asked www.example.com.");
  // A name below the one asked is another name too.
  EXPECT_EQ(RejectionOf(Answer([](ldns_pkt* p) {
              ldns_rr* q = ldns_rr_list_rr(ldns_pkt_question(p), 0);
              ldns_rdf_deep_free(ldns_rr_owner(q));
              ldns_rr_set_owner(q, ldns_dname_new_frm_str("x.www.example.com."));
            })),
            "answers x.www.example.com., asked www.example.com.");
}

TEST(AcceptDohResponseTest, RejectsAnotherTypeOrClass) {
  EXPECT_EQ(RejectionOf(Answer([](ldns_pkt* p) {
              ldns_rr_set_type(ldns_rr_list_rr(ldns_pkt_question(p), 0), LDNS_RR_TYPE_AAAA);
            })),
            "answers type AAAA, asked A");
  EXPECT_EQ(RejectionOf(Answer([](ldns_pkt* p) {
              ldns_rr_set_class(ldns_rr_list_rr(ldns_pkt_question(p), 0), LDNS_RR_CLASS_CH);
            })),
            "answers a class other than IN");
}

TEST(AcceptDohResponseTest, RejectsAQuery) {
  EXPECT_EQ(RejectionOf(Answer([](ldns_pkt* p) { ldns_pkt_set_qr(p, false); })),
            "not a response (QR is 0)");
}

TEST(AcceptDohResponseTest, RejectsOtherOpcodesAndTruncation) {
  EXPECT_EQ(RejectionOf(Answer([](ldns_pkt* p) { ldns_pkt_set_opcode(p, LDNS_PACKET_NOTIFY); })),
            "opcode 4 is not QUERY");
  EXPECT_EQ(RejectionOf(Answer([](ldns_pkt* p) { ldns_pkt_set_tc(p, true); })),
            "answer is truncated (TC is 1)");
}

TEST(AcceptDohResponseTest, RejectsQuestionCountOtherThanOne) {
  EXPECT_EQ(RejectionOf(Answer([](ldns_pkt* p) {
              ldns_rr_list_deep_free(ldns_pkt_question(p));
              ldns_pkt_set_question(p, ldns_rr_list_new());
              ldns_pkt_set_qdcount(p, 0);
            })),
            "0 questions in the answer, expected 1");
  EXPECT_EQ(RejectionOf(Answer([](ldns_pkt* p) {
              ldns_rr* second = ldns_rr_clone(ldns_rr_list_rr(ldns_pkt_question(p), 0));
              ldns_pkt_push_rr(p, LDNS_SECTION_QUESTION, second);
            })),
            "2 questions in the answer, expected 1");
}

TEST(AcceptDohResponseTest, ServerFailuresAreUnavailable) {
  for (ldns_pkt_rcode rcode : {LDNS_RCODE_SERVFAIL, LDNS_RCODE_REFUSED, LDNS_RCODE_FORMERR}) {
    absl::StatusOr<LdnsPktPtr> pkt =
        AcceptA(Answer([rcode](ldns_pkt* p) { ldns_pkt_set_rcode(p, rcode); }));
    ASSERT_FALSE(pkt.ok());
    EXPECT_EQ(pkt.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_THAT(std::string(pkt.status().message()), StartsWith("relay answered "));
  }
  absl::StatusOr<LdnsPktPtr> pkt =
      AcceptA(Answer([](ldns_pkt* p) { ldns_pkt_set_rcode(p, LDNS_RCODE_SERVFAIL); }));
  EXPECT_EQ(pkt.status().message(), "relay answered SERVFAIL");
}

TEST(AcceptDohResponseTest, RejectsEveryTruncationOfTheWire) {
  const std::vector<uint8_t> wire = Answer();
  for (size_t size = 0; size < wire.size(); ++size) {
    absl::StatusOr<LdnsPktPtr> pkt =
        AcceptA(std::vector<uint8_t>(wire.begin(), wire.begin() + static_cast<ptrdiff_t>(size)));
    ASSERT_FALSE(pkt.ok()) << "accepted the first " << size << " of " << wire.size() << " octets";
    EXPECT_EQ(pkt.status().code(), absl::StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(RejectionOf({}), "empty DoH answer");
}

TEST(AcceptDohResponseTest, RejectsGarbage) {
  EXPECT_THAT(RejectionOf({'<', 'h', 't', 'm', 'l', '>', 'e', 'r', 'r', 'o', 'r', '<', '/', '>'}),
              StartsWith("malformed DNS message: "));
  std::vector<uint8_t> noise(512);
  uint32_t x = 12345;
  for (uint8_t& b : noise) {
    x = x * 1103515245 + 12345;
    b = static_cast<uint8_t>(x >> 24);
  }
  EXPECT_FALSE(AcceptA(noise).ok());
}

// --- JSON answers --------------------------------------------------------------------------

absl::StatusOr<LdnsPktPtr> AcceptJson(absl::string_view body, ldns_rr_type qtype = LDNS_RR_TYPE_A,
                                      uint32_t max_ttl = 3600,
                                      const char* name = "www.example.com.") {
  LdnsRdfPtr qname = Name(name);
  return AcceptJsonResponse(body, qname.get(), qtype, max_ttl);
}

std::string JsonRejectionOf(absl::string_view body, ldns_rr_type qtype = LDNS_RR_TYPE_A) {
  absl::StatusOr<LdnsPktPtr> pkt = AcceptJson(body, qtype);
  EXPECT_FALSE(pkt.ok()) << body;
  if (pkt.ok()) return "";
  EXPECT_EQ(pkt.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(pkt.status().message());
}

TEST(AcceptJsonResponseTest, BuildsAnAnswerOfTheAskedFamily) {
  constexpr absl::string_view kBody =
      R"({"www.example.com": ["192.0.2.1", "2001:db8::1", "192.0.2.2", "2001:db8::2"]})";
  absl::StatusOr<LdnsPktPtr> a = AcceptJson(kBody, LDNS_RR_TYPE_A);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_THAT(RecordsOf(ldns_pkt_answer(a->get())),
              ElementsAre("www.example.com.\t300\tIN\tA\t192.0.2.1",
                          "www.example.com.\t300\tIN\tA\t192.0.2.2"));
  absl::StatusOr<LdnsPktPtr> aaaa = AcceptJson(kBody, LDNS_RR_TYPE_AAAA);
  ASSERT_TRUE(aaaa.ok()) << aaaa.status();
  EXPECT_THAT(RecordsOf(ldns_pkt_answer(aaaa->get())),
              ElementsAre("www.example.com.\t300\tIN\tAAAA\t2001:db8::1",
                          "www.example.com.\t300\tIN\tAAAA\t2001:db8::2"));
  const ldns_pkt* p = aaaa->get();
  EXPECT_EQ(ldns_pkt_id(p), 0);
  EXPECT_TRUE(ldns_pkt_qr(p));
  EXPECT_TRUE(ldns_pkt_rd(p));
  EXPECT_TRUE(ldns_pkt_ra(p));
  EXPECT_EQ(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
  EXPECT_EQ(ldns_pkt_ancount(p), 2);
  EXPECT_EQ(ldns_pkt_nscount(p) + ldns_pkt_arcount(p), 0);
}

TEST(AcceptJsonResponseTest, BuiltAnswerPassesTheDohChecks) {
  absl::StatusOr<LdnsPktPtr> built = AcceptJson(R"({"www.example.com": ["192.0.2.1"]})");
  ASSERT_TRUE(built.ok()) << built.status();
  absl::StatusOr<LdnsPktPtr> again = AcceptA(ToWire(built->get()));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_THAT(RecordsOf(ldns_pkt_answer(again->get())),
              ElementsAre("www.example.com.\t300\tIN\tA\t192.0.2.1"));
}

TEST(AcceptJsonResponseTest, TtlIsTheSmallerOfMaxTtlAnd300) {
  absl::StatusOr<LdnsPktPtr> pkt =
      AcceptJson(R"({"www.example.com": ["192.0.2.1"]})", LDNS_RR_TYPE_A, 60);
  ASSERT_TRUE(pkt.ok()) << pkt.status();
  EXPECT_THAT(TtlsOf(ldns_pkt_answer(pkt->get())), ElementsAre(60));
  pkt = AcceptJson(R"({"www.example.com": ["192.0.2.1"]})", LDNS_RR_TYPE_A, 86400);
  ASSERT_TRUE(pkt.ok()) << pkt.status();
  EXPECT_THAT(TtlsOf(ldns_pkt_answer(pkt->get())), ElementsAre(kJsonAnswerTtl));
}

TEST(AcceptJsonResponseTest, KeyMatchesIgnoringCaseAndFinalDot) {
  for (const char* body :
       {R"({"www.example.com": ["192.0.2.1"]})", R"({"www.example.com.": ["192.0.2.1"]})",
        R"({"WWW.Example.COM": ["192.0.2.1"]})"}) {
    absl::StatusOr<LdnsPktPtr> pkt = AcceptJson(body, LDNS_RR_TYPE_A, 300, "www.EXAMPLE.com.");
    ASSERT_TRUE(pkt.ok()) << body << ": " << pkt.status();
    EXPECT_EQ(ldns_pkt_ancount(pkt->get()), 1) << body;
  }
}

TEST(AcceptJsonResponseTest, EmptyListOrOtherFamilyOnlyIsNodata) {
  for (const char* body : {R"({"www.example.com": []})", R"({"www.example.com": ["::1"]})"}) {
    absl::StatusOr<LdnsPktPtr> pkt = AcceptJson(body);
    ASSERT_TRUE(pkt.ok()) << body << ": " << pkt.status();
    EXPECT_EQ(ldns_pkt_get_rcode(pkt->get()), LDNS_RCODE_NOERROR);
    EXPECT_EQ(ldns_pkt_ancount(pkt->get()), 0);
    EXPECT_EQ(ldns_pkt_qdcount(pkt->get()), 1);
  }
}

TEST(AcceptJsonResponseTest, DuplicatesAreDropped) {
  absl::StatusOr<LdnsPktPtr> pkt =
      AcceptJson(R"({"www.example.com": ["192.0.2.1", "192.0.2.1", "192.0.2.2"]})");
  ASSERT_TRUE(pkt.ok()) << pkt.status();
  EXPECT_EQ(ldns_pkt_ancount(pkt->get()), 2);
}

TEST(AcceptJsonResponseTest, RejectsAnotherKey) {
  EXPECT_EQ(JsonRejectionOf(R"({"example.com": ["192.0.2.1"]})"),
            "JSON answer is for 'example.com', asked www.example.com.");
  EXPECT_EQ(JsonRejectionOf(R"({"www.example.com.evil": ["192.0.2.1"]})"),
            "JSON answer is for 'www.example.com.evil', asked www.example.com.");
  EXPECT_EQ(JsonRejectionOf(R"({"": ["192.0.2.1"]})"),
            "JSON answer is for '', asked www.example.com.");
  // A NUL would cut the key short in C string functions; it must not make it match.
  EXPECT_THAT(JsonRejectionOf(R"({"www.example.com\u0000.evil": ["192.0.2.1"]})"),
              StartsWith("JSON answer is for 'www.example.com"));
  EXPECT_THAT(JsonRejectionOf(R"({"www..example.com": ["192.0.2.1"]})"),
              StartsWith("JSON answer is for"));
}

TEST(AcceptJsonResponseTest, RejectsOtherShapes) {
  EXPECT_EQ(JsonRejectionOf(R"(["192.0.2.1"])"), "JSON answer is not an object");
  EXPECT_EQ(JsonRejectionOf(R"("192.0.2.1")"), "JSON answer is not an object");
  EXPECT_EQ(JsonRejectionOf("{}"), "JSON answer has 0 members, expected 1");
  EXPECT_EQ(JsonRejectionOf(R"({"www.example.com": [], "other.test": []})"),
            "JSON answer has 2 members, expected 1");
  EXPECT_EQ(JsonRejectionOf(R"({"www.example.com": "192.0.2.1"})"),
            "JSON answer's value is not an array of addresses");
  EXPECT_EQ(JsonRejectionOf(R"({"www.example.com": {"a": "192.0.2.1"}})"),
            "JSON answer's value is not an array of addresses");
}

TEST(AcceptJsonResponseTest, RejectsBadAddresses) {
  EXPECT_EQ(JsonRejectionOf(R"({"www.example.com": ["192.0.2.1", "not-an-address"]})"),
            "JSON answer holds 'not-an-address', not an IPv4 or IPv6 address");
  EXPECT_EQ(JsonRejectionOf(R"({"www.example.com": ["192.0.2.256"]})"),
            "JSON answer holds '192.0.2.256', not an IPv4 or IPv6 address");
  EXPECT_EQ(JsonRejectionOf(R"({"www.example.com": ["192.0.2.1\u0000junk"]})"),
            "JSON answer holds '192.0.2.1\\x00junk', not an IPv4 or IPv6 address");
  EXPECT_EQ(JsonRejectionOf(R"({"www.example.com": [3221225985]})"),
            "JSON answer holds number where an address belongs");
  EXPECT_EQ(JsonRejectionOf(R"({"www.example.com": [null]})"),
            "JSON answer holds null where an address belongs");
  // A bad address of the other family is still bad: the relay is broken.
  EXPECT_EQ(JsonRejectionOf(R"({"www.example.com": ["192.0.2.1", "2001:db8::g"]})"),
            "JSON answer holds '2001:db8::g', not an IPv4 or IPv6 address");
}

TEST(AcceptJsonResponseTest, RejectsTooManyAddresses) {
  std::vector<std::string> addresses;
  for (size_t i = 0; i <= kMaxJsonAddresses; ++i) {
    addresses.push_back(absl::StrCat("\"10.0.", i / 256, ".", i % 256, "\""));
  }
  const std::string body =
      absl::StrCat(R"({"www.example.com": [)", absl::StrJoin(addresses, ","), "]}");
  EXPECT_EQ(JsonRejectionOf(body), "JSON answer holds 257 addresses, more than 256");
  addresses.pop_back();
  EXPECT_TRUE(
      AcceptJson(absl::StrCat(R"({"www.example.com": [)", absl::StrJoin(addresses, ","), "]}"))
          .ok());
}

TEST(AcceptJsonResponseTest, RejectsMalformedJson) {
  for (const char* body : {"", "{", R"({"www.example.com": ["192.0.2.1")",
                           R"({"www.example.com": ["192.0.2.1"]} trailing)", "\xff\xfe{}",
                           "{'www.example.com': []}"}) {
    EXPECT_EQ(JsonRejectionOf(body), "JSON answer does not parse") << body;
  }
}

TEST(AcceptJsonResponseTest, OnlyAddressQuestions) {
  EXPECT_EQ(JsonRejectionOf(R"({"www.example.com": ["192.0.2.1"]})", LDNS_RR_TYPE_MX),
            "JSON relays answer A and AAAA questions only, not MX");
}

}  // namespace
}  // namespace rebound
