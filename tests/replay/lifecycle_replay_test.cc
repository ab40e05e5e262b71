// Replays of requests that share work or end early: identical questions in flight together, and
// requests cancelled or abandoned while their queries are out.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/replay/replay_harness.h"
#include "tests/replay/replay_zones.h"

namespace rebound::replay {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// Two clients ask the same cold question before any reply has come: the iterator joins the
// second to the first lookup (IterativeResolver::Resolve), one set of upstream queries answers
// both (fewer queries out, and fewer for a spoofer to match).
TEST(LifecycleReplay, IdenticalQuestionsInFlightShareOneResolution) {
  ReplayHarness replay(StandardInternet());
  const size_t first = replay.Submit({.name = "www.example.test."});
  const size_t second = replay.Submit({.name = "WWW.Example.Test."});  // RFC 4343: same name
  EXPECT_EQ(replay.transport().outstanding(), 1u);
  EXPECT_FALSE(replay.answer(first).answered);

  EXPECT_TRUE(replay.RunUntilAnswered(first));
  EXPECT_TRUE(replay.RunUntilAnswered(second));
  EXPECT_EQ(replay.answer(first).rcode, "NOERROR");
  EXPECT_THAT(replay.answer(first).answer, ElementsAre("www.example.test. 300 IN A 203.0.113.10",
                                                       "www.example.test. 300 IN A 203.0.113.11"));
  EXPECT_EQ(replay.answer(second).answer, replay.answer(first).answer);
  EXPECT_EQ(replay.answer(second).answered_by, "iterator");
  EXPECT_THAT(replay.Upstream(), ElementsAre("192.0.2.1 test. A", "192.0.2.10 example.test. A",
                                             "192.0.2.20 www.example.test. A"));
}

// Pipeline::Cancel (a request jostled out, say): the iterator's lookup stops, its query out is
// withdrawn from the transport, nothing more is sent, and the client is answered as dropped.
TEST(LifecycleReplay, CancelledRequestStopsItsUpstreamQueries) {
  ReplayHarness replay(StandardInternet());
  const size_t client = replay.Submit({.name = "www.example.test."});
  ASSERT_TRUE(replay.transport().DeliverNext());  // the root's referral to test.
  ASSERT_EQ(replay.transport().outstanding(), 1u);

  replay.Cancel(client);
  EXPECT_TRUE(replay.answer(client).answered);
  EXPECT_TRUE(replay.answer(client).dropped);
  EXPECT_EQ(replay.answer(client).rcode, "SERVFAIL");
  EXPECT_EQ(replay.transport().outstanding(), 0u);
  EXPECT_EQ(replay.transport().cancelled(), 1u);

  replay.RunUntilIdle();
  EXPECT_THAT(replay.Upstream(), ElementsAre("192.0.2.1 test. A", "192.0.2.10 example.test. A"));
  EXPECT_THAT(replay.CachedRrset("www.example.test.", LDNS_RR_TYPE_A), IsEmpty());
}

// Pipeline::Abandon (the client's connection or stream is gone): as Cancel, but nobody is
// answered.
TEST(LifecycleReplay, AbandonedRequestStopsItsUpstreamQueriesAndIsNotAnswered) {
  ReplayHarness replay(StandardInternet());
  const size_t client = replay.Submit({.name = "www.example.test."});
  ASSERT_TRUE(replay.transport().DeliverNext());
  ASSERT_TRUE(replay.transport().DeliverNext());  // test.'s referral to example.test.
  ASSERT_EQ(replay.transport().outstanding(), 1u);

  replay.Abandon(client);
  EXPECT_FALSE(replay.answer(client).answered);
  EXPECT_EQ(replay.transport().outstanding(), 0u);
  EXPECT_EQ(replay.transport().cancelled(), 1u);
  EXPECT_EQ(replay.pipeline().pending(), 0u);

  replay.RunUntilIdle();
  EXPECT_THAT(replay.Upstream(), ElementsAre("192.0.2.1 test. A", "192.0.2.10 example.test. A",
                                             "192.0.2.20 www.example.test. A"));
}

// A DNS64 request cancelled while its own A query is out: that query goes too. The A lookup is
// a child request (RequestHandle::SubmitChild), which Pipeline::Cancel drops with its parent.
TEST(LifecycleReplay, CancelledDns64RequestStopsItsAQuery) {
  Dns64Options dns64;
  dns64.policy.prefixes = {Nat64Prefix::WellKnown()};
  ReplayHarness replay(StandardInternet(), {.dns64 = dns64});
  const size_t client =
      replay.Submit({.name = "v4.example.test.", .type = LDNS_RR_TYPE_AAAA, .dns64_view = true});
  for (int replies = 0; replies < 3; ++replies) ASSERT_TRUE(replay.transport().DeliverNext());
  ASSERT_EQ(replay.transport().outstanding(), 1u);
  ASSERT_EQ(replay.Upstream().back(), "192.0.2.20 v4.example.test. A");

  replay.Cancel(client);
  EXPECT_TRUE(replay.answer(client).dropped);
  EXPECT_EQ(replay.transport().outstanding(), 0u);
  EXPECT_EQ(replay.transport().cancelled(), 1u);
  EXPECT_EQ(replay.pipeline().pending(), 0u);
  replay.RunUntilIdle();
  EXPECT_EQ(replay.Upstream().size(), 4u);
  EXPECT_THAT(replay.CachedRrset("v4.example.test.", LDNS_RR_TYPE_A), IsEmpty());
}

}  // namespace
}  // namespace rebound::replay
