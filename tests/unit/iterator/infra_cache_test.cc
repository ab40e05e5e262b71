#include "resolver/iterator/infra_cache.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"

namespace rebound {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

Endpoint Addr(const std::string& text) { return Endpoint::Parse(text, 53).value(); }
LdnsRdfPtr Name(const char* s) { return LdnsRdfPtr(ldns_dname_new_frm_str(s)); }

class InfraCacheTest : public ::testing::Test {
 protected:
  InfraCacheOptions DefaultOptions() {
    InfraCacheOptions options;
    options.shards = 1;
    return options;
  }

  FakeClock clock_;
  InfraCacheOptions options_ = DefaultOptions();
  InfraCache cache_{options_, &clock_};
  const Endpoint a_ = Addr("192.0.2.1");
  const Endpoint b_ = Addr("192.0.2.2");
  const Endpoint c_ = Addr("2001:db8::3");
  const Endpoint d_ = Addr("2001:db8::4");
};

TEST_F(InfraCacheTest, UnknownServerGetsTheInitialTimeout) {
  EXPECT_EQ(cache_.Timeout(a_), absl::Milliseconds(376));
  EXPECT_FALSE(cache_.IsDown(a_));
  EXPECT_FALSE(cache_.Lookup(a_));
  EXPECT_EQ(cache_.size(), 0u);  // reading creates nothing
}

TEST_F(InfraCacheTest, FirstReplySetsSrttAndHalfOfItAsVariance) {
  cache_.RecordReply(a_, absl::Milliseconds(100));
  // RFC 6298 2.2: SRTT = R, RTTVAR = R/2, RTO = SRTT + 4 * RTTVAR.
  EXPECT_EQ(cache_.Timeout(a_), absl::Milliseconds(300));
  std::optional<InfraServerInfo> info = cache_.Lookup(a_);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->srtt, absl::Milliseconds(100));
  EXPECT_EQ(info->rttvar, absl::Milliseconds(50));
  EXPECT_EQ(cache_.Timeout(b_), absl::Milliseconds(376));  // other servers unaffected
}

TEST_F(InfraCacheTest, SecondReplyFollowsRfc6298Smoothing) {
  cache_.RecordReply(a_, absl::Milliseconds(100));
  cache_.RecordReply(a_, absl::Milliseconds(200));
  std::optional<InfraServerInfo> info = cache_.Lookup(a_);
  ASSERT_TRUE(info);
  // RTTVAR = 3/4 * 50 + 1/4 * |100 - 200| = 62.5; SRTT = 7/8 * 100 + 1/8 * 200 = 112.5.
  EXPECT_EQ(info->rttvar, absl::Microseconds(62500));
  EXPECT_EQ(info->srtt, absl::Microseconds(112500));
  EXPECT_EQ(cache_.Timeout(a_), absl::Microseconds(362500));
}

TEST_F(InfraCacheTest, TimeoutConvergesOnAStableRtt) {
  for (int i = 0; i < 60; ++i) cache_.RecordReply(a_, absl::Milliseconds(120));
  EXPECT_LT(cache_.Timeout(a_), absl::Milliseconds(121));
  EXPECT_GE(cache_.Timeout(a_), absl::Milliseconds(120));
  // A slower path is followed too.
  for (int i = 0; i < 100; ++i) cache_.RecordReply(a_, absl::Milliseconds(400));
  EXPECT_GT(cache_.Timeout(a_), absl::Milliseconds(399));
  EXPECT_LT(cache_.Timeout(a_), absl::Milliseconds(402));
}

TEST_F(InfraCacheTest, TimeoutIsClampedBelow) {
  for (int i = 0; i < 60; ++i) cache_.RecordReply(a_, absl::Milliseconds(1));
  EXPECT_EQ(cache_.Timeout(a_), options_.min_rto);
  cache_.RecordReply(b_, absl::Milliseconds(-5));  // clock oddities are not negative RTTs
  EXPECT_EQ(cache_.Lookup(b_)->srtt, absl::ZeroDuration());
}

TEST_F(InfraCacheTest, TimeoutsDoubleTheTimeoutUpToTheMaximum) {
  cache_.RecordReply(a_, absl::Milliseconds(100));  // RTO 300 ms
  cache_.RecordTimeout(a_);
  EXPECT_EQ(cache_.Timeout(a_), absl::Milliseconds(600));
  cache_.RecordTimeout(a_);
  EXPECT_EQ(cache_.Timeout(a_), absl::Milliseconds(1200));
  cache_.RecordTimeout(a_);
  EXPECT_EQ(cache_.Timeout(a_), absl::Milliseconds(2400));
  cache_.RecordTimeout(a_);
  EXPECT_EQ(cache_.Timeout(a_), absl::Seconds(3));
  for (int i = 0; i < 2000; ++i) cache_.RecordTimeout(a_);  // no overflow
  EXPECT_EQ(cache_.Timeout(a_), absl::Seconds(3));
  // A reply ends the backoff.
  cache_.RecordReply(a_, absl::Milliseconds(100));
  EXPECT_LT(cache_.Timeout(a_), absl::Milliseconds(300));
  EXPECT_EQ(cache_.Lookup(a_)->consecutive_timeouts, 0);
}

TEST_F(InfraCacheTest, UnknownServerBacksOffFromTheInitialTimeout) {
  cache_.RecordTimeout(a_);
  EXPECT_EQ(cache_.Timeout(a_), absl::Milliseconds(752));
}

TEST_F(InfraCacheTest, DownAfterConsecutiveTimeoutsAndUpAgainAfterDownTime) {
  cache_.RecordTimeout(a_);
  cache_.RecordTimeout(a_);
  EXPECT_FALSE(cache_.IsDown(a_));
  cache_.RecordTimeout(a_);
  EXPECT_TRUE(cache_.IsDown(a_));
  clock_.Advance(options_.down_time - absl::Milliseconds(1));
  EXPECT_TRUE(cache_.IsDown(a_));
  clock_.Advance(absl::Milliseconds(1));
  EXPECT_FALSE(cache_.IsDown(a_));  // probe-able
  // The probe times out too: down again at once, the run of timeouts goes on.
  cache_.RecordTimeout(a_);
  EXPECT_TRUE(cache_.IsDown(a_));
  // Any reply brings it back.
  cache_.RecordReply(a_, absl::Milliseconds(30));
  EXPECT_FALSE(cache_.IsDown(a_));
  cache_.RecordTimeout(a_);
  EXPECT_FALSE(cache_.IsDown(a_));
}

TEST_F(InfraCacheTest, RepliesInterruptARunOfTimeouts) {
  cache_.RecordTimeout(a_);
  cache_.RecordTimeout(a_);
  cache_.RecordReply(a_, absl::Milliseconds(30));
  cache_.RecordTimeout(a_);
  cache_.RecordTimeout(a_);
  EXPECT_FALSE(cache_.IsDown(a_));
}

TEST_F(InfraCacheTest, UnreachableIsDownAtOnceWithoutBackoff) {
  cache_.RecordReply(a_, absl::Milliseconds(100));
  const absl::Duration before = cache_.Timeout(a_);
  cache_.RecordUnreachable(a_);
  EXPECT_TRUE(cache_.IsDown(a_));
  EXPECT_TRUE(cache_.Lookup(a_)->down);
  EXPECT_EQ(cache_.Timeout(a_), before);
  clock_.Advance(options_.down_time);
  EXPECT_FALSE(cache_.IsDown(a_));
}

TEST_F(InfraCacheTest, OrderPutsDownServersLastLongestDownFirst) {
  cache_.RecordUnreachable(a_);
  clock_.Advance(absl::Seconds(1));
  cache_.RecordUnreachable(b_);
  cache_.RecordReply(c_, absl::Milliseconds(2000));  // slow, but up
  const std::vector<Endpoint> candidates = {b_, a_, c_};
  for (int i = 0; i < 20; ++i) EXPECT_THAT(cache_.Order(candidates), ElementsAre(2, 1, 0));
}

TEST_F(InfraCacheTest, OrderShufflesServersWithinTheBand) {
  cache_.RecordReply(a_, absl::Milliseconds(10));
  cache_.RecordReply(b_, absl::Milliseconds(300));
  const std::vector<Endpoint> candidates = {a_, b_};
  std::set<std::vector<size_t>> seen;
  for (int i = 0; i < 200; ++i) seen.insert(cache_.Order(candidates));
  EXPECT_THAT(seen, UnorderedElementsAre(ElementsAre(0, 1), ElementsAre(1, 0)));
}

TEST_F(InfraCacheTest, UnknownServersAreExploredNextToFastOnes) {
  cache_.RecordReply(a_, absl::Milliseconds(20));
  const std::vector<Endpoint> candidates = {a_, b_};  // b_ unknown: 376 ms, within the band
  std::set<size_t> first;
  for (int i = 0; i < 200; ++i) first.insert(cache_.Order(candidates)[0]);
  EXPECT_THAT(first, UnorderedElementsAre(0, 1));
}

TEST_F(InfraCacheTest, OrderSortsServersOutsideTheBandByRtt) {
  cache_.RecordReply(a_, absl::Milliseconds(10));
  cache_.RecordReply(b_, absl::Milliseconds(2000));
  cache_.RecordReply(c_, absl::Milliseconds(600));
  cache_.RecordReply(d_, absl::Milliseconds(1200));
  const std::vector<Endpoint> candidates = {a_, b_, c_, d_};
  for (int i = 0; i < 20; ++i) EXPECT_THAT(cache_.Order(candidates), ElementsAre(0, 2, 3, 1));
}

TEST_F(InfraCacheTest, TimeoutsPushAServerBackInTheOrder) {
  cache_.RecordReply(a_, absl::Milliseconds(100));
  cache_.RecordReply(b_, absl::Milliseconds(300));
  cache_.RecordTimeout(a_);
  cache_.RecordTimeout(a_);  // expected 4 * 100 ms: now the best, the band ends at 800 ms
  cache_.RecordTimeout(b_);
  cache_.RecordTimeout(b_);  // 4 * 300 ms: out of the band
  const std::vector<Endpoint> candidates = {a_, b_};
  for (int i = 0; i < 20; ++i) EXPECT_THAT(cache_.Order(candidates), ElementsAre(0, 1));
}

TEST_F(InfraCacheTest, OrderIsAPermutation) {
  EXPECT_TRUE(cache_.Order({}).empty());
  cache_.RecordUnreachable(b_);
  const std::vector<Endpoint> candidates = {a_, b_, a_, c_, d_, b_};
  for (int i = 0; i < 50; ++i) {
    std::vector<size_t> order = cache_.Order(candidates);
    std::sort(order.begin(), order.end());
    EXPECT_THAT(order, ElementsAre(0, 1, 2, 3, 4, 5));
  }
}

TEST_F(InfraCacheTest, EntriesExpireHostTtlAfterCreation) {
  cache_.SetEdnsUnsupported(a_);
  cache_.RecordReply(a_, absl::Milliseconds(10));
  clock_.Advance(absl::Minutes(14));
  cache_.RecordReply(a_, absl::Milliseconds(10));  // does not extend the entry's life
  EXPECT_TRUE(cache_.EdnsUnsupported(a_));
  clock_.Advance(absl::Minutes(1));
  EXPECT_FALSE(cache_.EdnsUnsupported(a_));
  EXPECT_FALSE(cache_.Lookup(a_));
  EXPECT_EQ(cache_.Timeout(a_), options_.initial_rto);
  // The next write drops the expired entry and starts afresh.
  cache_.RecordTimeout(b_);
  EXPECT_EQ(cache_.size(), 1u);
  cache_.RecordTimeout(a_);
  EXPECT_EQ(cache_.size(), 2u);
  EXPECT_EQ(cache_.Lookup(a_)->consecutive_timeouts, 1);
  EXPECT_FALSE(cache_.Lookup(a_)->srtt);
}

TEST_F(InfraCacheTest, PortsAreDifferentServers) {
  cache_.SetEdnsUnsupported(a_);
  EXPECT_FALSE(cache_.EdnsUnsupported(Addr("192.0.2.1@5353")));
  EXPECT_TRUE(cache_.EdnsUnsupported(Addr("192.0.2.1@53")));
  EXPECT_FALSE(cache_.EdnsUnsupported(Addr("::ffff:192.0.2.1")));
}

TEST_F(InfraCacheTest, ProtocolFlagsArePerServer) {
  EXPECT_FALSE(cache_.EdnsUnsupported(a_));
  EXPECT_FALSE(cache_.CaseNotEchoed(a_));
  cache_.SetEdnsUnsupported(a_);
  for (int i = 0; i < options_.case_mismatches_to_disable; ++i) {
    cache_.RecordCaseMismatch(b_);
  }
  EXPECT_TRUE(cache_.EdnsUnsupported(a_));
  EXPECT_FALSE(cache_.CaseNotEchoed(a_));
  EXPECT_FALSE(cache_.EdnsUnsupported(b_));
  EXPECT_TRUE(cache_.CaseNotEchoed(b_));
  // Flags survive replies and timeouts.
  cache_.RecordReply(a_, absl::Milliseconds(5));
  cache_.RecordTimeout(b_);
  EXPECT_TRUE(cache_.EdnsUnsupported(a_));
  EXPECT_TRUE(cache_.CaseNotEchoed(b_));
}

// Issue 15 item 7: one reply with the wrong case, then the real one lost, is what a blind
// forger can produce; it must not turn 0x20 off for the server.
TEST_F(InfraCacheTest, OneCaseMismatchDoesNotTurn0x20Off) {
  cache_.RecordCaseMismatch(a_);
  EXPECT_FALSE(cache_.CaseNotEchoed(a_));
  cache_.RecordCaseMismatch(a_);
  EXPECT_FALSE(cache_.CaseNotEchoed(a_));
  EXPECT_EQ(cache_.Lookup(a_)->case_mismatches, 2);
  cache_.RecordCaseMismatch(a_);
  EXPECT_TRUE(cache_.CaseNotEchoed(a_));
  EXPECT_TRUE(cache_.Lookup(a_)->case_not_echoed);
}

TEST_F(InfraCacheTest, AnEchoedReplyClearsTheCaseEvidence) {
  cache_.RecordCaseMismatch(a_);
  cache_.RecordCaseMismatch(a_);
  cache_.RecordCaseEchoed(a_);  // the server does echo: those two were forgeries
  cache_.RecordCaseMismatch(a_);
  cache_.RecordCaseMismatch(a_);
  EXPECT_FALSE(cache_.CaseNotEchoed(a_));
}

TEST_F(InfraCacheTest, CaseMismatchesCountOnlyWithinTheWindow) {
  const InfraCacheOptions& defaults = options_;
  cache_.RecordCaseMismatch(a_);
  cache_.RecordCaseMismatch(a_);
  clock_.Advance(defaults.case_mismatch_window + absl::Seconds(1));
  cache_.RecordCaseMismatch(a_);  // a new window starts here
  EXPECT_FALSE(cache_.CaseNotEchoed(a_));
  cache_.RecordCaseMismatch(a_);
  cache_.RecordCaseMismatch(a_);
  EXPECT_TRUE(cache_.CaseNotEchoed(a_));
}

TEST_F(InfraCacheTest, ZeroXTwentyComesBackAfterTheOffTime) {
  const InfraCacheOptions& defaults = options_;
  for (int i = 0; i < defaults.case_mismatches_to_disable; ++i) cache_.RecordCaseMismatch(a_);
  ASSERT_TRUE(cache_.CaseNotEchoed(a_));
  EXPECT_LT(defaults.case_off_time, defaults.host_ttl) << "no shorter than the old 15 minutes";
  clock_.Advance(defaults.case_off_time - absl::Seconds(1));
  EXPECT_TRUE(cache_.CaseNotEchoed(a_));
  clock_.Advance(absl::Seconds(1));
  EXPECT_FALSE(cache_.CaseNotEchoed(a_));
}

TEST_F(InfraCacheTest, LamenessIsPerServerAndZone) {
  cache_.SetLame(a_, Name("Example.COM.").get());
  EXPECT_TRUE(cache_.IsLame(a_, Name("example.com.").get()));
  EXPECT_FALSE(cache_.IsLame(a_, Name("www.example.com.").get()));
  EXPECT_FALSE(cache_.IsLame(a_, Name("com.").get()));
  EXPECT_FALSE(cache_.IsLame(b_, Name("example.com.").get()));
  cache_.SetLame(a_, Name("example.com.").get());  // once only
  EXPECT_EQ(cache_.Lookup(a_)->lame_zones, 1u);
  EXPECT_FALSE(cache_.IsDown(a_));  // lame is not down
}

TEST(InfraCacheLimitsTest, LameZonesPerServerAreBounded) {
  FakeClock clock;
  InfraCache cache(InfraCacheOptions{.max_lame_zones_per_host = 2}, &clock);
  const Endpoint a = Addr("192.0.2.1");
  cache.SetLame(a, Name("one.test.").get());
  cache.SetLame(a, Name("two.test.").get());
  cache.SetLame(a, Name("three.test.").get());
  EXPECT_FALSE(cache.IsLame(a, Name("one.test.").get()));
  EXPECT_TRUE(cache.IsLame(a, Name("two.test.").get()));
  EXPECT_TRUE(cache.IsLame(a, Name("three.test.").get()));
}

TEST(InfraCacheLimitsTest, OldestEntriesAreEvicted) {
  FakeClock clock;
  InfraCache cache(InfraCacheOptions{.max_hosts = 4, .shards = 1}, &clock);
  for (int i = 1; i <= 10; ++i) {
    cache.RecordReply(Addr(absl::StrCat("192.0.2.", i)), absl::Milliseconds(i));
    clock.Advance(absl::Seconds(1));
  }
  EXPECT_EQ(cache.size(), 4u);
  for (int i = 1; i <= 6; ++i) EXPECT_FALSE(cache.Lookup(Addr(absl::StrCat("192.0.2.", i)))) << i;
  for (int i = 7; i <= 10; ++i) EXPECT_TRUE(cache.Lookup(Addr(absl::StrCat("192.0.2.", i)))) << i;
}

TEST(InfraCacheLimitsTest, MaxHostsHoldsOverAllShards) {
  FakeClock clock;
  InfraCache cache(InfraCacheOptions{.max_hosts = 100, .shards = 16}, &clock);
  for (int i = 0; i < 2000; ++i) {
    cache.RecordTimeout(Addr(absl::StrCat("2001:db8::", absl::Hex(i))));
    EXPECT_LE(cache.size(), 100u);
  }
  EXPECT_GT(cache.size(), 50u);
  InfraCache tiny(InfraCacheOptions{.max_hosts = 3, .shards = 16}, &clock);
  for (int i = 0; i < 100; ++i) tiny.RecordTimeout(Addr(absl::StrCat("192.0.2.", i)));
  EXPECT_LE(tiny.size(), 3u);
}

TEST(InfraCacheLimitsTest, SafeFromManyThreads) {
  FakeClock clock;
  InfraCache cache(InfraCacheOptions{.max_hosts = 64}, &clock);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      std::vector<Endpoint> servers;
      for (int i = 0; i < 8; ++i) servers.push_back(Addr(absl::StrCat("192.0.", t, ".", i)));
      for (int i = 0; i < 5000; ++i) {
        const Endpoint& s = servers[i % servers.size()];
        switch (i % 5) {
          case 0:
            cache.RecordReply(s, absl::Milliseconds(i % 300));
            break;
          case 1:
            cache.RecordTimeout(s);
            break;
          case 2:
            cache.Order(servers);
            break;
          case 3:
            cache.SetLame(s, Name("zone.test.").get());
            break;
          default:
            cache.Timeout(s);
            cache.IsDown(s);
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_LE(cache.size(), 64u);
}

}  // namespace
}  // namespace rebound
