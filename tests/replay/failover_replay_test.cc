// Replays of servers that fail: silence, SERVFAIL, REFUSED, lame answers. failover.test. has two
// servers; RankServers makes the iterator try 192.0.2.70 first, so each replay knows which
// server misbehaves before the other one is asked.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/replay/replay_harness.h"
#include "tests/replay/replay_zones.h"

namespace rebound::replay {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const std::vector<std::string> kFailoverAnswer = {"www.failover.test. 300 IN A 203.0.113.70"};

// The walk to failover.test., then its first server, then its second.
const std::vector<std::string> kFirstThenSecond = {
    "192.0.2.1 test. A",
    "192.0.2.10 failover.test. A",
    "192.0.2.70 www.failover.test. A",
    "192.0.2.71 www.failover.test. A",
};

class FailoverReplay : public ::testing::Test {
 protected:
  FailoverReplay() { replay_.RankServers({kFailoverServer1, kFailoverServer2}); }

  ReplayHarness replay_{StandardInternet()};
};

// A server that does not answer is given up on after its timeout (InfraCache's), and the other
// server of the zone is asked.
TEST_F(FailoverReplay, TimedOutServerIsFollowedByTheOtherServer) {
  replay_.Misbehave({.server = kFailoverServer1, .fault = Fault::kTimeout});
  const absl::Time start = replay_.clock().Now();
  const ClientAnswer answer = replay_.Ask({.name = "www.failover.test."});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_EQ(answer.answer, kFailoverAnswer);
  EXPECT_EQ(replay_.Upstream(), kFirstThenSecond);
  EXPECT_GT(replay_.clock().Now(), start);  // the timeout passed before the second query
}

// SERVFAIL says nothing about the zone's data (RFC 2308 7.1 forbids caching it as such): the
// next server is asked, and its answer is what the client gets and the cache keeps.
TEST_F(FailoverReplay, ServfailingServerIsFollowedByTheOtherServer) {
  replay_.Misbehave({.server = kFailoverServer1, .fault = Fault::kServfail});
  const ClientAnswer answer = replay_.Ask({.name = "www.failover.test."});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_EQ(answer.answer, kFailoverAnswer);
  EXPECT_EQ(replay_.Upstream(), kFirstThenSecond);
  EXPECT_EQ(replay_.CachedRrset("www.failover.test.", LDNS_RR_TYPE_A), kFailoverAnswer);
}

// REFUSED: the server will not answer for the zone (RFC 8906 3.1.2); another server is asked.
TEST_F(FailoverReplay, RefusingServerIsFollowedByTheOtherServer) {
  replay_.Misbehave({.server = kFailoverServer1, .fault = Fault::kRefused});
  const ClientAnswer answer = replay_.Ask({.name = "www.failover.test."});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_EQ(answer.answer, kFailoverAnswer);
  EXPECT_EQ(replay_.Upstream(), kFirstThenSecond);
}

// RFC 4697 2.3: a server that refers upward (to test.) is lame for failover.test.; its referral
// is not followed and the other server answers.
TEST_F(FailoverReplay, LameServerIsFollowedByTheOtherServer) {
  replay_.Misbehave({.server = kFailoverServer1,
                     .fault = Fault::kReply,
                     .reply = {.aa = false,
                               .authority = {"test. 86400 IN NS ns1.test."},
                               .additional = {"ns1.test. 86400 IN A 192.0.2.10"}}});
  const ClientAnswer answer = replay_.Ask({.name = "www.failover.test."});
  EXPECT_EQ(answer.rcode, "NOERROR");
  EXPECT_EQ(answer.answer, kFailoverAnswer);
  EXPECT_EQ(replay_.Upstream(), kFirstThenSecond);
}

// With every server of the zone silent, each is tried max_sends_per_server (3) times, with
// growing timeouts, then the client gets SERVFAIL; nothing is cached for the name.
TEST_F(FailoverReplay, EverySilentServerIsTriedThriceThenServfail) {
  replay_.Misbehave({.server = kFailoverServer1, .fault = Fault::kTimeout});
  replay_.Misbehave({.server = kFailoverServer2, .fault = Fault::kTimeout});
  const ClientAnswer answer = replay_.Ask({.name = "www.failover.test."});
  EXPECT_EQ(answer.rcode, "SERVFAIL");
  EXPECT_THAT(answer.answer, IsEmpty());
  const std::vector<std::string> upstream = replay_.Upstream();
  ASSERT_EQ(upstream.size(), 8u);
  EXPECT_THAT(std::vector<std::string>(upstream.begin(), upstream.begin() + 2),
              ElementsAre("192.0.2.1 test. A", "192.0.2.10 failover.test. A"));
  EXPECT_EQ(std::count(upstream.begin(), upstream.end(), "192.0.2.70 www.failover.test. A"), 3);
  EXPECT_EQ(std::count(upstream.begin(), upstream.end(), "192.0.2.71 www.failover.test. A"), 3);
  EXPECT_THAT(replay_.CachedRrset("www.failover.test.", LDNS_RR_TYPE_A), IsEmpty());
  EXPECT_EQ(replay_.CachedNegative("www.failover.test.", LDNS_RR_TYPE_A), "");
}

// When no server at all replies, not even the root, the SERVFAIL carries RFC 8914 4.23's
// "No Reachable Authority" (22): the bootstrap relays' cue.
TEST(FailoverReplayUnreachable, SilentRootGivesServfailWithNoReachableAuthority) {
  ReplayHarness replay(StandardInternet(), {.root_primed = false});
  replay.Misbehave({.server = kRootServer, .fault = Fault::kTimeout});
  const ClientAnswer answer = replay.Ask({.name = "www.example.test."});
  EXPECT_EQ(answer.rcode, "SERVFAIL");
  EXPECT_EQ(answer.ede, 22);
  const std::vector<std::string> upstream = replay.Upstream();
  ASSERT_FALSE(upstream.empty());
  EXPECT_EQ(upstream.front(), "192.0.2.1 . NS");  // priming, which fails first
  for (const std::string& query : upstream) EXPECT_TRUE(query.starts_with("192.0.2.1 ")) << query;
}

// RFC 9156 2.3: some servers answer minimised queries badly; after a SERVFAIL to one the
// iterator stops minimising and asks the full question.
TEST(FailoverReplayMinimisation, ServfailToAMinimisedQueryFallsBackToTheFullName) {
  ReplayHarness replay(StandardInternet());
  replay.Misbehave(
      {.server = kExampleServer, .name = "c.example.test.", .fault = Fault::kServfail});
  const ClientAnswer answer = replay.Ask({.name = "a.b.c.example.test.", .type = LDNS_RR_TYPE_TXT});
  EXPECT_THAT(answer.answer, ElementsAre("a.b.c.example.test. 300 IN TXT \"deep\""));
  EXPECT_THAT(replay.Upstream(),
              ElementsAre("192.0.2.1 test. A", "192.0.2.10 example.test. A",
                          "192.0.2.20 c.example.test. A", "192.0.2.20 a.b.c.example.test. TXT"));
}

}  // namespace
}  // namespace rebound::replay
