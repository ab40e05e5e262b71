// The health monitor's states: a client's "no reachable authority" only asks for a probe of the
// root servers (rate-limited), the probe's silence enters bootstrap state, probing the ordinary
// path on a fake clock, leaving on an ordinary answer, and the modes.
#include "bootstrap/health_monitor.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "resolver/core/clock.h"

namespace rebound {
namespace {

// A client failure that is granted a probe, and the probe finding the root silent.
void EnterByRootOutage(HealthMonitor& m) {
  ASSERT_TRUE(m.OrdinaryUnreachable());
  m.ProbeDone(ProbeOutcome::kUnreachable);
  ASSERT_TRUE(m.in_bootstrap());
}

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

// Issue 15 item 6: any client can make its own lookups fail; that alone must never enter.
TEST(HealthMonitorTest, ClientFailuresAloneNeverEnter) {
  FakeClock clock;
  HealthMonitor m(BootstrapMode::kYes, &clock);
  for (int i = 0; i < 1000; ++i) m.OrdinaryUnreachable();
  clock.Advance(absl::Hours(1));
  for (int i = 0; i < 1000; ++i) m.OrdinaryUnreachable();
  EXPECT_FALSE(m.in_bootstrap());
  EXPECT_FALSE(m.RelaysFirst());
  EXPECT_EQ(m.counters().unreachable, 2000u);
  EXPECT_EQ(m.counters().entered, 0u);
}

TEST(HealthMonitorTest, ASilentRootEntersAndARootThatAnswersDoesNot) {
  FakeClock clock;
  HealthMonitor m(BootstrapMode::kYes, &clock);
  ASSERT_TRUE(m.OrdinaryUnreachable());
  m.ProbeDone(ProbeOutcome::kReached);  // one zone's servers are dead, the root is fine
  EXPECT_FALSE(m.in_bootstrap());
  EXPECT_EQ(m.counters().dismissed, 1u);
  clock.Advance(HealthOptions{}.verify_interval);
  ASSERT_TRUE(m.OrdinaryUnreachable());
  m.ProbeDone(ProbeOutcome::kUnreachable);
  EXPECT_TRUE(m.in_bootstrap());
  EXPECT_TRUE(m.RelaysFirst());
  EXPECT_TRUE(m.OrdinaryAllowed());
  const HealthCounters c = m.counters();
  EXPECT_EQ(c.entered, 1u);
  EXPECT_EQ(c.verifications, 2u);
  EXPECT_EQ(c.unreachable, 2u);
}

TEST(HealthMonitorTest, ALocalFailureOfTheProbeIsNoOutage) {
  FakeClock clock;
  HealthMonitor m(BootstrapMode::kYes, &clock);
  ASSERT_TRUE(m.OrdinaryUnreachable());
  m.ProbeDone(ProbeOutcome::kInconclusive);
  EXPECT_FALSE(m.in_bootstrap());
}

TEST(HealthMonitorTest, ProbesForClientFailuresAreRateLimitedAndOneAtATime) {
  FakeClock clock;
  HealthMonitor m(BootstrapMode::kYes, &clock, {.verify_interval = absl::Seconds(5)});
  EXPECT_TRUE(m.OrdinaryUnreachable());
  EXPECT_FALSE(m.OrdinaryUnreachable()) << "a second probe while the first runs";
  clock.Advance(absl::Seconds(10));
  EXPECT_FALSE(m.OrdinaryUnreachable()) << "a second probe while the first runs";
  m.ProbeDone(ProbeOutcome::kReached);
  EXPECT_TRUE(m.OrdinaryUnreachable());  // the interval since the start has passed
  m.ProbeDone(ProbeOutcome::kReached);
  clock.Advance(absl::Milliseconds(4999));
  EXPECT_FALSE(m.OrdinaryUnreachable());
  clock.Advance(absl::Milliseconds(1));
  EXPECT_TRUE(m.OrdinaryUnreachable());
  EXPECT_EQ(m.counters().verifications, 3u);
}

TEST(HealthMonitorTest, AProbeThatNeverReportsIsTakenAsLost) {
  FakeClock clock;
  HealthMonitor m(BootstrapMode::kYes, &clock, {.probe_lost_after = absl::Seconds(30)});
  EXPECT_TRUE(m.OrdinaryUnreachable());
  clock.Advance(absl::Seconds(29));
  EXPECT_FALSE(m.OrdinaryUnreachable());
  clock.Advance(absl::Seconds(1));
  EXPECT_TRUE(m.OrdinaryUnreachable());
}

TEST(HealthMonitorTest, LeavesWhenOrdinaryAnswers) {
  FakeClock clock;
  HealthMonitor m(BootstrapMode::kYes, &clock);
  EnterByRootOutage(m);
  m.OrdinaryAnswered();
  EXPECT_FALSE(m.in_bootstrap());
  EXPECT_FALSE(m.RelaysFirst());
  EXPECT_FALSE(m.ClaimProbe());
  // And back in, and out again: each transition counted.
  clock.Advance(HealthOptions{}.verify_interval);
  EnterByRootOutage(m);
  m.OrdinaryAnswered();
  m.OrdinaryAnswered();
  const HealthCounters c = m.counters();
  EXPECT_EQ(c.entered, 2u);
  EXPECT_EQ(c.left, 2u);
}

TEST(HealthMonitorTest, ProbesOncePerInterval) {
  FakeClock clock;
  HealthMonitor m(BootstrapMode::kYes, &clock, {.probe_interval = absl::Seconds(5)});
  EnterByRootOutage(m);
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
  // A probe that fails changes nothing; neither do client failures in bootstrap state.
  m.ProbeDone(ProbeOutcome::kUnreachable);
  EXPECT_FALSE(m.OrdinaryUnreachable());
  EXPECT_TRUE(m.in_bootstrap());
  clock.Advance(absl::Minutes(10));  // a long quiet spell grants one probe, not many
  EXPECT_TRUE(m.ClaimProbe());
  EXPECT_FALSE(m.ClaimProbe());
  EXPECT_EQ(m.counters().probes, 3u);
  // A probe that succeeds ends bootstrap state, and with it the probes.
  m.ProbeDone(ProbeOutcome::kReached);
  EXPECT_FALSE(m.in_bootstrap());
  clock.Advance(absl::Minutes(1));
  EXPECT_FALSE(m.ClaimProbe());
}

TEST(HealthMonitorTest, ModeNoNeverUsesRelays) {
  FakeClock clock;
  HealthMonitor m(BootstrapMode::kNo, &clock);
  EXPECT_FALSE(m.MayUseRelays());
  EXPECT_TRUE(m.OrdinaryAllowed());
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(m.OrdinaryUnreachable());
  m.ProbeDone(ProbeOutcome::kUnreachable);
  EXPECT_FALSE(m.in_bootstrap());
  EXPECT_FALSE(m.RelaysFirst());
  clock.Advance(absl::Hours(1));
  EXPECT_FALSE(m.ClaimProbe());
  EXPECT_EQ(m.counters().unreachable, 10u);  // still counted, for the statistics
  EXPECT_EQ(m.counters().entered, 0u);
}

TEST(HealthMonitorTest, ModeOnlyAlwaysRelaysAndNeverProbes) {
  FakeClock clock;
  HealthMonitor m(BootstrapMode::kOnly, &clock);
  EXPECT_TRUE(m.MayUseRelays());
  EXPECT_TRUE(m.RelaysFirst());
  EXPECT_FALSE(m.OrdinaryAllowed());
  EXPECT_FALSE(m.OrdinaryUnreachable());
  clock.Advance(absl::Hours(1));
  EXPECT_FALSE(m.ClaimProbe());
  EXPECT_FALSE(m.in_bootstrap());
  m.OrdinaryAnswered();
  EXPECT_TRUE(m.RelaysFirst());
  EXPECT_EQ(m.counters().entered, 0u);
}

TEST(HealthMonitorTest, ExactlyOneThreadWinsEachProbe) {
  FakeClock clock;
  HealthMonitor m(BootstrapMode::kYes, &clock, {.probe_interval = absl::Seconds(5)});
  std::atomic<int> verifiers{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&m, &verifiers] {
      for (int i = 0; i < 1000; ++i) {
        if (m.OrdinaryUnreachable()) verifiers.fetch_add(1);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(verifiers.load(), 1);
  m.ProbeDone(ProbeOutcome::kUnreachable);
  ASSERT_TRUE(m.in_bootstrap());
  clock.Advance(absl::Seconds(5));
  std::atomic<int> winners{0};
  threads.clear();
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
  EXPECT_EQ(m.counters().unreachable, 16000u);
  EXPECT_EQ(m.counters().entered, 1u);
}

}  // namespace
}  // namespace rebound
