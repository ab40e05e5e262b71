#include "resolver/server/descriptor_limit.h"

#include <gtest/gtest.h>

namespace rebound {
namespace {

// Two threads, one listening address, 100 connections each, four relays: 2 * (1 * (2 + 100) + 4
// + 32) = 276 besides the upstream sockets, and 64 for the process.
Config TwoThreads(int outgoing_range) {
  Config config;
  config.num_threads = 2;
  config.interfaces = {*Endpoint::Parse("::1", 53)};
  config.incoming_num_tcp = 100;
  config.bootstrap.relays.resize(4);
  config.outgoing_range = outgoing_range;
  return config;
}

TEST(DescriptorLimitTest, CountsUpstreamSocketsConnectionsAndListenersPerThread) {
  const Config config = TwoThreads(1000);
  const DescriptorNeeds needs = DescriptorsNeeded(config);
  EXPECT_EQ(needs.per_thread_besides_upstream, 138u);
  EXPECT_EQ(needs.Total(config), 64u + 2 * (138 + 1000));
}

TEST(DescriptorLimitTest, RaisesTheSoftLimitWithinTheHardOne) {
  const DescriptorFit fit = PlanDescriptorLimit(TwoThreads(1000), 1024, 1 << 20, false);
  EXPECT_EQ(fit.limit, 2340u);
  EXPECT_EQ(fit.needed, 2340u);
  EXPECT_FALSE(fit.lowered);
  EXPECT_EQ(fit.outgoing_range, 1000);
}

TEST(DescriptorLimitTest, NeverLowersALimitThatIsAlreadyHigher) {
  const DescriptorFit fit = PlanDescriptorLimit(TwoThreads(1000), 1 << 20, 1 << 20, false);
  EXPECT_EQ(fit.limit, 1u << 20);
  EXPECT_FALSE(fit.lowered);
}

TEST(DescriptorLimitTest, RaisesTheHardLimitWhenAllowed) {
  const DescriptorFit fit = PlanDescriptorLimit(TwoThreads(4096), 1024, 1024, true);
  EXPECT_EQ(fit.limit, 64u + 2 * (138 + 4096));
  EXPECT_FALSE(fit.lowered);
}

// unbound's "continuing with less udp ports": what the hard limit leaves after the listeners,
// the connections and the process, shared by the threads.
TEST(DescriptorLimitTest, LowersOutgoingRangeToWhatTheHardLimitLeaves) {
  const DescriptorFit fit = PlanDescriptorLimit(TwoThreads(4096), 1024, 1024, false);
  EXPECT_EQ(fit.limit, 1024u);
  EXPECT_TRUE(fit.lowered);
  EXPECT_EQ(fit.outgoing_range, (1024 - 64 - 2 * 138) / 2);
}

TEST(DescriptorLimitTest, KeepsAFewUpstreamSocketsWhateverTheLimit) {
  const DescriptorFit fit = PlanDescriptorLimit(TwoThreads(4096), 100, 100, false);
  EXPECT_TRUE(fit.lowered);
  EXPECT_EQ(fit.outgoing_range, 16);
}

}  // namespace
}  // namespace rebound
