// Validates the loopback hierarchy itself (make-hierarchy.sh + the fixture), through direct
// queries to each NSD and through the reference unbound, so that tests of rebound built on it
// can trust what it serves.
#include "tests/integration/fixture/hierarchy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <ldns/ldns.h>

#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/integration/fixture/dns_client.h"
#include "tests/integration/fixture/hierarchy_names.h"
#include "tests/integration/fixture/hierarchy_test_base.h"
#include "tests/integration/fixture/scripted_auth_server.h"

namespace rebound::integration {
namespace {

namespace n = names;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Ge;
using ::testing::IsEmpty;
using ::testing::Le;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;

class HierarchyTest : public HierarchyTestBase {
 protected:
  // Through the reference unbound (recursion desired).
  static absl::StatusOr<LdnsPktPtr> Resolve(absl::string_view name, ldns_rr_type type,
                                            QueryOptions options = {}) {
    return Query(ReferenceResolverEndpoint(), name, type, options);
  }
  // Straight to one NSD, no recursion.
  static absl::StatusOr<LdnsPktPtr> Ask(absl::string_view server, absl::string_view name,
                                        ldns_rr_type type, QueryOptions options = {}) {
    options.rd = false;
    return Query(EndpointAt(server), name, type, options);
  }
};

std::string S(absl::string_view v) { return std::string(v); }

// TTLs of the records of `type` in `section`.
std::vector<uint32_t> Ttls(const ldns_pkt* pkt, ldns_pkt_section section, ldns_rr_type type) {
  std::vector<uint32_t> out;
  const ldns_rr_list* list = section == LDNS_SECTION_ANSWER      ? ldns_pkt_answer(pkt)
                             : section == LDNS_SECTION_AUTHORITY ? ldns_pkt_authority(pkt)
                                                                 : ldns_pkt_additional(pkt);
  for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(list, i);
    if (ldns_rr_get_type(rr) == type) out.push_back(ldns_rr_ttl(rr));
  }
  return out;
}

// A negative answer: `rcode`, empty answer section, the zone's SOA in the authority section.
void ExpectNegative(const ldns_pkt* p, ldns_pkt_rcode rcode, absl::string_view zone) {
  EXPECT_EQ(ldns_pkt_get_rcode(p), rcode) << PacketToString(p);
  EXPECT_EQ(ldns_pkt_ancount(p), 0) << PacketToString(p);
  EXPECT_THAT(RdataStrings(p, LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_SOA, zone), SizeIs(1))
      << PacketToString(p);
}

// ---- Each server on its own -----------------------------------------------------------------

TEST_F(HierarchyTest, HeaderListsExactlyTheInstancesTheScriptWrote) {
  std::vector<std::string> from_header;
  for (const n::NsdInstance& instance : n::kNsdInstances)
    from_header.push_back(S(instance.instance));
  EXPECT_EQ(hierarchy().instance_names(), from_header);
  std::vector<std::string> recursors;
  for (const n::NsdInstance& recursor : n::kRecursors) recursors.push_back(S(recursor.instance));
  EXPECT_EQ(hierarchy().recursor_names(), recursors);
}

TEST_F(HierarchyTest, EveryInstanceIsAuthoritativeForItsZoneAndIdentifiesItself) {
  for (const n::NsdInstance& instance : n::kNsdInstances) {
    SCOPED_TRACE(instance.instance);
    auto soa = Ask(instance.address, instance.zone, LDNS_RR_TYPE_SOA);
    ASSERT_TRUE(soa.ok()) << soa.status();
    EXPECT_EQ(ldns_pkt_get_rcode(soa->get()), LDNS_RCODE_NOERROR);
    EXPECT_TRUE(ldns_pkt_aa(soa->get()));
    EXPECT_THAT(RdataStrings(soa->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_SOA, instance.zone),
                SizeIs(1))
        << PacketToString(soa->get());

    QueryOptions chaos;
    chaos.qclass = LDNS_RR_CLASS_CH;
    auto id = Ask(instance.address, "id.server.", LDNS_RR_TYPE_TXT, chaos);
    ASSERT_TRUE(id.ok()) << id.status();
    EXPECT_THAT(RdataStrings(id->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_TXT),
                ElementsAre(absl::StrCat("\"", instance.instance, "\"")));
  }
}

TEST_F(HierarchyTest, SecondRootAddressIsTheSameServer) {
  auto soa = Ask(n::kRootServer2, ".", LDNS_RR_TYPE_SOA);
  ASSERT_TRUE(soa.ok()) << soa.status();
  EXPECT_TRUE(ldns_pkt_aa(soa->get()));
  EXPECT_THAT(RdataStrings(soa->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_SOA, "."), SizeIs(1));
}

TEST_F(HierarchyTest, ServerRefusesZonesItDoesNotServe) {
  auto reply = Ask(n::kAlphaServer, n::kBetaWww, LDNS_RR_TYPE_A);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(ldns_pkt_get_rcode(reply->get()), LDNS_RCODE_REFUSED) << PacketToString(reply->get());
}

TEST_F(HierarchyTest, RootRefersTldNamesWithGlue) {
  for (absl::string_view root : {n::kRootServer1, n::kRootServer2}) {
    auto reply = Ask(root, n::kV4Only, LDNS_RR_TYPE_A);
    ASSERT_TRUE(reply.ok()) << reply.status();
    const ldns_pkt* p = reply->get();
    EXPECT_EQ(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR) << PacketToString(p);
    EXPECT_FALSE(ldns_pkt_aa(p));
    EXPECT_EQ(ldns_pkt_ancount(p), 0);
    EXPECT_THAT(RdataStrings(p, LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_NS, "test."),
                ElementsAre("ns1.nic.test."));
    EXPECT_THAT(RdataStrings(p, LDNS_SECTION_ADDITIONAL, LDNS_RR_TYPE_A, "ns1.nic.test."),
                ElementsAre(S(n::kTestTldServer)));
  }
  auto example = Ask(n::kRootServer1, n::kBetaWww, LDNS_RR_TYPE_A);
  ASSERT_TRUE(example.ok()) << example.status();
  EXPECT_THAT(RdataStrings(example->get(), LDNS_SECTION_ADDITIONAL, LDNS_RR_TYPE_A),
              ElementsAre(S(n::kExampleTldServer)));
}

TEST_F(HierarchyTest, TldDelegationsHaveGlueExceptTheGluelessOne) {
  auto alpha = Ask(n::kTestTldServer, n::kV4Only, LDNS_RR_TYPE_A);
  ASSERT_TRUE(alpha.ok()) << alpha.status();
  EXPECT_THAT(RdataStrings(alpha->get(), LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_NS, n::kAlphaZone),
              ElementsAre("ns1.alpha.test."));
  EXPECT_THAT(RdataStrings(alpha->get(), LDNS_SECTION_ADDITIONAL, LDNS_RR_TYPE_A),
              ElementsAre(S(n::kAlphaServer)));

  auto glueless = Ask(n::kTestTldServer, n::kGluelessWww, LDNS_RR_TYPE_A);
  ASSERT_TRUE(glueless.ok()) << glueless.status();
  EXPECT_THAT(
      RdataStrings(glueless->get(), LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_NS, n::kGluelessZone),
      ElementsAre(S(n::kGluelessNs)));
  EXPECT_THAT(RdataStrings(glueless->get(), LDNS_SECTION_ADDITIONAL, LDNS_RR_TYPE_A), IsEmpty());

  auto halfdead = Ask(n::kTestTldServer, n::kHalfdeadWww, LDNS_RR_TYPE_A);
  ASSERT_TRUE(halfdead.ok()) << halfdead.status();
  EXPECT_THAT(RdataStrings(halfdead->get(), LDNS_SECTION_ADDITIONAL, LDNS_RR_TYPE_A),
              UnorderedElementsAre(S(n::kHalfdeadLiveServer), S(n::kHalfdeadDeadServer)));
  auto alldead = Ask(n::kTestTldServer, n::kAlldeadWww, LDNS_RR_TYPE_A);
  ASSERT_TRUE(alldead.ok()) << alldead.status();
  EXPECT_THAT(RdataStrings(alldead->get(), LDNS_SECTION_ADDITIONAL, LDNS_RR_TYPE_A),
              UnorderedElementsAre(S(n::kAlldeadServer1), S(n::kAlldeadServer2)));
}

TEST_F(HierarchyTest, LimitDelegationsAreReferredAsDocumented) {
  // NXNSAttack shape: twenty NS names in another TLD, so no glue.
  auto nxns = Ask(n::kTestTldServer, n::kNxnsWww, LDNS_RR_TYPE_A);
  ASSERT_TRUE(nxns.ok()) << nxns.status();
  std::vector<std::string> nxns_names;
  for (int i = 1; i <= n::kNxnsNsCount; ++i) nxns_names.push_back(n::NxnsNsName(i));
  EXPECT_THAT(RdataStrings(nxns->get(), LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_NS, n::kNxnsZone),
              ::testing::UnorderedElementsAreArray(nxns_names))
      << PacketToString(nxns->get());
  EXPECT_THAT(RdataStrings(nxns->get(), LDNS_SECTION_ADDITIONAL, LDNS_RR_TYPE_A), IsEmpty());

  // Delegation loop: each zone's server is named in the other, neither has glue.
  for (auto [zone, ns] : {std::pair{n::kDelegationLoop1Zone, n::kDelegationLoop1Ns},
                          std::pair{n::kDelegationLoop2Zone, n::kDelegationLoop2Ns}}) {
    auto reply = Ask(n::kTestTldServer, absl::StrCat("www.", zone), LDNS_RR_TYPE_A);
    ASSERT_TRUE(reply.ok()) << reply.status();
    EXPECT_THAT(RdataStrings(reply->get(), LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_NS, zone),
                ElementsAre(S(ns)))
        << PacketToString(reply->get());
    EXPECT_THAT(RdataStrings(reply->get(), LDNS_SECTION_ADDITIONAL, LDNS_RR_TYPE_A), IsEmpty());
  }

  // Black holes and the zones the test process plays: glue as documented.
  const std::pair<absl::string_view, std::vector<std::string>> glued[] = {
      {n::kBlackholeZone, {S(n::kBlackholeServer)}},
      {n::kHalfblackZone, {S(n::kHalfblackHoleServer), S(n::kHalfblackLiveServer)}},
      {n::kScriptedZone, {S(n::kScriptedServer)}},
      {n::kRefusedZone, {S(n::kRefusedBadServer), S(n::kRefusedGoodServer)}},
      {n::kServfailZone, {S(n::kServfailBadServer), S(n::kServfailGoodServer)}},
  };
  for (const auto& [zone, addresses] : glued) {
    SCOPED_TRACE(zone);
    auto reply = Ask(n::kTestTldServer, absl::StrCat("www.", zone), LDNS_RR_TYPE_A);
    ASSERT_TRUE(reply.ok()) << reply.status();
    EXPECT_THAT(RdataStrings(reply->get(), LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_NS, zone),
                SizeIs(addresses.size()));
    EXPECT_THAT(RdataStrings(reply->get(), LDNS_SECTION_ADDITIONAL, LDNS_RR_TYPE_A),
                ::testing::UnorderedElementsAreArray(addresses))
        << PacketToString(reply->get());
  }
  auto scripted_ns = Ask(n::kTestTldServer, n::kScriptedZone, LDNS_RR_TYPE_NS);
  ASSERT_TRUE(scripted_ns.ok()) << scripted_ns.status();
  EXPECT_THAT(
      RdataStrings(scripted_ns->get(), LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_NS, n::kScriptedZone),
      ElementsAre(S(n::kScriptedNs)));
}

TEST_F(HierarchyTest, NxnsServerNamesAreEachNxdomain) {
  for (int i = 1; i <= n::kNxnsNsCount; ++i) {
    auto reply = Ask(n::kExampleTldServer, n::NxnsNsName(i), LDNS_RR_TYPE_A);
    ASSERT_TRUE(reply.ok()) << reply.status();
    ExpectNegative(reply->get(), LDNS_RCODE_NXDOMAIN, "example.");
  }
}

TEST_F(HierarchyTest, LongChainIsOneLinkPerAnswerAlternatingZones) {
  for (int i = 1; i <= n::kLongChainLinks; ++i) {
    SCOPED_TRACE(n::LongChainLink(i));
    const absl::string_view server = i % 2 == 1 ? n::kAlphaServer : n::kGammaServer;
    auto reply = Ask(server, n::LongChainLink(i), LDNS_RR_TYPE_A);
    ASSERT_TRUE(reply.ok()) << reply.status();
    const std::string target =
        i < n::kLongChainLinks ? n::LongChainLink(i + 1) : std::string(n::kV4Only);
    EXPECT_THAT(RdataStrings(reply->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_CNAME),
                ElementsAre(target));
    EXPECT_THAT(RdataStrings(reply->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A), IsEmpty());
  }
  EXPECT_EQ(n::LongChainLink(1), n::kLongChainStart);
  EXPECT_EQ(n::LongChainLink(n::kLongChainLinks - n::kLongChainShortTailLinks + 1),
            n::kLongChainShortTail);
}

TEST_F(HierarchyTest, HalfblackLiveServerAnswersEveryName) {
  for (absl::string_view name : {"www.halfblack.test.", "anything.halfblack.test."}) {
    auto reply = Ask(n::kHalfblackLiveServer, name, LDNS_RR_TYPE_A);
    ASSERT_TRUE(reply.ok()) << reply.status();
    EXPECT_THAT(RdataStrings(reply->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A, name),
                ElementsAre(S(n::kHalfblackWildcardA)));
  }
}

TEST_F(HierarchyTest, DeadAddressesHaveNothingListening) {
  // The black holes and the test-played servers too: only a test that binds them makes them
  // anything else.
  for (absl::string_view dead :
       {n::kHalfdeadDeadServer, n::kAlldeadServer1, n::kAlldeadServer2, n::kBlackholeServer,
        n::kHalfblackHoleServer, n::kScriptedServer, n::kRefusedBadServer, n::kRefusedGoodServer,
        n::kServfailBadServer, n::kServfailGoodServer, n::kMovedChildAddress}) {
    QueryOptions options;
    options.timeout = absl::Milliseconds(500);
    auto udp = Ask(dead, n::kHalfdeadWww, LDNS_RR_TYPE_A, options);
    EXPECT_TRUE(absl::IsUnavailable(udp.status())) << dead << ": " << udp.status();
    options.tcp = true;
    auto tcp = Ask(dead, n::kHalfdeadWww, LDNS_RR_TYPE_A, options);
    EXPECT_TRUE(absl::IsUnavailable(tcp.status())) << dead << ": " << tcp.status();
  }
}

TEST_F(HierarchyTest, NsdAnswersInZoneChainWithExactTtls) {
  auto reply = Ask(n::kAlphaServer, n::kChain1, LDNS_RR_TYPE_A);
  ASSERT_TRUE(reply.ok()) << reply.status();
  const ldns_pkt* p = reply->get();
  EXPECT_THAT(RdataStrings(p, LDNS_SECTION_ANSWER, LDNS_RR_TYPE_CNAME),
              ElementsAre(S(n::kChain2), S(n::kChain3), S(n::kV4Only)));
  EXPECT_THAT(Ttls(p, LDNS_SECTION_ANSWER, LDNS_RR_TYPE_CNAME),
              ElementsAre(n::kChain1Ttl, n::kChain2Ttl, n::kChain3Ttl));
  EXPECT_THAT(RdataStrings(p, LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A, n::kV4Only),
              ElementsAre(S(n::kV4OnlyA)));
  EXPECT_THAT(Ttls(p, LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A), ElementsAre(n::kAlphaTtl));
}

TEST_F(HierarchyTest, NsdNegativeAnswersCarryTheZonesNegativeTtl) {
  auto nx = Ask(n::kAlphaServer, n::kNxdomain, LDNS_RR_TYPE_A);
  ASSERT_TRUE(nx.ok()) << nx.status();
  ExpectNegative(nx->get(), LDNS_RCODE_NXDOMAIN, n::kAlphaZone);
  EXPECT_THAT(Ttls(nx->get(), LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_SOA),
              ElementsAre(n::kAlphaNegativeTtl));

  auto nodata = Ask(n::kBetaServer, n::kBetaWww, LDNS_RR_TYPE_AAAA);
  ASSERT_TRUE(nodata.ok()) << nodata.status();
  ExpectNegative(nodata->get(), LDNS_RCODE_NOERROR, n::kBetaZone);
  EXPECT_THAT(Ttls(nodata->get(), LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_SOA),
              ElementsAre(n::kBetaNegativeTtl));

  auto tld = Ask(n::kRootServer1, n::kNoSuchTld, LDNS_RR_TYPE_A);
  ASSERT_TRUE(tld.ok()) << tld.status();
  ExpectNegative(tld->get(), LDNS_RCODE_NXDOMAIN, ".");
  EXPECT_THAT(Ttls(tld->get(), LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_SOA),
              ElementsAre(n::kRootNegativeTtl));
}

TEST_F(HierarchyTest, NsdAnswersTheCnameLoopWithBothLinks) {
  auto reply = Ask(n::kAlphaServer, n::kLoop1, LDNS_RR_TYPE_A);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(ldns_pkt_get_rcode(reply->get()), LDNS_RCODE_NOERROR);
  EXPECT_THAT(RdataStrings(reply->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_CNAME),
              ElementsAre(S(n::kLoop2), S(n::kLoop1)))
      << PacketToString(reply->get());
}

TEST_F(HierarchyTest, BigRrsetTruncatesOverUdpAndIsCompleteOverTcp) {
  for (absl::string_view server : {n::kAlphaServer, n::kReferenceResolver}) {
    SCOPED_TRACE(server);
    QueryOptions options;
    options.rd = server == n::kReferenceResolver;
    options.udp_size = 1232;
    for (auto [name, type, count] : {std::tuple{n::kBigA, LDNS_RR_TYPE_A, n::kBigACount},
                                     std::tuple{n::kBigTxt, LDNS_RR_TYPE_TXT, n::kBigTxtCount}}) {
      SCOPED_TRACE(name);
      options.tcp = false;
      auto udp = Query(EndpointAt(server), name, type, options);
      ASSERT_TRUE(udp.ok()) << udp.status();
      EXPECT_TRUE(ldns_pkt_tc(udp->get())) << PacketToString(udp->get());
      options.tcp = true;
      auto tcp = Query(EndpointAt(server), name, type, options);
      ASSERT_TRUE(tcp.ok()) << tcp.status();
      EXPECT_FALSE(ldns_pkt_tc(tcp->get()));
      EXPECT_THAT(RdataStrings(tcp->get(), LDNS_SECTION_ANSWER, type, name), SizeIs(count));
    }
  }
  // A larger buffer takes the whole set over UDP.
  QueryOptions large;
  large.udp_size = 4096;
  auto reply = Resolve(n::kBigA, LDNS_RR_TYPE_A, large);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_FALSE(ldns_pkt_tc(reply->get()));
  EXPECT_THAT(RdataStrings(reply->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
              AllOf(SizeIs(n::kBigACount), Contains("198.51.100.1"), Contains("198.51.100.100")));
}

TEST_F(HierarchyTest, QueryWithoutEdnsGetsNoOptAndTruncatesAt512) {
  QueryOptions options;
  options.edns = false;
  auto small = Ask(n::kAlphaServer, n::kV4Only, LDNS_RR_TYPE_A, options);
  ASSERT_TRUE(small.ok()) << small.status();
  EXPECT_FALSE(ldns_pkt_edns(small->get())) << PacketToString(small->get());
  auto big = Ask(n::kAlphaServer, n::kBigA, LDNS_RR_TYPE_A, options);
  ASSERT_TRUE(big.ok()) << big.status();
  EXPECT_TRUE(ldns_pkt_tc(big->get()));
}

TEST_F(HierarchyTest, SendRawExchangesUnparsedMessagesOverUdpAndTcp) {
  // Hand-made query: ID 0x1234, no flags, one question "alpha.test. SOA IN".
  const std::vector<uint8_t> query = {0x12, 0x34, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
                                      0x00, 0x00, 5,    'a',  'l',  'p',  'h',  'a',  4,    't',
                                      'e',  's',  't',  0,    0x00, 0x06, 0x00, 0x01};
  for (bool tcp : {false, true}) {
    auto reply = SendRaw(EndpointAt(n::kAlphaServer), query, tcp);
    ASSERT_TRUE(reply.ok()) << reply.status();
    ASSERT_GE(reply->size(), 12u);
    EXPECT_EQ((*reply)[0], 0x12);
    EXPECT_EQ((*reply)[1], 0x34);
    EXPECT_EQ((*reply)[3] & 0x0f, LDNS_RCODE_NOERROR);
  }
  // A datagram too short to be a header is dropped: the client reports the timeout.
  auto dropped =
      SendRaw(EndpointAt(n::kAlphaServer), {0x12, 0x34, 0x00}, false, absl::Milliseconds(300));
  EXPECT_TRUE(absl::IsDeadlineExceeded(dropped.status())) << dropped.status();
}

// ---- Through the reference unbound --------------------------------------------------------

TEST_F(HierarchyTest, ResolvesAddressShapes) {
  struct Case {
    absl::string_view name;
    ldns_rr_type type;
    absl::string_view rdata;  // "" for NODATA
  };
  const Case cases[] = {
      {n::kV4Only, LDNS_RR_TYPE_A, n::kV4OnlyA},
      {n::kV4Only, LDNS_RR_TYPE_AAAA, ""},
      {n::kDualStack, LDNS_RR_TYPE_A, n::kDualStackA},
      {n::kDualStack, LDNS_RR_TYPE_AAAA, n::kDualStackAaaa},
      {n::kV6Only, LDNS_RR_TYPE_AAAA, n::kV6OnlyAaaa},
      {n::kV6Only, LDNS_RR_TYPE_A, ""},
      {n::kMapped, LDNS_RR_TYPE_A, n::kMappedA},
      {n::kMapped, LDNS_RR_TYPE_AAAA, n::kMappedAaaa},
      {n::kPrivate10, LDNS_RR_TYPE_A, n::kPrivate10A},
      {n::kPrivate10, LDNS_RR_TYPE_AAAA, ""},
      {n::kPrivate192, LDNS_RR_TYPE_A, n::kPrivate192A},
      {n::kPrivate6, LDNS_RR_TYPE_AAAA, n::kPrivate6Aaaa},
      {n::kLanHost, LDNS_RR_TYPE_A, n::kLanHostA},
      {n::kLanHost, LDNS_RR_TYPE_AAAA, n::kLanHostAaaa},
      {n::kBelowEmptyNonTerminal, LDNS_RR_TYPE_A, "5.6.7.12"},
      {n::kBetaWww, LDNS_RR_TYPE_A, n::kBetaWwwA},
      {n::kV4nsWww, LDNS_RR_TYPE_A, n::kV4nsWwwA},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrCat(c.name, " type ", c.type));
    auto reply = Resolve(c.name, c.type);
    ASSERT_TRUE(reply.ok()) << reply.status();
    const ldns_pkt* p = reply->get();
    EXPECT_EQ(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR) << PacketToString(p);
    if (c.rdata.empty()) {
      ExpectNegative(p, LDNS_RCODE_NOERROR, "");
    } else {
      EXPECT_THAT(RdataStrings(p, LDNS_SECTION_ANSWER, c.type, c.name), ElementsAre(S(c.rdata)))
          << PacketToString(p);
    }
  }
}

TEST_F(HierarchyTest, V4OnlyAuthorityHasNoAaaa) {
  auto reply = Resolve(n::kV4nsNs, LDNS_RR_TYPE_AAAA);
  ASSERT_TRUE(reply.ok()) << reply.status();
  ExpectNegative(reply->get(), LDNS_RCODE_NOERROR, n::kV4nsZone);
}

TEST_F(HierarchyTest, ResolvesInZoneCnameChainWithEveryLink) {
  auto reply = Resolve(n::kChain1, LDNS_RR_TYPE_A);
  ASSERT_TRUE(reply.ok()) << reply.status();
  const ldns_pkt* p = reply->get();
  EXPECT_EQ(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
  EXPECT_THAT(RdataStrings(p, LDNS_SECTION_ANSWER, LDNS_RR_TYPE_CNAME, n::kChain1),
              ElementsAre(S(n::kChain2)));
  EXPECT_THAT(RdataStrings(p, LDNS_SECTION_ANSWER, LDNS_RR_TYPE_CNAME, n::kChain2),
              ElementsAre(S(n::kChain3)));
  EXPECT_THAT(RdataStrings(p, LDNS_SECTION_ANSWER, LDNS_RR_TYPE_CNAME, n::kChain3),
              ElementsAre(S(n::kV4Only)));
  EXPECT_THAT(RdataStrings(p, LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A, n::kV4Only),
              ElementsAre(S(n::kV4OnlyA)));
}

TEST_F(HierarchyTest, ResolvesCnameChainAcrossZonesAndTlds) {
  auto reply = Resolve(n::kCross, LDNS_RR_TYPE_A);
  ASSERT_TRUE(reply.ok()) << reply.status();
  const ldns_pkt* p = reply->get();
  EXPECT_EQ(ldns_pkt_get_rcode(p), LDNS_RCODE_NOERROR);
  EXPECT_THAT(RdataStrings(p, LDNS_SECTION_ANSWER, LDNS_RR_TYPE_CNAME, n::kCross),
              ElementsAre(S(n::kCrossMid)));
  EXPECT_THAT(RdataStrings(p, LDNS_SECTION_ANSWER, LDNS_RR_TYPE_CNAME, n::kCrossMid),
              ElementsAre(S(n::kCrossEnd)));
  EXPECT_THAT(RdataStrings(p, LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A, n::kCrossEnd),
              ElementsAre(S(n::kCrossEndA)));
  // An A-only name at the end: no AAAA anywhere in the chain.
  auto aaaa = Resolve(n::kCross, LDNS_RR_TYPE_AAAA);
  ASSERT_TRUE(aaaa.ok()) << aaaa.status();
  EXPECT_THAT(RdataStrings(aaaa->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_AAAA), IsEmpty());
  EXPECT_THAT(RdataStrings(aaaa->get(), LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_SOA, n::kGammaZone),
              SizeIs(1))
      << PacketToString(aaaa->get());
}

TEST_F(HierarchyTest, NxdomainCarriesSoaWithNegativeTtl) {
  auto reply = Resolve(n::kNxdomain, LDNS_RR_TYPE_A);
  ASSERT_TRUE(reply.ok()) << reply.status();
  ExpectNegative(reply->get(), LDNS_RCODE_NXDOMAIN, n::kAlphaZone);
  // unbound counts the TTL down from the zone's negative TTL.
  EXPECT_THAT(Ttls(reply->get(), LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_SOA),
              ElementsAre(AllOf(Le(n::kAlphaNegativeTtl), Ge(n::kAlphaNegativeTtl - 10))));

  auto tld = Resolve(n::kNoSuchTld, LDNS_RR_TYPE_A);
  ASSERT_TRUE(tld.ok()) << tld.status();
  ExpectNegative(tld->get(), LDNS_RCODE_NXDOMAIN, ".");
}

TEST_F(HierarchyTest, TxtOnlyNameAndEmptyNonTerminalAreNodata) {
  for (ldns_rr_type type : {LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA}) {
    auto reply = Resolve(n::kNodata, type);
    ASSERT_TRUE(reply.ok()) << reply.status();
    ExpectNegative(reply->get(), LDNS_RCODE_NOERROR, n::kAlphaZone);
  }
  auto txt = Resolve(n::kNodata, LDNS_RR_TYPE_TXT);
  ASSERT_TRUE(txt.ok()) << txt.status();
  EXPECT_THAT(RdataStrings(txt->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_TXT),
              ElementsAre(absl::StrCat("\"", n::kNodataTxt, "\"")));
  auto ent = Resolve(n::kEmptyNonTerminal, LDNS_RR_TYPE_A);
  ASSERT_TRUE(ent.ok()) << ent.status();
  ExpectNegative(ent->get(), LDNS_RCODE_NOERROR, n::kAlphaZone);
}

TEST_F(HierarchyTest, ResolvesMxAndTxt) {
  auto mx = Resolve(n::kMxOwner, LDNS_RR_TYPE_MX);
  ASSERT_TRUE(mx.ok()) << mx.status();
  EXPECT_THAT(RdataStrings(mx->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_MX, n::kMxOwner),
              ElementsAre(absl::StrCat(n::kMxPreference, " ", n::kMxExchange)));
  auto exchange = Resolve(n::kMxExchange, LDNS_RR_TYPE_A);
  ASSERT_TRUE(exchange.ok()) << exchange.status();
  EXPECT_THAT(RdataStrings(exchange->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
              ElementsAre(S(n::kMxExchangeA)));

  auto txt = Resolve(n::kTxt, LDNS_RR_TYPE_TXT);
  ASSERT_TRUE(txt.ok()) << txt.status();
  EXPECT_THAT(RdataStrings(txt->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_TXT, n::kTxt),
              ElementsAre(absl::StrCat("\"", n::kTxtString1, "\" \"", n::kTxtString2, "\"")));
}

TEST_F(HierarchyTest, RootDelegatesTheReverseZoneAndNothingElseUnderArpa) {
  // The root refers 5.in-addr.arpa. with glue; in-addr.arpa. itself is an empty non-terminal.
  auto referral = Ask(n::kRootServer1, n::kV4OnlyReverse, LDNS_RR_TYPE_PTR);
  ASSERT_TRUE(referral.ok()) << referral.status();
  EXPECT_THAT(
      RdataStrings(referral->get(), LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_NS, n::kReverseZone),
      ElementsAre("ns1.5.in-addr.arpa."))
      << PacketToString(referral->get());
  EXPECT_THAT(RdataStrings(referral->get(), LDNS_SECTION_ADDITIONAL, LDNS_RR_TYPE_A),
              ElementsAre(S(n::kReverseServer)));
  auto ent = Ask(n::kRootServer1, "in-addr.arpa.", LDNS_RR_TYPE_NS);
  ASSERT_TRUE(ent.ok()) << ent.status();
  ExpectNegative(ent->get(), LDNS_RCODE_NOERROR, ".");

  auto ptr = Resolve(n::kV4OnlyReverse, LDNS_RR_TYPE_PTR);
  ASSERT_TRUE(ptr.ok()) << ptr.status();
  EXPECT_THAT(RdataStrings(ptr->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_PTR, n::kV4OnlyReverse),
              ElementsAre(S(n::kV4OnlyReversePtr)))
      << PacketToString(ptr->get());
  EXPECT_THAT(Ttls(ptr->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_PTR),
              ElementsAre(Le(n::kReverseTtl)));
  auto nodata = Resolve(n::kV4OnlyReverse, LDNS_RR_TYPE_A);
  ASSERT_TRUE(nodata.ok()) << nodata.status();
  ExpectNegative(nodata->get(), LDNS_RCODE_NOERROR, n::kReverseZone);
  EXPECT_THAT(Ttls(nodata->get(), LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_SOA),
              ElementsAre(Le(n::kReverseNegativeTtl)));

  // Every other reverse name, IPv4 or IPv6, is NXDOMAIN from the root.
  for (absl::string_view name :
       {n::kUndelegatedReverse,
        absl::string_view(
            "8.0.7.0.6.0.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.b.9.f.f.4.6.0.0.ip6.arpa.")}) {
    SCOPED_TRACE(name);
    auto nx = Resolve(name, LDNS_RR_TYPE_PTR);
    ASSERT_TRUE(nx.ok()) << nx.status();
    ExpectNegative(nx->get(), LDNS_RCODE_NXDOMAIN, ".");
  }
}

TEST_F(HierarchyTest, ResolvesThroughGluelessDelegation) {
  auto reply = Resolve(n::kGluelessWww, LDNS_RR_TYPE_A);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_THAT(RdataStrings(reply->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A, n::kGluelessWww),
              ElementsAre(S(n::kGluelessWwwA)))
      << PacketToString(reply->get());
}

TEST_F(HierarchyTest, ResolvesWhenOneOfTwoServersIsDead) {
  auto reply = Resolve(n::kHalfdeadWww, LDNS_RR_TYPE_A);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_THAT(RdataStrings(reply->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A, n::kHalfdeadWww),
              ElementsAre(S(n::kHalfdeadWwwA)))
      << PacketToString(reply->get());
}

TEST_F(HierarchyTest, AllServersDeadIsServfail) {
  QueryOptions options;
  // The hierarchy's unbound.conf caps its retry timeout so this takes ~1.5 s, not a minute.
  options.timeout = absl::Seconds(10);
  auto reply = Resolve(n::kAlldeadWww, LDNS_RR_TYPE_A, options);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(ldns_pkt_get_rcode(reply->get()), LDNS_RCODE_SERVFAIL) << PacketToString(reply->get());
}

TEST_F(HierarchyTest, CnameLoopIsServfailFromUnbound) {
  // Recorded behaviour of unbound 1.17: it follows the loop up to its restart limit and answers
  // SERVFAIL with an empty answer section (it does not return the loop's CNAMEs).
  auto reply = Resolve(n::kLoop1, LDNS_RR_TYPE_A);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(ldns_pkt_get_rcode(reply->get()), LDNS_RCODE_SERVFAIL) << PacketToString(reply->get());
  EXPECT_EQ(ldns_pkt_ancount(reply->get()), 0) << PacketToString(reply->get());
}

TEST_F(HierarchyTest, UnboundGivesUpOnTheLimitShapes) {
  QueryOptions patient;
  patient.timeout = absl::Seconds(12);
  // Recorded behaviour of unbound 1.17 (README): each of these is SERVFAIL.
  for (absl::string_view name : {n::kLongChainStart, n::kNxnsWww, n::kDelegationLoopWww}) {
    auto reply = Resolve(name, LDNS_RR_TYPE_A, patient);
    ASSERT_TRUE(reply.ok()) << name << ": " << reply.status();
    EXPECT_EQ(ldns_pkt_get_rcode(reply->get()), LDNS_RCODE_SERVFAIL)
        << name << "\n"
        << PacketToString(reply->get());
  }
  // The chain's last six links are within its cap.
  auto tail = Resolve(n::kLongChainShortTail, LDNS_RR_TYPE_A, patient);
  ASSERT_TRUE(tail.ok()) << tail.status();
  EXPECT_THAT(RdataStrings(tail->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_CNAME),
              SizeIs(n::kLongChainShortTailLinks))
      << PacketToString(tail->get());
  EXPECT_THAT(RdataStrings(tail->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A, n::kV4Only),
              ElementsAre(S(n::kV4OnlyA)));
}

// ---- Broken zones (issue 18): the fault is really there --------------------------------------

// test.'s referral for `name`: the NS names of `zone` and the glue addresses, each with its TTL.
void ExpectReferral(absl::string_view name, absl::string_view zone, absl::string_view ns,
                    absl::string_view glue) {
  QueryOptions options;
  options.rd = false;
  auto reply = Query(EndpointAt(n::kTestTldServer), name, LDNS_RR_TYPE_A, options);
  ASSERT_TRUE(reply.ok()) << reply.status();
  const ldns_pkt* p = reply->get();
  EXPECT_FALSE(ldns_pkt_aa(p)) << PacketToString(p);
  EXPECT_THAT(RdataStrings(p, LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_NS, zone), ElementsAre(S(ns)))
      << PacketToString(p);
  EXPECT_THAT(Ttls(p, LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_NS), ElementsAre(n::kDelegationTtl));
  EXPECT_THAT(RdataStrings(p, LDNS_SECTION_ADDITIONAL, LDNS_RR_TYPE_A, ns), ElementsAre(S(glue)))
      << PacketToString(p);
  EXPECT_THAT(Ttls(p, LDNS_SECTION_ADDITIONAL, LDNS_RR_TYPE_A), ElementsAre(n::kDelegationTtl));
}

TEST_F(HierarchyTest, MovedZoneNamesADeadAddressForItsServerWhereTheGlueIsRight) {
  ExpectReferral(n::kMovedWww, n::kMovedZone, n::kMovedNs, n::kMovedServer);
  auto ns = Ask(n::kMovedServer, n::kMovedNs, LDNS_RR_TYPE_A);
  ASSERT_TRUE(ns.ok()) << ns.status();
  EXPECT_TRUE(ldns_pkt_aa(ns->get()));
  EXPECT_THAT(RdataStrings(ns->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A, n::kMovedNs),
              ElementsAre(S(n::kMovedChildAddress)))
      << PacketToString(ns->get());
  auto www = Ask(n::kMovedServer, n::kMovedWww, LDNS_RR_TYPE_A);
  ASSERT_TRUE(www.ok()) << www.status();
  EXPECT_THAT(RdataStrings(www->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A, n::kMovedWww),
              ElementsAre(S(n::kMovedWwwA)));
  EXPECT_THAT(Ttls(www->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A), ElementsAre(n::kMovedTtl));
  // Its positive answers repeat the wrong address in the additional section.
  EXPECT_THAT(RdataStrings(www->get(), LDNS_SECTION_ADDITIONAL, LDNS_RR_TYPE_A, n::kMovedNs),
              ElementsAre(S(n::kMovedChildAddress)))
      << PacketToString(www->get());
  // kMovedChildAddress is dead: DeadAddressesHaveNothingListening.
}

TEST_F(HierarchyTest, RecursorZoneIsDelegatedToARecursiveServerThatAnswersWithoutAa) {
  ExpectReferral(n::kRecursorWww, n::kRecursorZone, n::kRecursorNs, n::kRecursorServer);
  struct Case {
    std::string name;
    ldns_rr_type type;
    ldns_pkt_rcode rcode;
  };
  const Case cases[] = {
      {S(n::kRecursorWww), LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR},
      {S(n::kRecursorWww), LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR},
      {absl::StrCat("nx.", n::kRecursorZone), LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrCat(c.name, " type ", c.type));
    // Asked as a resolver iterating asks, with RD=0: a recursor's answer, not a referral.
    auto reply = Ask(n::kRecursorServer, c.name, c.type);
    ASSERT_TRUE(reply.ok()) << reply.status();
    const ldns_pkt* p = reply->get();
    EXPECT_EQ(ldns_pkt_get_rcode(p), c.rcode) << PacketToString(p);
    EXPECT_TRUE(ldns_pkt_ra(p)) << PacketToString(p);
    EXPECT_FALSE(ldns_pkt_aa(p)) << PacketToString(p);
    if (c.type == LDNS_RR_TYPE_A && c.rcode == LDNS_RCODE_NOERROR) {
      EXPECT_THAT(RdataStrings(p, LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A, c.name),
                  ElementsAre(S(n::kRecursorWwwA)))
          << PacketToString(p);
    } else {
      ExpectNegative(p, c.rcode, n::kRecursorZone);
    }
  }
  // The zone's data is on an NSD nobody delegates to, which answers with AA.
  auto hidden = Ask(n::kRecursorHiddenServer, n::kRecursorWww, LDNS_RR_TYPE_A);
  ASSERT_TRUE(hidden.ok()) << hidden.status();
  EXPECT_TRUE(ldns_pkt_aa(hidden->get()));
  EXPECT_THAT(RdataStrings(hidden->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
              ElementsAre(S(n::kRecursorWwwA)));
  // Every recursor of the hierarchy identifies itself as the NSDs do.
  for (const n::NsdInstance& recursor : n::kRecursors) {
    QueryOptions chaos;
    chaos.qclass = LDNS_RR_CLASS_CH;
    auto id = Ask(recursor.address, "id.server.", LDNS_RR_TYPE_TXT, chaos);
    ASSERT_TRUE(id.ok()) << id.status();
    EXPECT_THAT(RdataStrings(id->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_TXT),
                ElementsAre(absl::StrCat("\"", recursor.instance, "\"")));
  }
}

TEST_F(HierarchyTest, ExpiredZonesOwnAddressForItsServerLivesTwoSecondsAgainstTheGlues86400) {
  ExpectReferral(n::kExpiredWww, n::kExpiredZone, n::kExpiredNs, n::kExpiredServer);
  auto ns = Ask(n::kExpiredServer, n::kExpiredNs, LDNS_RR_TYPE_A);
  ASSERT_TRUE(ns.ok()) << ns.status();
  EXPECT_TRUE(ldns_pkt_aa(ns->get()));
  EXPECT_THAT(RdataStrings(ns->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A, n::kExpiredNs),
              ElementsAre(S(n::kExpiredServer)));
  EXPECT_THAT(Ttls(ns->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A), ElementsAre(n::kExpiredTtl));
  auto apex = Ask(n::kExpiredServer, n::kExpiredZone, LDNS_RR_TYPE_NS);
  ASSERT_TRUE(apex.ok()) << apex.status();
  EXPECT_THAT(Ttls(apex->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_NS),
              ElementsAre(n::kDelegationTtl));
  auto www = Ask(n::kExpiredServer, n::kExpiredWww, LDNS_RR_TYPE_A);
  ASSERT_TRUE(www.ok()) << www.status();
  EXPECT_THAT(RdataStrings(www->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
              ElementsAre(S(n::kExpiredWwwA)));
  EXPECT_THAT(Ttls(www->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A), ElementsAre(n::kExpiredTtl));
  auto nodata = Ask(n::kExpiredServer, n::kExpiredWww, LDNS_RR_TYPE_AAAA);
  ASSERT_TRUE(nodata.ok()) << nodata.status();
  ExpectNegative(nodata->get(), LDNS_RCODE_NOERROR, n::kExpiredZone);
  EXPECT_THAT(Ttls(nodata->get(), LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_SOA),
              ElementsAre(n::kExpiredNegativeTtl));
}

// Recorded behaviour of unbound 1.17 (README): it copes with all three.
TEST_F(HierarchyTest, UnboundResolvesTheBrokenZones) {
  auto moved_ns = Resolve(n::kMovedNs, LDNS_RR_TYPE_A);  // the child's word, now in its cache
  ASSERT_TRUE(moved_ns.ok()) << moved_ns.status();
  EXPECT_THAT(RdataStrings(moved_ns->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
              ElementsAre(S(n::kMovedChildAddress)));
  auto expired_ns = Resolve(n::kExpiredNs, LDNS_RR_TYPE_A);
  ASSERT_TRUE(expired_ns.ok()) << expired_ns.status();
  EXPECT_THAT(RdataStrings(expired_ns->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
              ElementsAre(S(n::kExpiredServer)));
  absl::SleepFor(absl::Seconds(n::kExpiredTtl) + absl::Milliseconds(1100));
  QueryOptions patient;
  patient.timeout = absl::Seconds(10);
  for (auto [name, a] :
       {std::pair{n::kMovedWww, n::kMovedWwwA}, std::pair{n::kRecursorWww, n::kRecursorWwwA},
        std::pair{n::kExpiredWww, n::kExpiredWwwA}}) {
    auto reply = Resolve(name, LDNS_RR_TYPE_A, patient);
    ASSERT_TRUE(reply.ok()) << name << ": " << reply.status();
    EXPECT_THAT(RdataStrings(reply->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A, name),
                ElementsAre(S(a)))
        << PacketToString(reply->get());
  }
}

// ---- Fixture services ------------------------------------------------------------------------

TEST_F(HierarchyTest, QueryStatsCountQueriesAtTheServer) {
  auto before = hierarchy().QueryStats("gamma.test");
  ASSERT_TRUE(before.ok()) << before.status();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Ask(n::kGammaServer, n::kCrossEnd, LDNS_RR_TYPE_A).ok());
  }
  QueryOptions tcp;
  tcp.tcp = true;
  ASSERT_TRUE(Ask(n::kGammaServer, n::kCrossEnd, LDNS_RR_TYPE_AAAA, tcp).ok());
  auto after = hierarchy().QueryStats("gamma.test");
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->queries - before->queries, 4u);
  EXPECT_EQ(after->tcp_queries - before->tcp_queries, 1u);
  EXPECT_EQ(after->by_type["A"] - before->by_type["A"], 3u);
  EXPECT_EQ(after->by_type["AAAA"] - before->by_type["AAAA"], 1u);
}

TEST_F(HierarchyTest, InstanceCanBeStoppedAndRestarted) {
  ASSERT_TRUE(hierarchy().StopInstance("v4ns.example").ok());
  QueryOptions options;
  options.timeout = absl::Milliseconds(500);
  auto down = Ask(n::kV4nsServer, n::kV4nsWww, LDNS_RR_TYPE_A, options);
  EXPECT_TRUE(absl::IsUnavailable(down.status())) << down.status();
  absl::Status restarted = hierarchy().RestartInstance("v4ns.example");
  ASSERT_TRUE(restarted.ok()) << restarted;
  auto up = Ask(n::kV4nsServer, n::kV4nsWww, LDNS_RR_TYPE_A);
  ASSERT_TRUE(up.ok()) << up.status();
  EXPECT_THAT(RdataStrings(up->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
              ElementsAre(S(n::kV4nsWwwA)));
}

TEST_F(HierarchyTest, SecondUnboundOnAnotherEndpoint) {
  const Endpoint other = EndpointAt("127.0.0.54", 5353);
  absl::Status started = hierarchy().StartUnbound(other);
  ASSERT_TRUE(started.ok()) << started;
  auto reply = Query(other, n::kDualStack, LDNS_RR_TYPE_AAAA);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_THAT(RdataStrings(reply->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_AAAA),
              ElementsAre(S(n::kDualStackAaaa)));
  EXPECT_TRUE(hierarchy().StopUnbound(other).ok());
}

TEST_F(HierarchyTest, ScriptedAuthServerAnswersLikeAZoneAndRecordsQueries) {
  StaticZone zone(n::kScriptedZone, {
                                        "scripted.test. 3600 IN SOA ns.scripted.test. "
                                        "hostmaster.scripted.test. 1 3600 900 604800 60",
                                        "scripted.test. 3600 IN NS ns.scripted.test.",
                                        "ns.scripted.test. 3600 IN A 127.0.20.1",
                                        "a.b.scripted.test. 3600 IN A 20.30.40.70",
                                        "c.scripted.test. 3600 IN CNAME a.b.scripted.test.",
                                    });
  auto server = ScriptedAuthServer::Start(EndpointAt(n::kScriptedServer),
                                          [zone](const ldns_pkt& q) { return zone.Answer(q); });
  ASSERT_TRUE(server.ok()) << server.status();
  QueryOptions tcp;
  tcp.tcp = true;
  QueryOptions plain;
  plain.edns = false;
  auto a = Ask(n::kScriptedServer, "A.b.SCRIPTED.test.", LDNS_RR_TYPE_A);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_TRUE(ldns_pkt_aa(a->get()));
  EXPECT_THAT(RdataStrings(a->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
              ElementsAre("20.30.40.70"));
  auto ent = Ask(n::kScriptedServer, "b.scripted.test.", LDNS_RR_TYPE_A, tcp);
  ASSERT_TRUE(ent.ok()) << ent.status();
  ExpectNegative(ent->get(), LDNS_RCODE_NOERROR, n::kScriptedZone);
  auto nx = Ask(n::kScriptedServer, "x.scripted.test.", LDNS_RR_TYPE_A, plain);
  ASSERT_TRUE(nx.ok()) << nx.status();
  ExpectNegative(nx->get(), LDNS_RCODE_NXDOMAIN, n::kScriptedZone);
  EXPECT_FALSE(ldns_pkt_edns(nx->get()));
  auto cname = Ask(n::kScriptedServer, "c.scripted.test.", LDNS_RR_TYPE_A);
  ASSERT_TRUE(cname.ok()) << cname.status();
  EXPECT_THAT(RdataStrings(cname->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_CNAME),
              ElementsAre("a.b.scripted.test."));
  auto ns = Ask(n::kScriptedServer, n::kScriptedZone, LDNS_RR_TYPE_NS);
  ASSERT_TRUE(ns.ok()) << ns.status();
  EXPECT_THAT(RdataStrings(ns->get(), LDNS_SECTION_ADDITIONAL, LDNS_RR_TYPE_A),
              ElementsAre(S(n::kScriptedServer)));
  auto outside = Ask(n::kScriptedServer, n::kV4Only, LDNS_RR_TYPE_A);
  ASSERT_TRUE(outside.ok()) << outside.status();
  EXPECT_EQ(ldns_pkt_get_rcode(outside->get()), LDNS_RCODE_REFUSED);

  std::vector<ScriptedAuthServer::ReceivedQuery> seen = (*server)->queries();
  ASSERT_THAT(seen, SizeIs(6));
  EXPECT_EQ(seen[0].qname, "A.b.SCRIPTED.test.");  // letter case as sent
  EXPECT_TRUE(seen[0].edns);
  EXPECT_FALSE(seen[0].rd);
  EXPECT_TRUE(seen[1].tcp);
  EXPECT_FALSE(seen[2].edns);
  EXPECT_EQ(seen[4].qtype, LDNS_RR_TYPE_NS);

  // Without a handler: a black hole over UDP and TCP, queries still recorded.
  (*server)->SetHandler(nullptr);
  (*server)->ClearQueries();
  QueryOptions quick;
  quick.timeout = absl::Milliseconds(300);
  auto silent = Ask(n::kScriptedServer, "a.b.scripted.test.", LDNS_RR_TYPE_A, quick);
  EXPECT_TRUE(absl::IsDeadlineExceeded(silent.status())) << silent.status();
  quick.tcp = true;
  silent = Ask(n::kScriptedServer, "a.b.scripted.test.", LDNS_RR_TYPE_A, quick);
  EXPECT_TRUE(absl::IsDeadlineExceeded(silent.status())) << silent.status();
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_THAT((*server)->queries(), SizeIs(2));
}

}  // namespace
}  // namespace rebound::integration
