#include "resolver/wire/dnssec_records.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rebound {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kA[] = "www.example.test. 300 IN A 192.0.2.1";
constexpr char kRrsigOverA[] =
    "www.example.test. 300 IN RRSIG A 13 3 300 20300101000000 20200101000000 12345 "
    "example.test. dGVzdA==";
constexpr char kSoa[] =
    "example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 1 7200 900 1209600 300";
constexpr char kRrsigOverSoa[] =
    "example.test. 300 IN RRSIG SOA 13 2 300 20300101000000 20200101000000 12345 "
    "example.test. dGVzdA==";
constexpr char kNsec[] = "nw.example.test. 300 IN NSEC www.example.test. A RRSIG NSEC";
constexpr char kRrsigOverNsec[] =
    "nw.example.test. 300 IN RRSIG NSEC 13 3 300 20300101000000 20200101000000 12345 "
    "example.test. dGVzdA==";
constexpr char kNsec3[] =
    "2vptu5timamqttgl4luu9kg21e0aor3s.example.test. 300 IN NSEC3 1 0 0 - "
    "2vptu5timamqttgl4luu9kg21e0aor3t A RRSIG";
constexpr char kDnskey[] = "example.test. 300 IN DNSKEY 257 3 13 dGVzdA==";
constexpr char kRrsigOverDnskey[] =
    "example.test. 300 IN RRSIG DNSKEY 13 2 300 20300101000000 20200101000000 12345 "
    "example.test. dGVzdA==";
constexpr char kGlue[] = "ns1.example.test. 300 IN A 192.0.2.20";

struct Sections {
  std::vector<std::string> answer = {};
  std::vector<std::string> authority = {};
  std::vector<std::string> additional = {};
};

LdnsPktPtr Response(const Sections& sections) {
  LdnsPktPtr pkt(ldns_pkt_new());
  const auto push = [&](ldns_pkt_section section, const std::vector<std::string>& lines) {
    for (const std::string& line : lines) {
      ldns_rr* rr = nullptr;
      EXPECT_EQ(ldns_rr_new_frm_str(&rr, line.c_str(), 0, nullptr, nullptr), LDNS_STATUS_OK)
          << line;
      if (rr != nullptr) ldns_pkt_push_rr(pkt.get(), section, rr);
    }
  };
  push(LDNS_SECTION_ANSWER, sections.answer);
  push(LDNS_SECTION_AUTHORITY, sections.authority);
  push(LDNS_SECTION_ADDITIONAL, sections.additional);
  return pkt;
}

std::vector<ldns_rr_type> Types(const ldns_rr_list* section) {
  std::vector<ldns_rr_type> types;
  for (size_t i = 0; i < ldns_rr_list_rr_count(section); ++i) {
    types.push_back(ldns_rr_get_type(ldns_rr_list_rr(section, i)));
  }
  return types;
}

TEST(DnssecRecordsTest, RemovesSignaturesAndDenialsFromEverySectionAndRecounts) {
  LdnsPktPtr pkt = Response({.answer = {kRrsigOverA, kA},
                             .authority = {kSoa, kRrsigOverSoa, kNsec, kRrsigOverNsec, kNsec3},
                             .additional = {kGlue, kRrsigOverA}});
  RemoveUnrequestedDnssecRecords(*pkt, LDNS_RR_TYPE_A);
  EXPECT_THAT(Types(ldns_pkt_answer(pkt.get())), ElementsAre(LDNS_RR_TYPE_A));
  EXPECT_THAT(Types(ldns_pkt_authority(pkt.get())), ElementsAre(LDNS_RR_TYPE_SOA));
  EXPECT_THAT(Types(ldns_pkt_additional(pkt.get())), ElementsAre(LDNS_RR_TYPE_A));
  EXPECT_EQ(ldns_pkt_ancount(pkt.get()), 1);
  EXPECT_EQ(ldns_pkt_nscount(pkt.get()), 1);
  EXPECT_EQ(ldns_pkt_arcount(pkt.get()), 1);
}

TEST(DnssecRecordsTest, KeepsTheAnswersRecordsOfTheDnssecTypeAskedFor) {
  LdnsPktPtr rrsig = Response({.answer = {kRrsigOverA, kRrsigOverSoa}, .authority = {kSoa}});
  RemoveUnrequestedDnssecRecords(*rrsig, LDNS_RR_TYPE_RRSIG);
  EXPECT_THAT(Types(ldns_pkt_answer(rrsig.get())),
              ElementsAre(LDNS_RR_TYPE_RRSIG, LDNS_RR_TYPE_RRSIG));
  EXPECT_EQ(ldns_pkt_ancount(rrsig.get()), 2);

  // The NSEC asked for stays; the signature over it authenticates it and goes.
  LdnsPktPtr nsec = Response({.answer = {kNsec, kRrsigOverNsec}});
  RemoveUnrequestedDnssecRecords(*nsec, LDNS_RR_TYPE_NSEC);
  EXPECT_THAT(Types(ldns_pkt_answer(nsec.get())), ElementsAre(LDNS_RR_TYPE_NSEC));
}

TEST(DnssecRecordsTest, AskingForRrsigKeepsNoSignatureOutsideTheAnswer) {
  // NODATA for an RRSIG question: the SOA's signature in the authority section is not the data
  // that was asked for.
  LdnsPktPtr pkt = Response({.authority = {kSoa, kRrsigOverSoa, kNsec}});
  RemoveUnrequestedDnssecRecords(*pkt, LDNS_RR_TYPE_RRSIG);
  EXPECT_THAT(Types(ldns_pkt_answer(pkt.get())), IsEmpty());
  EXPECT_THAT(Types(ldns_pkt_authority(pkt.get())), ElementsAre(LDNS_RR_TYPE_SOA));
}

TEST(DnssecRecordsTest, DnskeyIsDataNotAnAuthenticatingRecord) {
  LdnsPktPtr pkt = Response({.answer = {kDnskey, kRrsigOverDnskey}});
  RemoveUnrequestedDnssecRecords(*pkt, LDNS_RR_TYPE_DNSKEY);
  EXPECT_THAT(Types(ldns_pkt_answer(pkt.get())), ElementsAre(LDNS_RR_TYPE_DNSKEY));
}

TEST(DnssecRecordsTest, ResponseWithoutDnssecRecordsIsUnchanged) {
  LdnsPktPtr pkt = Response({.answer = {kA}, .authority = {kSoa}, .additional = {kGlue}});
  RemoveUnrequestedDnssecRecords(*pkt, LDNS_RR_TYPE_A);
  EXPECT_THAT(Types(ldns_pkt_answer(pkt.get())), ElementsAre(LDNS_RR_TYPE_A));
  EXPECT_THAT(Types(ldns_pkt_authority(pkt.get())), ElementsAre(LDNS_RR_TYPE_SOA));
  EXPECT_THAT(Types(ldns_pkt_additional(pkt.get())), ElementsAre(LDNS_RR_TYPE_A));
}

}  // namespace
}  // namespace rebound
