// tcp-connection-limit's counting (ConnectionLimits) and the wait for a message under pressure.
#include "resolver/server/connection_limits.h"

#include <vector>

#include "gtest/gtest.h"
#include "resolver/core/connection_pressure.h"

namespace rebound {
namespace {

Endpoint Client(const char* text) { return *Endpoint::Parse(text, 40000); }

TcpConnectionLimit Limit(const char* netblock, int limit) {
  return {*AddressRange::Parse(netblock), limit};
}

TEST(ConnectionLimitsTest, ANetblockSharesItsCountAndTicketsGiveItBack) {
  ConnectionLimits limits({Limit("192.0.2.0/24", 2)});
  ConnectionLimits::Ticket a = limits.Admit(Client("192.0.2.1"));
  ConnectionLimits::Ticket b = limits.Admit(Client("192.0.2.2"));
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(limits.Admit(Client("192.0.2.3")), nullptr);  // the /24 holds two, as in unbound
  EXPECT_EQ(limits.HeldBy(Client("192.0.2.200")), 2);
  a.reset();
  EXPECT_EQ(limits.HeldBy(Client("192.0.2.1")), 1);
  EXPECT_NE(limits.Admit(Client("192.0.2.3")), nullptr);  // the temporary is released at once
  EXPECT_EQ(limits.HeldBy(Client("192.0.2.1")), 1);
}

TEST(ConnectionLimitsTest, LongestNetblockWinsZeroBlocksUncoveredIsFree) {
  ConnectionLimits limits(
      {Limit("0.0.0.0/0", 100), Limit("192.0.2.0/24", 0), Limit("192.0.2.7/32", 1)});
  EXPECT_EQ(limits.Admit(Client("192.0.2.1")), nullptr);
  ConnectionLimits::Ticket one = limits.Admit(Client("192.0.2.7"));
  EXPECT_NE(one, nullptr);
  EXPECT_EQ(limits.Admit(Client("192.0.2.7")), nullptr);
  EXPECT_NE(limits.Admit(Client("::ffff:198.51.100.1")), nullptr);  // matched as IPv4: the /0
  EXPECT_EQ(limits.HeldBy(Client("198.51.100.1")), 0);
  std::vector<ConnectionLimits::Ticket> v6;
  for (int i = 0; i < 1000; ++i) v6.push_back(limits.Admit(Client("2001:db8::1")));
  for (const auto& t : v6) EXPECT_NE(t, nullptr);  // no IPv6 netblock: not counted
}

TEST(ConnectionLimitsTest, NoLimitsAdmitsEveryone) {
  ConnectionLimits limits({});
  for (int i = 0; i < 10; ++i) EXPECT_NE(limits.Admit(Client("192.0.2.1")), nullptr);
}

TEST(MessageWaitTest, ShrinksAsTheSlotsFill) {
  const absl::Duration idle = absl::Seconds(30);
  EXPECT_EQ(MessageWait(idle, 0, 100), idle);
  EXPECT_EQ(MessageWait(idle, 50, 100), idle);
  EXPECT_EQ(MessageWait(idle, 51, 100), absl::Seconds(3));
  EXPECT_EQ(MessageWait(idle, 75, 100), absl::Seconds(3));
  EXPECT_EQ(MessageWait(idle, 76, 100), absl::Milliseconds(300));
  EXPECT_EQ(MessageWait(idle, 100, 100), absl::Milliseconds(300));
  // Never below kMinMessageWait, never above the idle timeout itself.
  EXPECT_EQ(MessageWait(absl::Seconds(2), 100, 100), kMinMessageWait);
  EXPECT_EQ(MessageWait(absl::Milliseconds(100), 100, 100), absl::Milliseconds(100));
  EXPECT_EQ(MessageWait(idle, 5, 0), idle);
}

}  // namespace
}  // namespace rebound
