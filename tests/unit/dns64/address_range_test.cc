#include "dns64/address_range.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "absl/status/status.h"
#include "resolver/core/endpoint.h"
#include "tests/unit/dns64/test_addresses.h"

namespace rebound {
namespace {

using ::testing::HasSubstr;

AddressRange R(const char* text) {
  absl::StatusOr<AddressRange> r = AddressRange::Parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status();
  return r.ok() ? *r : *AddressRange::Parse("0.0.0.0/0");
}

Endpoint E(const char* text) {
  absl::StatusOr<Endpoint> e = Endpoint::Parse(text, 53);
  EXPECT_TRUE(e.ok()) << text << ": " << e.status();
  return e.ok() ? *e : Endpoint();
}

TEST(AddressRangeTest, ParsesV4AndV6Ranges) {
  const AddressRange v4 = R("10.0.0.0/8");
  EXPECT_FALSE(v4.is_v6());
  EXPECT_EQ(v4.length(), 8);
  EXPECT_EQ(v4.ToString(), "10.0.0.0/8");

  const AddressRange v6 = R("::ffff:0:0/96");
  EXPECT_TRUE(v6.is_v6());
  EXPECT_EQ(v6.length(), 96);
  EXPECT_EQ(v6.ToString(), "::ffff:0.0.0.0/96");
}

TEST(AddressRangeTest, BareAddressIsAHost) {
  EXPECT_EQ(R("192.0.2.1").length(), 32);
  EXPECT_EQ(R("192.0.2.1").ToString(), "192.0.2.1/32");
  EXPECT_EQ(R("2001:db8::1").length(), 128);
  EXPECT_EQ(R("2001:db8::1").ToString(), "2001:db8::1/128");
  EXPECT_EQ(R("192.0.2.1"), R("192.0.2.1/32"));
}

TEST(AddressRangeTest, ClearsHostBits) {
  EXPECT_EQ(R("10.1.2.3/8"), R("10.0.0.0/8"));
  EXPECT_EQ(R("10.1.2.3/8").ToString(), "10.0.0.0/8");
  EXPECT_EQ(R("192.168.255.255/17").ToString(), "192.168.128.0/17");
  EXPECT_EQ(R("2001:db8:ffff::1/33").ToString(), "2001:db8:8000::/33");
  EXPECT_EQ(R("1.2.3.4/0").ToString(), "0.0.0.0/0");
  EXPECT_EQ(R("2001:db8::1/0").ToString(), "::/0");
}

TEST(AddressRangeTest, ToStringRoundTrips) {
  for (const char* text : {"10.0.0.0/8", "0.0.0.0/0", "192.0.2.7/32", "::/0", "64:ff9b::/96",
                           "2001:db8::/32", "fe80::/10", "::1/128", "100.64.0.0/10"}) {
    SCOPED_TRACE(text);
    const AddressRange r = R(text);
    EXPECT_EQ(R(r.ToString().c_str()), r);
  }
}

TEST(AddressRangeTest, RejectsBadText) {
  struct Bad {
    const char* text;
    const char* why;
  };
  const Bad bad[] = {
      {"", "not an IPv4 or IPv6 address"},
      {"10.0.0/8", "not an IPv4 or IPv6 address"},
      {"example.com", "not an IPv4 or IPv6 address"},
      {"10.0.0.0 /8", "not an IPv4 or IPv6 address"},
      {"/8", "not an IPv4 or IPv6 address"},
      {"10.0.0.0/", "not a number"},
      {"10.0.0.0/x", "not a number"},
      {"10.0.0.0/+8", "not a number"},
      {"10.0.0.0/-1", "not a number"},
      {"10.0.0.0/ 8", "not a number"},
      {"10.0.0.0/8/8", "not a number"},
      {"10.0.0.0/1000", "not a number"},
      {"10.0.0.0/33", "at most 32"},
      {"::/129", "at most 128"},
  };
  for (const Bad& b : bad) {
    SCOPED_TRACE(b.text);
    absl::StatusOr<AddressRange> r = AddressRange::Parse(b.text);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(r.status().message(), HasSubstr(b.why));
  }
}

TEST(AddressRangeTest, RejectsEmbeddedNul) {
  const std::string text("10.0.0.1\0junk", 13);
  EXPECT_FALSE(AddressRange::Parse(text).ok());
}

TEST(AddressRangeTest, ContainsV4) {
  const AddressRange r = R("100.64.0.0/10");
  EXPECT_TRUE(r.Contains(V4("100.64.0.0")));
  EXPECT_TRUE(r.Contains(V4("100.127.255.255")));
  EXPECT_FALSE(r.Contains(V4("100.128.0.0")));
  EXPECT_FALSE(r.Contains(V4("100.63.255.255")));
  EXPECT_TRUE(R("0.0.0.0/0").Contains(V4("203.0.113.9")));
  EXPECT_TRUE(R("192.0.2.1").Contains(V4("192.0.2.1")));
  EXPECT_FALSE(R("192.0.2.1").Contains(V4("192.0.2.2")));
}

TEST(AddressRangeTest, ContainsV6) {
  const AddressRange r = R("2001:db8::/33");
  EXPECT_TRUE(r.Contains(V6("2001:db8::1")));
  EXPECT_TRUE(r.Contains(V6("2001:db8:7fff:ffff:ffff:ffff:ffff:ffff")));
  EXPECT_FALSE(r.Contains(V6("2001:db8:8000::")));
  EXPECT_TRUE(R("::ffff:0:0/96").Contains(V6("::ffff:192.0.2.1")));
  EXPECT_FALSE(R("::ffff:0:0/96").Contains(V6("64:ff9b::192.0.2.1")));
  EXPECT_TRUE(R("::/0").Contains(V6("ff02::1")));
}

TEST(AddressRangeTest, FamiliesDoNotMix) {
  // 10.0.0.0/8's bytes are the first of 0a00::/8; an IPv6 address there is still not in it.
  EXPECT_FALSE(R("10.0.0.0/8").Contains(V6("a00::1")));
  EXPECT_FALSE(R("0.0.0.0/0").Contains(V6("::")));
  EXPECT_FALSE(R("::/0").Contains(V4("10.0.0.1")));
  EXPECT_FALSE(R("::ffff:0:0/96").Contains(V4("10.0.0.1")));
  EXPECT_NE(R("0.0.0.0/0"), R("::/0"));
}

TEST(AddressRangeTest, ContainsEndpointIgnoresPort) {
  EXPECT_TRUE(R("10.0.0.0/8").Contains(E("10.1.2.3@5353")));
  EXPECT_FALSE(R("10.0.0.0/8").Contains(E("11.1.2.3")));
  EXPECT_TRUE(R("2001:db8::/32").Contains(E("2001:db8::53@853")));
  EXPECT_FALSE(R("2001:db8::/32").Contains(E("10.1.2.3")));
  EXPECT_FALSE(R("10.0.0.0/8").Contains(E("2001:db8::53")));
  EXPECT_FALSE(R("10.0.0.0/8").Contains(Endpoint()));  // no family at all
}

TEST(AddressRangeTest, V4MappedClientMatchesV4Ranges) {
  EXPECT_TRUE(R("10.0.0.0/8").Contains(E("::ffff:10.1.2.3")));
  EXPECT_FALSE(R("10.0.0.0/8").Contains(E("::ffff:11.1.2.3")));
  // Only the mapped form: the deprecated IPv4-compatible ::a.b.c.d is not an IPv4 client.
  EXPECT_FALSE(R("10.0.0.0/8").Contains(E("::10.1.2.3")));
  // IPv6 ranges still see the address as IPv6.
  EXPECT_TRUE(R("::ffff:0:0/96").Contains(E("::ffff:10.1.2.3")));
}

}  // namespace
}  // namespace rebound
