// Validates the loopback hierarchy through the reference unbound: the shapes resolve as
// documented, and the broken zones are really broken (hierarchy_test.h).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <ldns/ldns.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/integration/fixture/dns_client.h"
#include "tests/integration/fixture/hierarchy_names.h"
#include "tests/integration/hierarchy_test.h"

namespace rebound::integration {
namespace {

namespace n = names;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Ge;
using ::testing::IsEmpty;
using ::testing::Le;
using ::testing::SizeIs;

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

}  // namespace
}  // namespace rebound::integration
