// Replays about what the caches keep and for how long: hits without upstream queries, TTLs
// counting down on the clock, expiry, and negative answers (RFC 2308).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/replay/replay_harness.h"
#include "tests/replay/replay_zones.h"

namespace rebound::replay {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// The walk from the root to www.example.test.'s server, minimised (RFC 9156): each server is
// asked about one label more than the zone it serves.
const std::vector<std::string> kWalkToWww = {
    "192.0.2.1 test. A",
    "192.0.2.10 example.test. A",
    "192.0.2.20 www.example.test. A",
};

TEST(CacheReplay, SecondQueryIsAnsweredFromTheCacheWithoutUpstreamQueries) {
  ReplayHarness replay(StandardInternet());
  const ClientAnswer first = replay.Ask({.name = "www.example.test."});
  EXPECT_EQ(first.rcode, "NOERROR");
  EXPECT_THAT(first.answer, ElementsAre("www.example.test. 300 IN A 203.0.113.10",
                                        "www.example.test. 300 IN A 203.0.113.11"));
  EXPECT_FALSE(first.aa);  // RFC 1035 4.1.1: a recursive answer is not authoritative
  EXPECT_EQ(first.answered_by, "iterator");
  EXPECT_EQ(replay.Upstream(), kWalkToWww);
  EXPECT_THAT(replay.CachedRrset("www.example.test.", LDNS_RR_TYPE_A),
              ElementsAre("www.example.test. 300 IN A 203.0.113.10",
                          "www.example.test. 300 IN A 203.0.113.11"));

  replay.ForgetUpstream();
  const ClientAnswer second = replay.Ask({.name = "www.example.test."});
  EXPECT_EQ(second.answer, first.answer);
  EXPECT_EQ(second.answered_by, "cache");
  EXPECT_THAT(replay.Upstream(), IsEmpty());
}

// RFC 1035 3.2.1, RFC 2181 8: a cached record goes out with the seconds it has left.
TEST(CacheReplay, TtlCountsDownWithTheClock) {
  ReplayHarness replay(StandardInternet());
  replay.Ask({.name = "www.example.test."});
  replay.ForgetUpstream();

  replay.clock().Advance(absl::Seconds(100));
  const ClientAnswer later = replay.Ask({.name = "www.example.test."});
  EXPECT_THAT(later.answer, ElementsAre("www.example.test. 200 IN A 203.0.113.10",
                                        "www.example.test. 200 IN A 203.0.113.11"));
  EXPECT_EQ(later.answered_by, "cache");
  EXPECT_THAT(replay.Upstream(), IsEmpty());
}

// Once the RRset's 300 s are up it is asked for again; the delegations (TTL 3600 and more) are
// still cached, so only the zone's own server is asked, and the fresh TTL goes out.
TEST(CacheReplay, ExpiredRrsetIsFetchedAgainFromTheZoneServer) {
  ReplayHarness replay(StandardInternet());
  replay.Ask({.name = "www.example.test."});
  replay.ForgetUpstream();

  replay.clock().Advance(absl::Seconds(301));
  EXPECT_THAT(replay.CachedRrset("www.example.test.", LDNS_RR_TYPE_A), IsEmpty());
  const ClientAnswer refreshed = replay.Ask({.name = "www.example.test."});
  EXPECT_THAT(refreshed.answer, ElementsAre("www.example.test. 300 IN A 203.0.113.10",
                                            "www.example.test. 300 IN A 203.0.113.11"));
  EXPECT_EQ(refreshed.answered_by, "iterator");
  EXPECT_THAT(replay.Upstream(), ElementsAre("192.0.2.20 www.example.test. A"));
}

// RFC 2308 2.1, 5: a name that does not exist has no type at all; the NXDOMAIN is cached for
// the SOA's MINIMUM (300 s) and answers any type, with the SOA in the authority section (3).
TEST(CacheReplay, NxdomainIsCachedAndAnswersEveryType) {
  ReplayHarness replay(StandardInternet());
  const ClientAnswer first = replay.Ask({.name = "nx.example.test."});
  EXPECT_EQ(first.rcode, "NXDOMAIN");
  EXPECT_THAT(first.answer, IsEmpty());
  EXPECT_THAT(first.authority, ElementsAre(kExampleSoa));
  EXPECT_THAT(replay.Upstream(), ElementsAre("192.0.2.1 test. A", "192.0.2.10 example.test. A",
                                             "192.0.2.20 nx.example.test. A"));
  EXPECT_EQ(replay.CachedNegative("nx.example.test.", LDNS_RR_TYPE_A),
            std::string("NXDOMAIN ") + kExampleSoa);

  replay.ForgetUpstream();
  replay.clock().Advance(absl::Seconds(10));
  const ClientAnswer other_type =
      replay.Ask({.name = "nx.example.test.", .type = LDNS_RR_TYPE_TXT});
  EXPECT_EQ(other_type.rcode, "NXDOMAIN");
  EXPECT_THAT(other_type.authority, ElementsAre("example.test. 290 IN SOA ns1.example.test. "
                                                "hostmaster.example.test. 1 7200 900 1209600 300"));
  EXPECT_EQ(other_type.answered_by, "cache");
  EXPECT_THAT(replay.Upstream(), IsEmpty());
}

TEST(CacheReplay, NegativeEntryExpiresAfterTheSoaMinimum) {
  ReplayHarness replay(StandardInternet());
  replay.Ask({.name = "nx.example.test."});
  replay.ForgetUpstream();

  replay.clock().Advance(absl::Seconds(301));
  EXPECT_EQ(replay.CachedNegative("nx.example.test.", LDNS_RR_TYPE_A), "");
  const ClientAnswer again = replay.Ask({.name = "nx.example.test."});
  EXPECT_EQ(again.rcode, "NXDOMAIN");
  EXPECT_EQ(again.answered_by, "iterator");
  EXPECT_THAT(replay.Upstream(), ElementsAre("192.0.2.20 nx.example.test. A"));
}

// RFC 2308 2.2: NODATA is about one type of a name that exists; the name's other types are
// still asked for.
TEST(CacheReplay, NodataIsCachedForThatTypeOnly) {
  ReplayHarness replay(StandardInternet());
  const ClientAnswer nodata = replay.Ask({.name = "www.example.test.", .type = LDNS_RR_TYPE_AAAA});
  EXPECT_EQ(nodata.rcode, "NOERROR");
  EXPECT_THAT(nodata.answer, IsEmpty());
  EXPECT_THAT(nodata.authority, ElementsAre(kExampleSoa));
  EXPECT_THAT(replay.Upstream(), ElementsAre("192.0.2.1 test. A", "192.0.2.10 example.test. A",
                                             "192.0.2.20 www.example.test. AAAA"));
  EXPECT_EQ(replay.CachedNegative("www.example.test.", LDNS_RR_TYPE_AAAA),
            std::string("NODATA ") + kExampleSoa);
  EXPECT_EQ(replay.CachedNegative("www.example.test.", LDNS_RR_TYPE_A), "");

  replay.ForgetUpstream();
  const ClientAnswer cached = replay.Ask({.name = "www.example.test.", .type = LDNS_RR_TYPE_AAAA});
  EXPECT_EQ(cached.rcode, "NOERROR");
  EXPECT_THAT(cached.authority, ElementsAre(kExampleSoa));
  EXPECT_EQ(cached.answered_by, "cache");
  EXPECT_THAT(replay.Upstream(), IsEmpty());

  const ClientAnswer a = replay.Ask({.name = "www.example.test."});
  EXPECT_EQ(a.answer.size(), 2u);
  EXPECT_THAT(replay.Upstream(), ElementsAre("192.0.2.20 www.example.test. A"));
}

// An RD=0 query asks only what the cache holds (allow_snoop): with nothing cached the
// iterator refuses it rather than recursing.
TEST(CacheReplay, RecursionNotDesiredForAnUncachedNameIsRefused) {
  ReplayHarness replay(StandardInternet());
  const ClientAnswer answer = replay.Ask({.name = "www.example.test.", .rd = false});
  EXPECT_EQ(answer.rcode, "REFUSED");
  EXPECT_THAT(answer.answer, IsEmpty());
  EXPECT_EQ(answer.answered_by, "iterator");
  EXPECT_THAT(replay.Upstream(), IsEmpty());
}

TEST(CacheReplay, RecursionNotDesiredIsAnsweredFromTheCache) {
  ReplayHarness replay(StandardInternet());
  replay.Ask({.name = "www.example.test."});
  replay.ForgetUpstream();

  const ClientAnswer answer = replay.Ask({.name = "www.example.test.", .rd = false});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_EQ(answer.answer.size(), 2u);
  EXPECT_EQ(answer.answered_by, "cache");
  EXPECT_THAT(replay.Upstream(), IsEmpty());
}

}  // namespace
}  // namespace rebound::replay
