#include "resolver/core/endpoint.h"

#include <gtest/gtest.h>

namespace rebound {
namespace {

TEST(EndpointTest, ParsesIpv4WithAndWithoutPort) {
  auto a = Endpoint::Parse("192.0.2.1", 53);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->family(), AF_INET);
  EXPECT_EQ(a->port(), 53);
  EXPECT_EQ(a->ToString(), "192.0.2.1@53");
  auto b = Endpoint::Parse("192.0.2.1@5353", 53);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->port(), 5353);
}

TEST(EndpointTest, ParsesIpv6WithPort) {
  auto a = Endpoint::Parse("2001:db8::1@853", 53);
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(a->is_v6());
  EXPECT_EQ(a->port(), 853);
  EXPECT_EQ(a->AddressString(), "2001:db8::1");
}

TEST(EndpointTest, RejectsBadInput) {
  EXPECT_FALSE(Endpoint::Parse("", 53).ok());
  EXPECT_FALSE(Endpoint::Parse("example.com", 53).ok());
  EXPECT_FALSE(Endpoint::Parse("192.0.2.1@", 53).ok());
  EXPECT_FALSE(Endpoint::Parse("192.0.2.1@0", 53).ok());
  EXPECT_FALSE(Endpoint::Parse("192.0.2.1@65536", 53).ok());
  EXPECT_FALSE(Endpoint::Parse("192.0.2.300", 53).ok());
  EXPECT_FALSE(Endpoint::Parse("fe80::1%nosuchif0", 53).ok());
}

TEST(EndpointTest, EqualityComparesAddressAndPort) {
  EXPECT_EQ(*Endpoint::Parse("::1@53", 53), *Endpoint::Parse("::1", 53));
  EXPECT_FALSE(*Endpoint::Parse("::1@54", 53) == *Endpoint::Parse("::1", 53));
  EXPECT_FALSE(*Endpoint::Parse("127.0.0.1", 53) == *Endpoint::Parse("::1", 53));
}

TEST(EndpointTest, KnowsLoopbackAddresses) {
  EXPECT_TRUE(Endpoint::Parse("127.0.0.1", 53)->IsLoopback());
  EXPECT_TRUE(Endpoint::Parse("127.200.3.4", 53)->IsLoopback());
  EXPECT_TRUE(Endpoint::Parse("::1", 53)->IsLoopback());
  EXPECT_TRUE(Endpoint::Parse("::ffff:127.0.0.9", 53)->IsLoopback());
  EXPECT_FALSE(Endpoint::Parse("128.0.0.1", 53)->IsLoopback());
  EXPECT_FALSE(Endpoint::Parse("::2", 53)->IsLoopback());
  EXPECT_FALSE(Endpoint::Parse("::ffff:10.0.0.1", 53)->IsLoopback());
}

}  // namespace
}  // namespace rebound
