// The health monitor's states: entering bootstrap state after repeated unreachable failures,
// probing the ordinary path on a fake clock, leaving on an ordinary answer, and the modes.
#include "bootstrap/health_monitor.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "resolver/core/clock.h"

namespace rebound {
namespace {

TEST(HealthMonitorTest, StartsOrdinary) {
  FakeClock clock;
  HealthMonitor m(BootstrapMode::kYes, &clock);
  EXPECT_EQ(m.mode(), BootstrapMode::kYes);
  EXPECT_TRUE(m.MayUseRelays());
  EXPECT_TRUE(m.OrdinaryAllowed());
  EXPECT_FALSE(m.RelaysFirst());
  EXPECT_FALSE(m.in_bootstrap());
  EXPECT_FALSE(m.ClaimProbe());
  EXPECT_EQ(m.counters(), HealthCounters{});
}

TEST(HealthMonitorTest, EntersAfterConsecutiveFailures) {
  FakeClock clock;
  HealthMonitor m(BootstrapMode::kYes, &clock, {.failures_to_enter = 3});
  m.OrdinaryUnreachable();
  m.OrdinaryUnreachable();
  EXPECT_FALSE(m.in_bootstrap());
  EXPECT_FALSE(m.RelaysFirst());
  m.OrdinaryUnreachable();
  EXPECT_TRUE(m.in_bootstrap());
  EXPECT_TRUE(m.RelaysFirst());
  EXPECT_TRUE(m.OrdinaryAllowed());
  m.OrdinaryUnreachable();  // more failures change nothing
  EXPECT_TRUE(m.in_bootstrap());
  const HealthCounters c = m.counters();
  EXPECT_EQ(c.entered, 1u);
  EXPECT_EQ(c.left, 0u);
  EXPECT_EQ(c.unreachable, 4u);
}

TEST(HealthMonitorTest, AnAnswerBetweenFailuresStartsTheCountOver) {
  FakeClock clock;
  HealthMonitor m(BootstrapMode::kYes, &clock, {.failures_to_enter = 3});
  m.OrdinaryUnreachable();
  m.OrdinaryUnreachable();
  m.OrdinaryAnswered();  // e.g. an authority's SERVFAIL or NXDOMAIN: the path works
  m.OrdinaryUnreachable();
  m.OrdinaryUnreachable();
  EXPECT_FALSE(m.in_bootstrap());
  m.OrdinaryUnreachable();
  EXPECT_TRUE(m.in_bootstrap());
  EXPECT_EQ(m.counters().unreachable, 5u);
}

TEST(HealthMonitorTest, LeavesWhenOrdinaryAnswers) {
  FakeClock clock;
  HealthMonitor m(BootstrapMode::kYes, &clock, {.failures_to_enter = 1});
  m.OrdinaryUnreachable();
  ASSERT_TRUE(m.in_bootstrap());
  m.OrdinaryAnswered();
  EXPECT_FALSE(m.in_bootstrap());
  EXPECT_FALSE(m.RelaysFirst());
  EXPECT_FALSE(m.ClaimProbe());
  // And back in, and out again: each transition counted.
  m.OrdinaryUnreachable();
  EXPECT_TRUE(m.in_bootstrap());
  m.OrdinaryAnswered();
  m.OrdinaryAnswered();
  const HealthCounters c = m.counters();
  EXPECT_EQ(c.entered, 2u);
  EXPECT_EQ(c.left, 2u);
  EXPECT_EQ(c.unreachable, 2u);
}

TEST(HealthMonitorTest, FailuresToEnterBelowOneCountsAsOne) {
  FakeClock clock;
  HealthMonitor m(BootstrapMode::kYes, &clock, {.failures_to_enter = 0});
  EXPECT_FALSE(m.in_bootstrap());
  m.OrdinaryUnreachable();
  EXPECT_TRUE(m.in_bootstrap());
}

TEST(HealthMonitorTest, ProbesOncePerInterval) {
  FakeClock clock;
  HealthMonitor m(BootstrapMode::kYes, &clock,
                  {.failures_to_enter = 2, .probe_interval = absl::Seconds(5)});
  m.OrdinaryUnreachable();
  m.OrdinaryUnreachable();
  ASSERT_TRUE(m.in_bootstrap());
  // Not at once: the path has just failed.
  EXPECT_FALSE(m.ClaimProbe());
  clock.Advance(absl::Seconds(4));
  EXPECT_FALSE(m.ClaimProbe());
  clock.Advance(absl::Seconds(1));
  EXPECT_TRUE(m.ClaimProbe());
  EXPECT_FALSE(m.ClaimProbe());  // the interval starts again at the claim
  clock.Advance(absl::Milliseconds(4999));
  EXPECT_FALSE(m.ClaimProbe());
  clock.Advance(absl::Milliseconds(1));
  EXPECT_TRUE(m.ClaimProbe());
  // A probe that fails is one more unreachable failure; the state stays.
  m.OrdinaryUnreachable();
  EXPECT_TRUE(m.in_bootstrap());
  clock.Advance(absl::Minutes(10));  // a long quiet spell grants one probe, not many
  EXPECT_TRUE(m.ClaimProbe());
  EXPECT_FALSE(m.ClaimProbe());
  EXPECT_EQ(m.counters().probes, 3u);
  // A probe that succeeds ends bootstrap state, and with it the probes.
  m.OrdinaryAnswered();
  clock.Advance(absl::Minutes(1));
  EXPECT_FALSE(m.ClaimProbe());
}

TEST(HealthMonitorTest, ReenteringWaitsAFullIntervalBeforeProbing) {
  FakeClock clock;
  HealthMonitor m(BootstrapMode::kYes, &clock,
                  {.failures_to_enter = 1, .probe_interval = absl::Seconds(5)});
  m.OrdinaryUnreachable();
  m.OrdinaryAnswered();
  clock.Advance(absl::Seconds(30));
  m.OrdinaryUnreachable();
  EXPECT_FALSE(m.ClaimProbe());
  clock.Advance(absl::Seconds(5));
  EXPECT_TRUE(m.ClaimProbe());
}

TEST(HealthMonitorTest, ModeNoNeverUsesRelays) {
  FakeClock clock;
  HealthMonitor m(BootstrapMode::kNo, &clock, {.failures_to_enter = 1});
  EXPECT_FALSE(m.MayUseRelays());
  EXPECT_TRUE(m.OrdinaryAllowed());
  for (int i = 0; i < 10; ++i) m.OrdinaryUnreachable();
  EXPECT_FALSE(m.in_bootstrap());
  EXPECT_FALSE(m.RelaysFirst());
  clock.Advance(absl::Hours(1));
  EXPECT_FALSE(m.ClaimProbe());
  EXPECT_EQ(m.counters().unreachable, 10u);  // still counted, for the statistics
  EXPECT_EQ(m.counters().entered, 0u);
}

TEST(HealthMonitorTest, ModeOnlyAlwaysRelaysAndNeverProbes) {
  FakeClock clock;
  HealthMonitor m(BootstrapMode::kOnly, &clock, {.failures_to_enter = 1});
  EXPECT_TRUE(m.MayUseRelays());
  EXPECT_TRUE(m.RelaysFirst());
  EXPECT_FALSE(m.OrdinaryAllowed());
  m.OrdinaryUnreachable();
  clock.Advance(absl::Hours(1));
  EXPECT_FALSE(m.ClaimProbe());
  EXPECT_FALSE(m.in_bootstrap());
  m.OrdinaryAnswered();
  EXPECT_TRUE(m.RelaysFirst());
  EXPECT_EQ(m.counters().entered, 0u);
}

TEST(HealthMonitorTest, ExactlyOneThreadWinsEachProbe) {
  FakeClock clock;
  HealthMonitor m(BootstrapMode::kYes, &clock,
                  {.failures_to_enter = 1, .probe_interval = absl::Seconds(5)});
  m.OrdinaryUnreachable();
  clock.Advance(absl::Seconds(5));
  std::atomic<int> winners{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&m, &winners] {
      for (int i = 0; i < 1000; ++i) {
        if (m.ClaimProbe()) winners.fetch_add(1);
        m.OrdinaryUnreachable();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(winners.load(), 1);
  EXPECT_TRUE(m.in_bootstrap());
  EXPECT_EQ(m.counters().unreachable, 8001u);
  EXPECT_EQ(m.counters().entered, 1u);
}

TEST(HealthMonitorTest, ConcurrentAnswersAndFailuresKeepCountersConsistent) {
  FakeClock clock;
  HealthMonitor m(BootstrapMode::kYes, &clock, {.failures_to_enter = 2});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&m, t] {
      for (int i = 0; i < 2000; ++i) {
        if (t % 2 == 0) {
          m.OrdinaryUnreachable();
        } else {
          m.OrdinaryAnswered();
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const HealthCounters c = m.counters();
  EXPECT_EQ(c.unreachable, 4000u);
  // Every exit follows an entry; at most one entry is still open.
  EXPECT_GE(c.entered, c.left);
  EXPECT_LE(c.entered - c.left, 1u);
  EXPECT_EQ(m.in_bootstrap(), c.entered > c.left);
  m.OrdinaryAnswered();
  EXPECT_FALSE(m.in_bootstrap());
  EXPECT_EQ(m.counters().entered, m.counters().left);
}

}  // namespace
}  // namespace rebound
