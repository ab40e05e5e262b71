// Replays of bugs found in review (issue 14: two stages read and write the caches, each with its
// own rules). Each asserts the correct behaviour; before the fix (ccaab5b) both failed as the
// comment on each says.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/replay/replay_harness.h"
#include "tests/replay/replay_zones.h"

namespace rebound::replay {
namespace {

using ::testing::ElementsAre;

// A client that sets DO asks for the NSEC/NSEC3 records that prove a name does not exist (RFC
// 4035 3.1.3); the negative cache keeps only the SOA (RFC 2308), so it cannot give them.
// CacheStage knows this and passes such a question on; the one clear path is then the one it
// intends: the zone's server is asked (exactly once), and the answer is its NXDOMAIN, with the
// SOA's full negative TTL because it is fresh.
//
// Before the fix: CacheStage passed the question on, and Lookup::CheckCache answered it from the
// same negative cache, with no upstream query: the client got the cached NXDOMAIN (SOA TTL 290)
// that CacheStage had just declined to give.
TEST(KnownBugsReplay, DnssecOkQueryForACachedNxdomainTakesOnePath) {
  ReplayHarness replay(StandardInternet());
  const ClientAnswer plain = replay.Ask({.name = "nx.example.test."});
  ASSERT_EQ(plain.rcode, "NXDOMAIN");
  ASSERT_EQ(replay.CachedNegative("nx.example.test.", LDNS_RR_TYPE_A),
            std::string("NXDOMAIN ") + kExampleSoa);
  replay.ForgetUpstream();
  replay.clock().Advance(absl::Seconds(10));

  const ClientAnswer dnssec = replay.Ask({.name = "nx.example.test.", .do_bit = true});
  EXPECT_EQ(dnssec.rcode, "NXDOMAIN");
  EXPECT_THAT(dnssec.authority, ElementsAre(kExampleSoa));
  EXPECT_EQ(dnssec.answered_by, "iterator");
  EXPECT_THAT(replay.Upstream(), ElementsAre("192.0.2.20 nx.example.test. A"));
}

// RFC 2181 5.4.1: glue, additional-section data from the parent, is cached only to reach the
// servers and must never be returned as an answer. test.'s referral lists two addresses for
// ns1.child.test.; child.test.'s own A RRset has one. A client asking for ns1.child.test. A
// must get the child's authoritative answer, which means asking the child.
//
// Before the fix: the referral's glue was stored in the RRset cache (Trust::kAdditional), and
// CacheStage answered the client from it as from any entry: both addresses, with the parent's
// TTL (86400), and no upstream query.
TEST(KnownBugsReplay, ParentGlueIsNotAnsweredAsTheChildsAddresses) {
  ReplayHarness replay(StandardInternet());
  replay.RankServers({kChildServer, kStaleGlueAddress});
  const ClientAnswer www = replay.Ask({.name = "www.child.test."});
  ASSERT_THAT(www.answer, ElementsAre("www.child.test. 300 IN A 203.0.113.40"));
  ASSERT_THAT(replay.Upstream(), ElementsAre("192.0.2.1 test. A", "192.0.2.10 child.test. A",
                                             "192.0.2.40 www.child.test. A"));
  replay.ForgetUpstream();

  const ClientAnswer ns = replay.Ask({.name = "ns1.child.test."});
  EXPECT_EQ(ns.rcode, "NOERROR");
  EXPECT_THAT(ns.answer, ElementsAre("ns1.child.test. 3600 IN A 192.0.2.40"));
  EXPECT_THAT(replay.Upstream(), ElementsAre("192.0.2.40 ns1.child.test. A"));
  EXPECT_THAT(replay.CachedRrset("ns1.child.test.", LDNS_RR_TYPE_A),
              ElementsAre("ns1.child.test. 3600 IN A 192.0.2.40"));
}

}  // namespace
}  // namespace rebound::replay
