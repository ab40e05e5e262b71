// Validates the loopback hierarchy itself (make-hierarchy.sh + the fixture): each server on its
// own, asked directly, and the fixture's services. Resolution through the reference unbound is in
// hierarchy_resolution_test.cc.
#include "tests/integration/hierarchy_test.h"

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
#include "tests/integration/fixture/hierarchy.h"
#include "tests/integration/fixture/hierarchy_names.h"
#include "tests/integration/fixture/scripted_auth_server.h"

namespace rebound::integration {
namespace {

namespace n = names;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;

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
