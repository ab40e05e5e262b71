// Replays of serve-expired (RFC 8767) and prefetch: when expired data is sent instead of a
// failure or a long wait, with what TTL and EDE, how its refresh replaces it, and the one
// background refresh prefetch starts near the end of a TTL, which never takes a client's room.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/replay/replay_harness.h"
#include "tests/replay/replay_zones.h"

namespace rebound::replay {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

constexpr absl::Duration kPastTtl = absl::Seconds(301);  // www.example.test. A has TTL 300

const std::vector<std::string> kStaleWww = {"www.example.test. 30 IN A 203.0.113.10",
                                            "www.example.test. 30 IN A 203.0.113.11"};
const std::vector<std::string> kFreshWww = {"www.example.test. 300 IN A 203.0.113.10",
                                            "www.example.test. 300 IN A 203.0.113.11"};

class ServeStaleReplay : public ::testing::TestWithParam<bool> {
 protected:
  // serve-expired: yes with the defaults of rebound.conf(5), but for the client timeout.
  ReplayOptions Stale(absl::Duration client_timeout = absl::Milliseconds(1800),
                      absl::Duration keep = absl::Seconds(86400)) const {
    ReplayOptions options;
    options.qname_minimisation = GetParam();
    options.cache_stage = {
        .serve_expired = true, .expired_reply_ttl = 30, .expired_client_timeout = client_timeout};
    options.keep_expired = keep;
    return options;
  }
  ReplayOptions Prefetch() const {
    ReplayOptions options;
    options.qname_minimisation = GetParam();
    options.cache_stage = {.prefetch = true};
    return options;
  }
};

// RFC 8767 4: the zone's server fails; the expired answer goes out with TTL 30 and EDE 3
// (RFC 8914 4.4) instead of SERVFAIL.
TEST_P(ServeStaleReplay, StaleAnswerAfterServfail) {
  ReplayHarness replay(StandardInternet(), Stale(absl::Seconds(60)));
  EXPECT_EQ(replay.Ask({.name = "www.example.test."}).answer, kFreshWww);
  replay.clock().Advance(kPastTtl);
  replay.Misbehave({.server = "192.0.2.20", .fault = Fault::kServfail});

  const ClientAnswer stale = replay.Ask({.name = "www.example.test."});
  EXPECT_EQ(stale.rcode, "NOERROR");
  EXPECT_EQ(stale.answer, kStaleWww);
  EXPECT_EQ(stale.ede, std::optional<uint16_t>(kEdeStaleAnswer));
  EXPECT_EQ(replay.stats().expired.value(), 1u);
  // It was asked: resolution came first.
  EXPECT_THAT(replay.Upstream(), ::testing::Contains("192.0.2.20 www.example.test. A"));
  // The stale data answers no normal lookup.
  EXPECT_THAT(replay.CachedRrset("www.example.test.", LDNS_RR_TYPE_A), IsEmpty());
}

// No server answers at all (timeouts until the lookup gives up, before the client timeout).
TEST_P(ServeStaleReplay, StaleAnswerAfterTimeouts) {
  ReplayHarness replay(StandardInternet(), Stale(absl::Seconds(600)));
  replay.Ask({.name = "www.example.test."});
  replay.clock().Advance(kPastTtl);
  replay.Misbehave({.server = "192.0.2.20", .fault = Fault::kTimeout});

  const ClientAnswer stale = replay.Ask({.name = "www.example.test."});
  EXPECT_EQ(stale.rcode, "NOERROR");
  EXPECT_EQ(stale.answer, kStaleWww);
  EXPECT_EQ(stale.ede, std::optional<uint16_t>(kEdeStaleAnswer));
  EXPECT_EQ(replay.stats().expired.value(), 1u);
}

// A negative answer is served stale as well, its SOA with the reply TTL.
TEST_P(ServeStaleReplay, StaleNxdomainAfterServfail) {
  ReplayHarness replay(StandardInternet(), Stale(absl::Seconds(60)));
  EXPECT_EQ(replay.Ask({.name = "nx.example.test."}).rcode, "NXDOMAIN");
  replay.clock().Advance(kPastTtl);
  replay.Misbehave({.server = "192.0.2.20", .fault = Fault::kServfail});

  const ClientAnswer stale = replay.Ask({.name = "nx.example.test."});
  EXPECT_EQ(stale.rcode, "NXDOMAIN");
  EXPECT_THAT(stale.authority, ElementsAre("example.test. 30 IN SOA ns1.example.test. "
                                           "hostmaster.example.test. 1 7200 900 1209600 300"));
  EXPECT_EQ(stale.ede, std::optional<uint16_t>(kEdeStaleAnswer));
}

// RFC 8767 5: resolution still hangs at the client timeout (1.8 s, the server's reply not
// come): the stale answer goes out then, the resolution goes on, and its answer replaces the
// entry.
TEST_P(ServeStaleReplay, StaleAnswerAtClientTimeoutThenRefreshReplacesIt) {
  ReplayHarness replay(StandardInternet(), Stale());
  replay.Ask({.name = "www.example.test."});
  replay.clock().Advance(kPastTtl);
  replay.ForgetUpstream();

  const size_t client = replay.Submit({.name = "www.example.test."});
  EXPECT_EQ(replay.transport().outstanding(), 1u);  // asked, and nothing delivered yet
  replay.clock().Advance(absl::Milliseconds(1799));
  replay.timers().FireDue();
  EXPECT_FALSE(replay.answer(client).answered);
  replay.clock().Advance(absl::Milliseconds(1));
  replay.timers().FireDue();
  ASSERT_TRUE(replay.answer(client).answered);
  const ClientAnswer& stale = replay.answer(client);
  EXPECT_EQ(stale.answer, kStaleWww);
  EXPECT_EQ(stale.ede, std::optional<uint16_t>(kEdeStaleAnswer));
  EXPECT_EQ(replay.transport().outstanding(), 1u);  // resolution goes on
  EXPECT_EQ(replay.transport().cancelled(), 0u);

  // The reply comes: the entry is fresh again, without another query.
  replay.RunUntilIdle();
  EXPECT_THAT(replay.Upstream(), ElementsAre("192.0.2.20 www.example.test. A"));
  EXPECT_THAT(replay.CachedRrset("www.example.test.", LDNS_RR_TYPE_A), ElementsAreArray(kFreshWww));
  replay.ForgetUpstream();
  const ClientAnswer fresh = replay.Ask({.name = "www.example.test."});
  EXPECT_EQ(fresh.answered_by, "cache");
  EXPECT_EQ(fresh.ede, std::nullopt);
  EXPECT_THAT(replay.Upstream(), IsEmpty());
  EXPECT_EQ(replay.stats().expired.value(), 1u);
}

// A fresh answer within the client timeout is sent as it is: no stale data, no EDE.
TEST_P(ServeStaleReplay, FreshAnswerWithinTheClientTimeoutIsNotStale) {
  ReplayHarness replay(StandardInternet(), Stale());
  replay.Ask({.name = "www.example.test."});
  replay.clock().Advance(kPastTtl);

  const ClientAnswer fresh = replay.Ask({.name = "www.example.test."});
  EXPECT_EQ(fresh.answer, kFreshWww);
  EXPECT_EQ(fresh.ede, std::nullopt);
  EXPECT_EQ(replay.timers().pending(), 0u);  // the client timeout was stopped
  EXPECT_EQ(replay.stats().expired.value(), 0u);
}

// serve-expired-client-timeout: 0 (unbound's default): the stale answer at once, the refresh
// behind it.
TEST_P(ServeStaleReplay, ZeroClientTimeoutAnswersStaleAtOnceAndRefreshesBehind) {
  ReplayHarness replay(StandardInternet(), Stale(absl::ZeroDuration()));
  replay.Ask({.name = "www.example.test."});
  replay.clock().Advance(kPastTtl);
  replay.ForgetUpstream();

  const size_t client = replay.Submit({.name = "www.example.test."});
  EXPECT_TRUE(replay.answer(client).answered);  // before any reply was delivered
  EXPECT_EQ(replay.answer(client).answer, kStaleWww);
  EXPECT_EQ(replay.answer(client).answered_by, "cache");
  replay.RunUntilIdle();
  EXPECT_THAT(replay.Upstream(), ElementsAre("192.0.2.20 www.example.test. A"));
  EXPECT_THAT(replay.CachedRrset("www.example.test.", LDNS_RR_TYPE_A), ElementsAreArray(kFreshWww));
}

// Past serve-expired-ttl the data is gone: SERVFAIL as without serve-expired.
TEST_P(ServeStaleReplay, NotServedPastServeExpiredTtl) {
  ReplayHarness replay(StandardInternet(), Stale(absl::Seconds(60), absl::Seconds(3600)));
  replay.Ask({.name = "www.example.test."});
  replay.clock().Advance(absl::Seconds(300 + 3601));
  replay.Misbehave({.server = "192.0.2.20", .fault = Fault::kServfail});

  const ClientAnswer failed = replay.Ask({.name = "www.example.test."});
  EXPECT_EQ(failed.rcode, "SERVFAIL");
  EXPECT_NE(failed.ede, std::optional<uint16_t>(kEdeStaleAnswer));
  EXPECT_EQ(replay.stats().expired.value(), 0u);
}

// serve-expired-ttl-reset: each failed refresh keeps the stale data another serve-expired-ttl.
TEST_P(ServeStaleReplay, TtlResetKeepsStaleDataAfterAFailedRefresh) {
  ReplayOptions options = Stale(absl::Seconds(60), absl::Seconds(3600));
  options.cache_stage.expired_ttl_reset = true;
  ReplayHarness replay(StandardInternet(), options);
  replay.Ask({.name = "www.example.test."});
  replay.clock().Advance(absl::Seconds(300 + 3000));
  replay.Misbehave({.server = "192.0.2.20", .fault = Fault::kServfail});
  EXPECT_EQ(replay.Ask({.name = "www.example.test."}).answer, kStaleWww);
  // Past the first window (3600 s after expiry), within the one the failure started.
  replay.clock().Advance(absl::Seconds(3000));
  const ClientAnswer still = replay.Ask({.name = "www.example.test."});
  EXPECT_EQ(still.answer, kStaleWww);
  EXPECT_EQ(still.ede, std::optional<uint16_t>(kEdeStaleAnswer));
}

TEST_P(ServeStaleReplay, NotServedWithServeExpiredOff) {
  ReplayOptions off;
  off.qname_minimisation = GetParam();
  ReplayHarness replay(StandardInternet(), off);
  replay.Ask({.name = "www.example.test."});
  replay.clock().Advance(kPastTtl);
  replay.Misbehave({.server = "192.0.2.20", .fault = Fault::kServfail});

  const ClientAnswer failed = replay.Ask({.name = "www.example.test."});
  EXPECT_EQ(failed.rcode, "SERVFAIL");
  EXPECT_NE(failed.ede, std::optional<uint16_t>(kEdeStaleAnswer));
  EXPECT_EQ(replay.stats().expired.value(), 0u);
}

// unbound's rule: a hit in the last tenth of the TTL (from 270 s of 300) starts one refresh,
// however many hits follow, and its answer replaces the entry before it expires.
TEST_P(ServeStaleReplay, PrefetchStartsOnceInTheLastTenthOfTheTtl) {
  ReplayHarness replay(StandardInternet(), Prefetch());
  replay.Ask({.name = "www.example.test."});
  replay.ForgetUpstream();

  replay.clock().Advance(absl::Seconds(269));
  EXPECT_EQ(replay.Ask({.name = "www.example.test."}).answered_by, "cache");
  EXPECT_THAT(replay.Upstream(), IsEmpty());
  EXPECT_EQ(replay.stats().prefetches.value(), 0u);

  replay.clock().Advance(absl::Seconds(2));  // 29 s left
  const size_t first = replay.Submit({.name = "www.example.test."});
  const size_t second = replay.Submit({.name = "www.example.test."});
  // Both answered from the cache at once: no client waits for the refresh.
  EXPECT_THAT(replay.answer(first).answer, ElementsAre("www.example.test. 29 IN A 203.0.113.10",
                                                       "www.example.test. 29 IN A 203.0.113.11"));
  EXPECT_TRUE(replay.answer(second).answered);
  replay.RunUntilIdle();
  EXPECT_THAT(replay.Upstream(), ElementsAre("192.0.2.20 www.example.test. A"));
  EXPECT_EQ(replay.stats().prefetches.value(), 1u);
  EXPECT_THAT(replay.CachedRrset("www.example.test.", LDNS_RR_TYPE_A), ElementsAreArray(kFreshWww));

  replay.ForgetUpstream();
  replay.clock().Advance(absl::Seconds(30));  // past the old expiry
  EXPECT_EQ(replay.Ask({.name = "www.example.test."}).answered_by, "cache");
  EXPECT_THAT(replay.Upstream(), IsEmpty());
}

// num-queries-per-thread is full: the prefetch is not started rather than take the room.
TEST_P(ServeStaleReplay, PrefetchIsNotStartedWhenThePipelineIsFull) {
  ReplayOptions options = Prefetch();
  options.limits.max_requests = 2;
  ReplayHarness replay(StandardInternet(), options);
  replay.Ask({.name = "www.example.test."});
  replay.Misbehave({.name = "slow.example.test.", .fault = Fault::kTimeout});
  replay.clock().Advance(absl::Seconds(271));
  replay.ForgetUpstream();

  replay.Submit({.name = "slow.example.test."});  // pending: one place of two taken
  const size_t hit = replay.Submit({.name = "www.example.test."});
  EXPECT_TRUE(replay.answer(hit).answered);
  EXPECT_EQ(replay.stats().prefetches.value(), 0u);
  replay.RunUntilIdle();
  EXPECT_THAT(replay.Upstream(),
              ::testing::Not(::testing::Contains("192.0.2.20 www.example.test. A")));
}

// A prefetch under way is the first dropped when a client's request needs its place, however
// young it is.
TEST_P(ServeStaleReplay, PrefetchIsDroppedForAClientRequest) {
  ReplayOptions options = Prefetch();
  options.limits.max_requests = 2;
  ReplayHarness replay(StandardInternet(), options);
  replay.Ask({.name = "www.example.test."});
  replay.Misbehave({.name = "slow.example.test.", .fault = Fault::kTimeout});
  replay.clock().Advance(absl::Seconds(271));
  replay.ForgetUpstream();

  EXPECT_TRUE(replay.answer(replay.Submit({.name = "www.example.test."})).answered);
  EXPECT_EQ(replay.stats().prefetches.value(), 1u);                   // started: one place of two
  replay.Submit({.name = "slow.example.test."});                      // the second place
  const size_t client = replay.Submit({.name = "v4.example.test."});  // full: the prefetch goes
  EXPECT_EQ(replay.pipeline().stats().exceeded, 0u);
  ASSERT_TRUE(replay.RunUntilAnswered(client));
  EXPECT_EQ(replay.answer(client).rcode, "NOERROR");
  EXPECT_FALSE(replay.answer(client).dropped);
  replay.RunUntilIdle();
  // The refresh never finished: the entry still counts down from the first answer.
  EXPECT_THAT(replay.CachedRrset("www.example.test.", LDNS_RR_TYPE_A),
              ::testing::Not(ElementsAreArray(kFreshWww)));
}

// DNS64 (RFC 6147): the AAAA synthesized from a stale A record (the child request gets it on
// the same rules) is itself a stale answer, with EDE 3, though the AAAA's own NODATA is fresh.
TEST_P(ServeStaleReplay, Dns64SynthesisFromAStaleARecordIsStale) {
  ReplayOptions options = Stale(absl::Seconds(60));
  Dns64Options dns64;
  dns64.policy.prefixes = {Nat64Prefix::WellKnown()};
  options.dns64 = dns64;
  ReplayHarness replay(StandardInternet(), options);
  replay.Ask({.name = "v4.example.test."});  // the A record, 300 s
  replay.clock().Advance(absl::Seconds(200));
  const ClientQuestion aaaa = {
      .name = "v4.example.test.", .type = LDNS_RR_TYPE_AAAA, .dns64_view = true};
  EXPECT_THAT(replay.Ask(aaaa).answer,
              ElementsAre("v4.example.test. 100 IN AAAA 64:ff9b::506:708"));
  replay.clock().Advance(absl::Seconds(101));  // the A record expired, the NODATA has not
  replay.Misbehave({.server = "192.0.2.20", .fault = Fault::kServfail});

  const ClientAnswer stale = replay.Ask(aaaa);
  EXPECT_EQ(stale.rcode, "NOERROR");
  EXPECT_THAT(stale.answer, ElementsAre("v4.example.test. 30 IN AAAA 64:ff9b::506:708"));
  EXPECT_EQ(stale.ede, std::optional<uint16_t>(kEdeStaleAnswer));
}

INSTANTIATE_TEST_SUITE_P(QnameMinimisation, ServeStaleReplay, ::testing::Bool(), MinimisationName);

}  // namespace
}  // namespace rebound::replay
