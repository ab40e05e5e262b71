#include "resolver/iterator/response_classifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace rebound {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// A reply as an authoritative server would send it, sections in zone-file syntax (TTL 3600 and
// class IN unless given).
struct Reply {
  bool aa = true;
  bool ra = false;
  ldns_pkt_rcode rcode = LDNS_RCODE_NOERROR;
  std::vector<const char*> answer = {};
  std::vector<const char*> authority = {};
  std::vector<const char*> additional = {};
  uint8_t extended_rcode = 0;  // with EDNS when set
  // Through the wire format and back, as the transport delivers it. ldns compresses names
  // case-insensitively, which copies one spelling over the others: mixed case needs it off.
  bool round_trip = true;
};

// The question asked and the zone whose server was asked.
struct Query {
  const char* qname;
  ldns_rr_type qtype;
  const char* zone;
};

LdnsRdfPtr Name(const char* s) { return LdnsRdfPtr(ldns_dname_new_frm_str(s)); }

void Push(ldns_pkt* pkt, ldns_pkt_section section, const std::vector<const char*>& lines) {
  for (const char* line : lines) {
    ldns_rr* rr = nullptr;
    ASSERT_EQ(ldns_rr_new_frm_str(&rr, line, 3600, nullptr, nullptr), LDNS_STATUS_OK) << line;
    ldns_pkt_push_rr(pkt, section, rr);
  }
}

// Built with ldns, then (normally) sent through the wire format and parsed back.
LdnsPktPtr Build(const Query& query, const Reply& reply) {
  LdnsPktPtr pkt(ldns_pkt_new());
  ldns_pkt_set_qr(pkt.get(), true);
  ldns_pkt_set_aa(pkt.get(), reply.aa);
  ldns_pkt_set_ra(pkt.get(), reply.ra);
  ldns_pkt_set_rcode(pkt.get(), reply.rcode);
  ldns_rr* question = ldns_rr_new();
  ldns_rr_set_owner(question, ldns_dname_new_frm_str(query.qname));
  ldns_rr_set_type(question, query.qtype);
  ldns_rr_set_class(question, LDNS_RR_CLASS_IN);
  ldns_rr_set_question(question, true);
  ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_QUESTION, question);
  Push(pkt.get(), LDNS_SECTION_ANSWER, reply.answer);
  Push(pkt.get(), LDNS_SECTION_AUTHORITY, reply.authority);
  Push(pkt.get(), LDNS_SECTION_ADDITIONAL, reply.additional);
  if (reply.extended_rcode != 0) {
    ldns_pkt_set_edns_udp_size(pkt.get(), 1232);
    ldns_pkt_set_edns_extended_rcode(pkt.get(), reply.extended_rcode);
  }
  if (!reply.round_trip) return pkt;
  uint8_t* wire = nullptr;
  size_t size = 0;
  EXPECT_EQ(ldns_pkt2wire(&wire, pkt.get(), &size), LDNS_STATUS_OK);
  ldns_pkt* parsed = nullptr;
  EXPECT_EQ(ldns_wire2pkt(&parsed, wire, size), LDNS_STATUS_OK);
  std::free(wire);
  return LdnsPktPtr(parsed);
}

ClassifiedResponse Classify(const Query& query, const Reply& reply) {
  LdnsPktPtr pkt = Build(query, reply);
  return ClassifyResponse(*pkt, Name(query.qname).get(), query.qtype, Name(query.zone).get());
}

std::string TakeString(char* s) {
  std::string out = s != nullptr ? s : "(null)";
  std::free(s);
  return out;
}

std::string ToString(const ldns_rdf* name) {
  return name != nullptr ? TakeString(ldns_rdf2str(name)) : "(null)";
}

// "owner TYPE rdata..." for each record, without TTL and class.
std::vector<std::string> Records(const ldns_rr_list* list) {
  std::vector<std::string> out;
  for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(list, i);
    std::string line =
        ToString(ldns_rr_owner(rr)) + " " + TakeString(ldns_rr_type2str(ldns_rr_get_type(rr)));
    for (size_t j = 0; j < ldns_rr_rd_count(rr); ++j) {
      line += " " + TakeString(ldns_rdf2str(ldns_rr_rdf(rr, j)));
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();  // after an NSEC bitmap
    out.push_back(line);
  }
  return out;
}

MATCHER_P(IsKind, kind, std::string("is ") + ResponseKindName(kind)) {
  *result_listener << "which is " << ResponseKindName(arg.kind);
  return arg.kind == kind;
}

void ExpectNothingKept(const ClassifiedResponse& r) {
  EXPECT_THAT(Records(r.answer.get()), IsEmpty());
  EXPECT_THAT(Records(r.authority.get()), IsEmpty());
  EXPECT_THAT(Records(r.additional.get()), IsEmpty());
  EXPECT_EQ(r.next_name, nullptr);
  EXPECT_EQ(r.referral_zone, nullptr);
}

constexpr Query kWwwTestA{"www.test.", LDNS_RR_TYPE_A, "test."};
constexpr const char* kTestSoa = "test. SOA ns.test. admin.test. 1 3600 600 86400 300";

// --- answers ---

TEST(ResponseClassifierTest, PlainAnswerKeepsTheRrsetAndItsSignaturesOnly) {
  ClassifiedResponse r = Classify(
      kWwwTestA, {.answer = {"www.test. A 192.0.2.1", "www.test. A 192.0.2.2",
                             "www.test. RRSIG A 8 2 3600 20300101000000 20200101000000 1 test. "
                             "AAAA",
                             "www.test. RRSIG TXT 8 2 3600 20300101000000 20200101000000 1 test. "
                             "AAAA"},
                  .authority = {"test. NS ns.test."},
                  .additional = {"ns.test. A 192.0.2.53"}});
  EXPECT_THAT(r, IsKind(ResponseKind::kAnswer));
  EXPECT_TRUE(r.authoritative);
  EXPECT_THAT(Records(r.answer.get()),
              ElementsAre("www.test. A 192.0.2.1", "www.test. A 192.0.2.2",
                          "www.test. RRSIG A 8 2 3600 20300101000000 20200101000000 1 test. AAAA"));
  // Minimal responses: an answer's other sections are not used.
  EXPECT_THAT(Records(r.authority.get()), IsEmpty());
  EXPECT_THAT(Records(r.additional.get()), IsEmpty());
}

TEST(ResponseClassifierTest, OutOfBailiwickAnswerRecordIsDropped) {
  ClassifiedResponse r =
      Classify(kWwwTestA, {.answer = {"www.example. A 192.0.2.66", "www.test. A 192.0.2.1"},
                           .additional = {"www.example. A 192.0.2.66"}});
  EXPECT_THAT(r, IsKind(ResponseKind::kAnswer));
  EXPECT_THAT(Records(r.answer.get()), ElementsAre("www.test. A 192.0.2.1"));
}

TEST(ResponseClassifierTest, PoisonForAnotherZoneIsDroppedFromEverySection) {
  ClassifiedResponse r =
      Classify({"x.test.", LDNS_RR_TYPE_A, "test."},
               {.answer = {"www.example. A 192.0.2.66", "x.test. A 192.0.2.1"},
                .authority = {"example. NS ns.evil.", "test. NS ns.test."},
                .additional = {"ns.evil. A 192.0.2.66", "www.example. A 192.0.2.66"}});
  EXPECT_THAT(r, IsKind(ResponseKind::kAnswer));
  EXPECT_THAT(Records(r.answer.get()), ElementsAre("x.test. A 192.0.2.1"));
  EXPECT_THAT(Records(r.authority.get()), IsEmpty());
  EXPECT_THAT(Records(r.additional.get()), IsEmpty());
}

TEST(ResponseClassifierTest, PoisonAloneLeavesNothingToAnswerWith) {
  ClassifiedResponse r = Classify({"x.test.", LDNS_RR_TYPE_A, "test."},
                                  {.aa = false, .answer = {"www.example. A 192.0.2.66"}});
  EXPECT_THAT(r, IsKind(ResponseKind::kLame));
  ExpectNothingKept(r);
}

TEST(ResponseClassifierTest, UnsolicitedAnswerRecordsOffTheChainAreDropped) {
  ClassifiedResponse r =
      Classify(kWwwTestA, {.answer = {"other.test. A 192.0.2.9", "www.test. A 192.0.2.1",
                                      "www.test. TXT \"not asked\""}});
  EXPECT_THAT(r, IsKind(ResponseKind::kAnswer));
  EXPECT_THAT(Records(r.answer.get()), ElementsAre("www.test. A 192.0.2.1"));
}

TEST(ResponseClassifierTest, InZoneCnameChainIsKeptInChainOrder) {
  ClassifiedResponse r =
      Classify(kWwwTestA, {.answer = {"b.test. A 192.0.2.1", "a.test. CNAME b.test.",
                                      "www.test. CNAME a.test.", "unrelated.test. CNAME b.test."}});
  EXPECT_THAT(r, IsKind(ResponseKind::kAnswer));
  EXPECT_THAT(Records(r.answer.get()), ElementsAre("www.test. CNAME a.test.",
                                                   "a.test. CNAME b.test.", "b.test. A 192.0.2.1"));
}

TEST(ResponseClassifierTest, CnameLeavingTheZoneIsCut) {
  ClassifiedResponse r = Classify(
      kWwwTestA, {.answer = {"www.test. CNAME www.example.", "www.example. A 192.0.2.66"}});
  EXPECT_THAT(r, IsKind(ResponseKind::kCname));
  EXPECT_THAT(Records(r.answer.get()), ElementsAre("www.test. CNAME www.example."));
  EXPECT_EQ(ToString(r.next_name.get()), "www.example.");
}

TEST(ResponseClassifierTest, NxdomainForANameOutsideTheZoneIsNotBelieved) {
  ClassifiedResponse r = Classify(kWwwTestA, {.rcode = LDNS_RCODE_NXDOMAIN,
                                              .answer = {"www.test. CNAME www.example."},
                                              .authority = {"example. SOA a. b. 1 2 3 4 5"}});
  EXPECT_THAT(r, IsKind(ResponseKind::kCname));
  EXPECT_EQ(ToString(r.next_name.get()), "www.example.");
  EXPECT_THAT(Records(r.authority.get()), IsEmpty());
}

TEST(ResponseClassifierTest, CnameLoopEndsTheChainAtTheRepeatedName) {
  ClassifiedResponse r =
      Classify(kWwwTestA, {.answer = {"www.test. CNAME a.test.", "a.test. CNAME www.test."}});
  EXPECT_THAT(r, IsKind(ResponseKind::kCname));
  EXPECT_THAT(Records(r.answer.get()),
              ElementsAre("www.test. CNAME a.test.", "a.test. CNAME www.test."));
  EXPECT_EQ(ToString(r.next_name.get()), "www.test.");
}

TEST(ResponseClassifierTest, LongChainIsCutAtSixteenLinks) {
  std::vector<std::string> lines = {"www.test. CNAME c1.test."};
  for (int i = 1; i < 20; ++i) {
    lines.push_back("c" + std::to_string(i) + ".test. CNAME c" + std::to_string(i + 1) + ".test.");
  }
  lines.push_back("c20.test. A 192.0.2.1");
  std::vector<const char*> answer = {};
  for (const std::string& line : lines) answer.push_back(line.c_str());
  ClassifiedResponse r = Classify(kWwwTestA, {.answer = answer});
  EXPECT_THAT(r, IsKind(ResponseKind::kCname));
  EXPECT_EQ(ldns_rr_list_rr_count(r.answer.get()), 16u);
  EXPECT_EQ(ToString(r.next_name.get()), "c16.test.");
}

TEST(ResponseClassifierTest, QtypeCnameIsAnsweredByTheCnameItself) {
  ClassifiedResponse r = Classify({"www.test.", LDNS_RR_TYPE_CNAME, "test."},
                                  {.answer = {"www.test. CNAME a.test.", "a.test. A 192.0.2.1"}});
  EXPECT_THAT(r, IsKind(ResponseKind::kAnswer));
  EXPECT_THAT(Records(r.answer.get()), ElementsAre("www.test. CNAME a.test."));
}

TEST(ResponseClassifierTest, QtypeAnyTakesEveryRecordAtQname) {
  ClassifiedResponse r = Classify(
      {"www.test.", LDNS_RR_TYPE_ANY, "test."},
      {.answer = {"www.test. A 192.0.2.1", "www.test. TXT \"t\"", "other.test. A 192.0.2.2"}});
  EXPECT_THAT(r, IsKind(ResponseKind::kAnswer));
  EXPECT_THAT(Records(r.answer.get()), ElementsAre("www.test. A 192.0.2.1", "www.test. TXT \"t\""));
}

// --- DNAME (RFC 6672) ---

constexpr Query kDnameQuery{"www.a.test.", LDNS_RR_TYPE_A, "test."};

TEST(ResponseClassifierTest, DnameWithItsSynthesizedCname) {
  ClassifiedResponse r = Classify(
      kDnameQuery, {.answer = {"a.test. 600 DNAME b.test.", "www.a.test. 600 CNAME www.b.test.",
                               "www.b.test. A 192.0.2.1"}});
  EXPECT_THAT(r, IsKind(ResponseKind::kAnswer));
  EXPECT_THAT(Records(r.answer.get()),
              ElementsAre("a.test. DNAME b.test.", "www.a.test. CNAME www.b.test.",
                          "www.b.test. A 192.0.2.1"));
}

TEST(ResponseClassifierTest, DnameWithoutCnameIsSynthesizedWithTheDnameTtl) {
  ClassifiedResponse r =
      Classify(kDnameQuery, {.answer = {"a.test. 600 DNAME b.test.", "www.b.test. A 192.0.2.1"}});
  EXPECT_THAT(r, IsKind(ResponseKind::kAnswer));
  EXPECT_THAT(Records(r.answer.get()),
              ElementsAre("a.test. DNAME b.test.", "www.a.test. CNAME www.b.test.",
                          "www.b.test. A 192.0.2.1"));
  EXPECT_EQ(ldns_rr_ttl(ldns_rr_list_rr(r.answer.get(), 1)), 600u);
}

TEST(ResponseClassifierTest, DnameOverridesAWrongCname) {
  ClassifiedResponse r =
      Classify(kDnameQuery, {.answer = {"a.test. DNAME b.test.", "www.a.test. CNAME evil.test.",
                                        "evil.test. A 192.0.2.66", "www.b.test. A 192.0.2.1"}});
  EXPECT_THAT(r, IsKind(ResponseKind::kAnswer));
  EXPECT_THAT(Records(r.answer.get()),
              ElementsAre("a.test. DNAME b.test.", "www.a.test. CNAME www.b.test.",
                          "www.b.test. A 192.0.2.1"));
}

TEST(ResponseClassifierTest, DnameAnswersQtypeCnameWithTheSynthesizedCname) {
  ClassifiedResponse r = Classify({"www.a.test.", LDNS_RR_TYPE_CNAME, "test."},
                                  {.answer = {"a.test. DNAME b.test.", "www.b.test. A 192.0.2.1"}});
  EXPECT_THAT(r, IsKind(ResponseKind::kAnswer));
  EXPECT_THAT(Records(r.answer.get()),
              ElementsAre("a.test. DNAME b.test.", "www.a.test. CNAME www.b.test."));
}

TEST(ResponseClassifierTest, DnameOutOfTheZoneEndsTheChain) {
  ClassifiedResponse r =
      Classify(kDnameQuery, {.answer = {"a.test. DNAME example.", "www.a.test. CNAME www.example.",
                                        "www.example. A 192.0.2.66"}});
  EXPECT_THAT(r, IsKind(ResponseKind::kCname));
  EXPECT_THAT(Records(r.answer.get()),
              ElementsAre("a.test. DNAME example.", "www.a.test. CNAME www.example."));
  EXPECT_EQ(ToString(r.next_name.get()), "www.example.");
}

TEST(ResponseClassifierTest, DnameSubstitutionTooLongIsAServerError) {
  const std::string label(63, 'x');
  const std::string qname = label + "." + label + ".a.test.";
  const std::string target = label + "." + label + ".b.test.";
  const std::string dname = "a.test. DNAME " + target;
  ClassifiedResponse r =
      Classify({qname.c_str(), LDNS_RR_TYPE_A, "test."}, {.answer = {dname.c_str()}});
  EXPECT_THAT(r, IsKind(ResponseKind::kServerError));
  ExpectNothingKept(r);
}

// --- referrals ---

constexpr Query kSubQuery{"www.sub.test.", LDNS_RR_TYPE_A, "test."};

TEST(ResponseClassifierTest, ReferralWithInBailiwickGlue) {
  ClassifiedResponse r = Classify(
      kSubQuery, {.aa = false,
                  .authority = {"sub.test. NS ns1.sub.test.", "sub.test. NS ns2.other.test.",
                                "sub.test. DS 12345 8 2 "
                                "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
                  .additional = {"ns1.sub.test. A 192.0.2.1", "ns2.other.test. AAAA 2001:db8::2",
                                 "unrelated.test. A 192.0.2.9", "ns1.sub.test. TXT \"x\""}});
  EXPECT_THAT(r, IsKind(ResponseKind::kReferral));
  EXPECT_FALSE(r.authoritative);
  EXPECT_EQ(ToString(r.referral_zone.get()), "sub.test.");
  EXPECT_THAT(Records(r.answer.get()), IsEmpty());
  EXPECT_THAT(Records(r.authority.get()),
              ElementsAre("sub.test. NS ns1.sub.test.", "sub.test. NS ns2.other.test.",
                          "sub.test. DS 12345 8 2 "
                          "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
  EXPECT_THAT(Records(r.additional.get()),
              ElementsAre("ns1.sub.test. A 192.0.2.1", "ns2.other.test. AAAA 2001:db8::2"));
}

TEST(ResponseClassifierTest, ReferralWithOutOfBailiwickGlueIsGlueless) {
  ClassifiedResponse r = Classify(kSubQuery, {.aa = false,
                                              .authority = {"sub.test. NS ns.example."},
                                              .additional = {"ns.example. A 192.0.2.66"}});
  EXPECT_THAT(r, IsKind(ResponseKind::kReferral));
  EXPECT_THAT(Records(r.authority.get()), ElementsAre("sub.test. NS ns.example."));
  EXPECT_THAT(Records(r.additional.get()), IsEmpty());
  // Kept apart, for harden-glue: no, which may use it for this delegation only.
  EXPECT_THAT(Records(r.foreign_glue.get()), ElementsAre("ns.example. A 192.0.2.66"));
}

TEST(ResponseClassifierTest, ReferralFromTheRoot) {
  ClassifiedResponse r =
      Classify({"www.test.", LDNS_RR_TYPE_A, "."}, {.aa = false,
                                                    .authority = {"test. NS ns.nic.test."},
                                                    .additional = {"ns.nic.test. A 192.0.2.53"}});
  EXPECT_THAT(r, IsKind(ResponseKind::kReferral));
  EXPECT_EQ(ToString(r.referral_zone.get()), "test.");
  EXPECT_THAT(Records(r.additional.get()), ElementsAre("ns.nic.test. A 192.0.2.53"));
}

TEST(ResponseClassifierTest, ReferralTakesTheDeepestNsAboveQname) {
  ClassifiedResponse r =
      Classify({"www.a.sub.test.", LDNS_RR_TYPE_A, "test."},
               {.aa = false,
                .authority = {"sub.test. NS ns.sub.test.", "a.sub.test. NS ns.a.sub.test.",
                              "other.test. NS ns.other.test."},
                .additional = {"ns.sub.test. A 192.0.2.1", "ns.a.sub.test. A 192.0.2.2"}});
  EXPECT_THAT(r, IsKind(ResponseKind::kReferral));
  EXPECT_EQ(ToString(r.referral_zone.get()), "a.sub.test.");
  EXPECT_THAT(Records(r.authority.get()), ElementsAre("a.sub.test. NS ns.a.sub.test."));
  EXPECT_THAT(Records(r.additional.get()), ElementsAre("ns.a.sub.test. A 192.0.2.2"));
}

TEST(ResponseClassifierTest, ReferralToTheSameZoneIsLame) {
  ClassifiedResponse r = Classify(
      kSubQuery,
      {.aa = false, .authority = {"test. NS ns.test."}, .additional = {"ns.test. A 192.0.2.1"}});
  EXPECT_THAT(r, IsKind(ResponseKind::kLame));
  ExpectNothingKept(r);
}

TEST(ResponseClassifierTest, UpwardReferralIsLameEvenWithAa) {
  for (bool aa : {false, true}) {
    ClassifiedResponse r =
        Classify(kSubQuery, {.aa = aa,
                             .authority = {". NS a.root-servers.net."},
                             .additional = {"a.root-servers.net. A 198.41.0.4"}});
    EXPECT_THAT(r, IsKind(ResponseKind::kLame)) << "aa=" << aa;
    ExpectNothingKept(r);
  }
}

TEST(ResponseClassifierTest, SidewaysReferralIsLame) {
  ClassifiedResponse r =
      Classify(kSubQuery, {.aa = false, .authority = {"other.test. NS ns.other.test."}});
  EXPECT_THAT(r, IsKind(ResponseKind::kLame));
}

TEST(ResponseClassifierTest, ReferralToQnameForDsIsLame) {
  // The parent answers DS (RFC 4035 3.1.4.1); a referral to the child is the wrong side.
  ClassifiedResponse r = Classify({"sub.test.", LDNS_RR_TYPE_DS, "test."},
                                  {.aa = false, .authority = {"sub.test. NS ns.sub.test."}});
  EXPECT_THAT(r, IsKind(ResponseKind::kLame));
}

TEST(ResponseClassifierTest, ReferralWithAaIsStillAReferral) {
  // Some servers set AA on referrals; taking it for NODATA would cache a false negative.
  ClassifiedResponse r =
      Classify(kSubQuery, {.aa = true, .authority = {"sub.test. NS ns.example."}});
  EXPECT_THAT(r, IsKind(ResponseKind::kReferral));
  EXPECT_TRUE(r.authoritative);
}

TEST(ResponseClassifierTest, ReferralFromARecursiveServerIsStillAReferral) {
  ClassifiedResponse r =
      Classify(kSubQuery, {.aa = false, .ra = true, .authority = {"sub.test. NS ns.example."}});
  EXPECT_THAT(r, IsKind(ResponseKind::kReferral));
}

// --- negative answers ---

TEST(ResponseClassifierTest, NxdomainWithSoaAndProof) {
  ClassifiedResponse r = Classify(
      kWwwTestA,
      {.rcode = LDNS_RCODE_NXDOMAIN,
       .authority = {kTestSoa, "test. RRSIG SOA 8 1 300 20300101000000 20200101000000 1 test. AAAA",
                     "a.test. NSEC z.test. A", "test. NS ns.test."}});
  EXPECT_THAT(r, IsKind(ResponseKind::kNxdomain));
  EXPECT_THAT(Records(r.authority.get()),
              ElementsAre("test. SOA ns.test. admin.test. 1 3600 600 86400 300",
                          "test. RRSIG SOA 8 1 300 20300101000000 20200101000000 1 test. AAAA",
                          "a.test. NSEC z.test. A"));
}

TEST(ResponseClassifierTest, NxdomainWithOutOfBailiwickSoaKeepsNoSoa) {
  for (const char* soa : {". SOA a.root-servers.net. nstld. 1 2 3 4 5",
                          "other.test. SOA ns.other.test. admin.other.test. 1 2 3 4 5"}) {
    ClassifiedResponse r = Classify(kWwwTestA, {.rcode = LDNS_RCODE_NXDOMAIN, .authority = {soa}});
    EXPECT_THAT(r, IsKind(ResponseKind::kNxdomain)) << soa;
    ExpectNothingKept(r);
  }
}

TEST(ResponseClassifierTest, NxdomainAfterCnameChainSpeaksOfTheLastName) {
  // RFC 6604 3.
  ClassifiedResponse r = Classify(kWwwTestA, {.rcode = LDNS_RCODE_NXDOMAIN,
                                              .answer = {"www.test. CNAME gone.test."},
                                              .authority = {kTestSoa}});
  EXPECT_THAT(r, IsKind(ResponseKind::kNxdomain));
  EXPECT_THAT(Records(r.answer.get()), ElementsAre("www.test. CNAME gone.test."));
  EXPECT_THAT(Records(r.authority.get()), ElementsAre(::testing::StartsWith("test. SOA")));
  EXPECT_EQ(r.next_name, nullptr);
}

TEST(ResponseClassifierTest, NxdomainNextToTheAnswerContradictsItself) {
  ClassifiedResponse r = Classify(
      kWwwTestA,
      {.rcode = LDNS_RCODE_NXDOMAIN, .answer = {"www.test. A 192.0.2.1"}, .authority = {kTestSoa}});
  EXPECT_THAT(r, IsKind(ResponseKind::kServerError));
  ExpectNothingKept(r);
}

TEST(ResponseClassifierTest, NodataWithSoa) {
  ClassifiedResponse r = Classify(kWwwTestA, {.authority = {kTestSoa, "test. NS ns.test."}});
  EXPECT_THAT(r, IsKind(ResponseKind::kNodata));
  EXPECT_THAT(Records(r.authority.get()),
              ElementsAre("test. SOA ns.test. admin.test. 1 3600 600 86400 300"));
}

TEST(ResponseClassifierTest, NodataWithoutSoaNeedsAa) {
  ClassifiedResponse r = Classify(kWwwTestA, {.aa = true});
  EXPECT_THAT(r, IsKind(ResponseKind::kNodata));
  ExpectNothingKept(r);
  r = Classify(kWwwTestA, {.aa = true, .authority = {"test. NS ns.test."}});
  EXPECT_THAT(r, IsKind(ResponseKind::kNodata));
  EXPECT_THAT(Records(r.authority.get()), IsEmpty());
  r = Classify(kWwwTestA, {.aa = false});
  EXPECT_THAT(r, IsKind(ResponseKind::kLame));
}

TEST(ResponseClassifierTest, NodataAfterCnameNeedsTheTargetsSoa) {
  ClassifiedResponse r =
      Classify(kWwwTestA, {.answer = {"www.test. CNAME a.test."}, .authority = {kTestSoa}});
  EXPECT_THAT(r, IsKind(ResponseKind::kNodata));
  EXPECT_THAT(Records(r.answer.get()), ElementsAre("www.test. CNAME a.test."));
  EXPECT_EQ(ldns_rr_list_rr_count(r.authority.get()), 1u);
  // Without an SOA the server may just have stopped: the target is resolved afresh.
  r = Classify(kWwwTestA, {.answer = {"www.test. CNAME a.test."}});
  EXPECT_THAT(r, IsKind(ResponseKind::kCname));
  EXPECT_EQ(ToString(r.next_name.get()), "a.test.");
}

TEST(ResponseClassifierTest, RecursiveServersAnswerIsLame) {
  for (const Reply& reply :
       {Reply{.aa = false, .ra = true, .answer = {"www.test. A 192.0.2.1"}},
        Reply{.aa = false, .ra = true, .rcode = LDNS_RCODE_NXDOMAIN, .authority = {kTestSoa}}}) {
    ClassifiedResponse r = Classify(kWwwTestA, reply);
    EXPECT_THAT(r, IsKind(ResponseKind::kLame));
    ExpectNothingKept(r);
  }
  // Non-AA without RA: an authoritative server that does not set AA; the answer is kept.
  EXPECT_THAT(Classify(kWwwTestA, {.aa = false, .answer = {"www.test. A 192.0.2.1"}}),
              IsKind(ResponseKind::kAnswer));
}

// --- RCODEs ---

TEST(ResponseClassifierTest, ErrorRcodesKeepNothing) {
  const std::vector<const char*> answer = {"www.test. A 192.0.2.1"};
  for (ldns_pkt_rcode rcode :
       {LDNS_RCODE_SERVFAIL, LDNS_RCODE_REFUSED, LDNS_RCODE_NOTIMPL, LDNS_RCODE_YXDOMAIN}) {
    ClassifiedResponse r = Classify(kWwwTestA, {.rcode = rcode, .answer = answer});
    EXPECT_THAT(r, IsKind(ResponseKind::kServerError)) << rcode;
    ExpectNothingKept(r);
  }
  ClassifiedResponse r = Classify(kWwwTestA, {.rcode = LDNS_RCODE_FORMERR, .answer = answer});
  EXPECT_THAT(r, IsKind(ResponseKind::kFormerr));
  ExpectNothingKept(r);
}

TEST(ResponseClassifierTest, BadversIsHandledLikeFormerr) {
  ClassifiedResponse r = Classify(
      kWwwTestA, {.answer = {"www.test. A 192.0.2.1"}, .extended_rcode = 1});  // 1 << 4 | 0 = 16
  EXPECT_THAT(r, IsKind(ResponseKind::kFormerr));
  ExpectNothingKept(r);
}

// --- names and classes ---

TEST(ResponseClassifierTest, NamesCompareCaseInsensitively) {
  ClassifiedResponse r = Classify(
      {"WwW.TeSt.", LDNS_RR_TYPE_A, "TEST."},
      {.answer = {"www.TEST. CNAME A.test.", "a.TeSt. A 192.0.2.1", "WWW.EXAMPLE. A 192.0.2.66"},
       .round_trip = false});
  EXPECT_THAT(r, IsKind(ResponseKind::kAnswer));
  EXPECT_THAT(Records(r.answer.get()),
              ElementsAre("www.TEST. CNAME A.test.", "a.TeSt. A 192.0.2.1"));
  r = Classify({"www.SUB.test.", LDNS_RR_TYPE_A, "Test."},
               {.aa = false,
                .authority = {"sub.TEST. NS NS.sub.test."},
                .additional = {"ns.SUB.test. A 192.0.2.1"},
                .round_trip = false});
  EXPECT_THAT(r, IsKind(ResponseKind::kReferral));
  EXPECT_EQ(ToString(r.referral_zone.get()), "sub.TEST.");
  EXPECT_THAT(Records(r.additional.get()), ElementsAre("ns.SUB.test. A 192.0.2.1"));
}

TEST(ResponseClassifierTest, RecordsOfAnotherClassAreDropped) {
  ClassifiedResponse r =
      Classify({"www.test.", LDNS_RR_TYPE_TXT, "test."},
               {.answer = {"www.test. 3600 CH TXT \"chaos\"", "www.test. TXT \"in\""}});
  EXPECT_THAT(r, IsKind(ResponseKind::kAnswer));
  EXPECT_THAT(Records(r.answer.get()), ElementsAre("www.test. TXT \"in\""));
  r = Classify(kSubQuery, {.aa = false,
                           .authority = {"sub.test. 3600 CH NS ns.sub.test."},
                           .additional = {"ns.sub.test. A 192.0.2.1"}});
  EXPECT_THAT(r, IsKind(ResponseKind::kLame));
}

TEST(ResponseClassifierTest, UnsolicitedAdditionalRecordIsDropped) {
  ClassifiedResponse r =
      Classify(kSubQuery, {.aa = false,
                           .authority = {"sub.test. NS ns.sub.test."},
                           .additional = {"ns.sub.test. A 192.0.2.1", "mail.test. A 192.0.2.25",
                                          "www.example. A 192.0.2.66"}});
  EXPECT_THAT(r, IsKind(ResponseKind::kReferral));
  EXPECT_THAT(Records(r.additional.get()), ElementsAre("ns.sub.test. A 192.0.2.1"));
}

TEST(ResponseClassifierTest, QnameOutsideTheZoneIsNeverAnswered) {
  ClassifiedResponse r = Classify({"www.example.", LDNS_RR_TYPE_A, "test."},
                                  {.answer = {"www.example. A 192.0.2.66"}});
  EXPECT_THAT(r, IsKind(ResponseKind::kLame));
  ExpectNothingKept(r);
}

}  // namespace
}  // namespace rebound
