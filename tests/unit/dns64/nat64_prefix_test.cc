#include "dns64/nat64_prefix.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "tests/unit/dns64/test_addresses.h"

namespace rebound {
namespace {

using ::testing::HasSubstr;

std::string Str(const in6_addr& a) {
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, &a, buf, sizeof buf);
  return buf;
}

std::string Str(in_addr a) {
  char buf[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &a, buf, sizeof buf);
  return buf;
}

Nat64Prefix P(const char* text) {
  absl::StatusOr<Nat64Prefix> p = Nat64Prefix::Parse(text);
  EXPECT_TRUE(p.ok()) << text << ": " << p.status();
  return p.ok() ? *p : Nat64Prefix::WellKnown();
}

// RFC 6052 2.4, the table of examples: 192.0.2.33 under each prefix length.
TEST(Nat64PrefixTest, EmbedsTheRfc6052Examples) {
  struct Example {
    const char* prefix;
    const char* embedded;
  };
  const Example examples[] = {
      {"2001:db8::/32", "2001:db8:c000:221::"},
      {"2001:db8:100::/40", "2001:db8:1c0:2:21::"},
      {"2001:db8:122::/48", "2001:db8:122:c000:2:2100::"},
      {"2001:db8:122:300::/56", "2001:db8:122:3c0:0:221::"},
      {"2001:db8:122:344::/64", "2001:db8:122:344:c0:2:2100::"},
      {"2001:db8:122:344::/96", "2001:db8:122:344::192.0.2.33"},
      {"64:ff9b::/96", "64:ff9b::192.0.2.33"},
  };
  const in_addr v4 = V4("192.0.2.33");
  for (const Example& e : examples) {
    SCOPED_TRACE(e.prefix);
    const Nat64Prefix prefix = P(e.prefix);
    const in6_addr want = V6(e.embedded);
    EXPECT_EQ(Str(prefix.Embed(v4)), Str(want));
    EXPECT_TRUE(prefix.Contains(want));
    const std::optional<in_addr> back = prefix.Extract(want);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(Str(*back), "192.0.2.33");
  }
}

// Every length, a prefix with all of its bits set (so that an IPv4 octet written over a prefix
// octet shows), and IPv4 addresses covering the edges and a spread of pseudo-random values.
TEST(Nat64PrefixTest, EmbedAndExtractRoundTripAtEveryLength) {
  const char* prefixes[] = {
      "ffff:ffff::/32",
      "ffff:ffff:ff00::/40",
      "ffff:ffff:ffff::/48",
      "ffff:ffff:ffff:ff00::/56",
      "ffff:ffff:ffff:ffff::/64",
      "ffff:ffff:ffff:ffff:ff:ffff::/96",
      "64:ff9b::/96",
      "2001:db8:100::/40",
  };
  std::vector<uint32_t> hosts = {0, 1, 0xffffffff, 0x7f000001, 0xc0000221, 0x80808080};
  uint32_t x = 0x12345678;
  for (int i = 0; i < 500; ++i) {
    x = x * 1664525u + 1013904223u;  // a fixed sequence: failures reproduce
    hosts.push_back(x);
  }
  for (const char* text : prefixes) {
    SCOPED_TRACE(text);
    const Nat64Prefix prefix = P(text);
    for (uint32_t host : hosts) {
      in_addr v4{};
      v4.s_addr = htonl(host);
      const in6_addr v6 = prefix.Embed(v4);
      ASSERT_TRUE(prefix.Contains(v6)) << Str(v6);
      EXPECT_EQ(v6.s6_addr[8], 0) << Str(v6);  // RFC 6052 2.2: the u octet
      const std::optional<in_addr> back = prefix.Extract(v6);
      ASSERT_TRUE(back.has_value()) << Str(v6);
      EXPECT_EQ(back->s_addr, v4.s_addr) << Str(v6);
    }
  }
}

// The exact octets each length uses: 255.255.255.255 under :: marks them, everything else zero.
TEST(Nat64PrefixTest, EmbedFillsOnlyTheOctetsOfTheFigure) {
  const in_addr all_ones = V4("255.255.255.255");
  EXPECT_EQ(Str(P("::/32").Embed(all_ones)), "0:0:ffff:ffff::");
  EXPECT_EQ(Str(P("::/40").Embed(all_ones)), "0:0:ff:ffff:ff::");
  EXPECT_EQ(Str(P("::/48").Embed(all_ones)), "::ffff:ff:ff00:0:0");
  EXPECT_EQ(Str(P("::/56").Embed(all_ones)), "::ff:ff:ffff:0:0");
  EXPECT_EQ(Str(P("::/64").Embed(all_ones)), "::ff:ffff:ff00:0");
  EXPECT_EQ(Str(P("::/96").Embed(all_ones)), "::255.255.255.255");
}

TEST(Nat64PrefixTest, EmbeddingZeroGivesThePrefix) {
  const Nat64Prefix prefix = P("2001:db8:122:300::/56");
  EXPECT_EQ(Str(prefix.Embed(V4("0.0.0.0"))), "2001:db8:122:300::");
}

TEST(Nat64PrefixTest, ContainsComparesOnlyThePrefixBits) {
  const Nat64Prefix p40 = P("2001:db8:100::/40");
  EXPECT_TRUE(p40.Contains(V6("2001:db8:1ff:ffff:ffff:ffff:ffff:ffff")));
  EXPECT_FALSE(p40.Contains(V6("2001:db8:200::")));
  EXPECT_FALSE(p40.Contains(V6("2001:db9:100::")));
  const Nat64Prefix wkp = Nat64Prefix::WellKnown();
  EXPECT_TRUE(wkp.Contains(V6("64:ff9b::1.2.3.4")));
  EXPECT_FALSE(wkp.Contains(V6("64:ff9b:1::1.2.3.4")));
  EXPECT_FALSE(wkp.Contains(V6("::ffff:1.2.3.4")));
}

TEST(Nat64PrefixTest, ExtractRejectsAddressesOutsideThePrefix) {
  EXPECT_FALSE(P("2001:db8::/32").Extract(V6("2001:db9:c000:221::")).has_value());
  EXPECT_FALSE(P("2001:db8:122:344::/96").Extract(V6("2001:db8:122:345::192.0.2.33")).has_value());
  EXPECT_FALSE(Nat64Prefix::WellKnown().Extract(V6("::ffff:192.0.2.33")).has_value());
}

// RFC 6052 2.2: the u octet is zero in every address the algorithm forms.
TEST(Nat64PrefixTest, ExtractRejectsANonZeroUOctet) {
  EXPECT_FALSE(P("2001:db8::/32").Extract(V6("2001:db8:c000:221:100::")).has_value());
  EXPECT_FALSE(P("2001:db8:100::/40").Extract(V6("2001:db8:1c0:2:121::")).has_value());
  EXPECT_FALSE(P("2001:db8:122::/48").Extract(V6("2001:db8:122:c000:8002:2100::")).has_value());
  EXPECT_FALSE(P("2001:db8:122:300::/56").Extract(V6("2001:db8:122:3c0:100:221::")).has_value());
  EXPECT_FALSE(
      P("2001:db8:122:344::/64").Extract(V6("2001:db8:122:344:80c0:2:2100::")).has_value());
}

// The suffix is reserved for future extensions (RFC 6052 2.2); it does not change the address.
TEST(Nat64PrefixTest, ExtractIgnoresTheSuffix) {
  const std::optional<in_addr> v4 =
      P("2001:db8:122::/48").Extract(V6("2001:db8:122:c000:2:21ff:ffff:ffff"));
  ASSERT_TRUE(v4.has_value());
  EXPECT_EQ(Str(*v4), "192.0.2.33");
}

TEST(Nat64PrefixTest, KnowsTheWellKnownPrefix) {
  EXPECT_TRUE(P("64:ff9b::/96").IsWellKnown());
  EXPECT_TRUE(P("0064:FF9B:0:0:0:0:0:0/96").IsWellKnown());
  EXPECT_TRUE(Nat64Prefix::WellKnown().IsWellKnown());
  EXPECT_EQ(Nat64Prefix::WellKnown(), P("64:ff9b::/96"));
  EXPECT_FALSE(P("64:ff9b::/64").IsWellKnown());
  EXPECT_FALSE(P("64:ff9b:1::/48").IsWellKnown());  // RFC 8215 local use, not well-known
  EXPECT_FALSE(P("2001:db8::/96").IsWellKnown());
}

TEST(Nat64PrefixTest, ToStringParsesBackToTheSamePrefix) {
  for (const char* text : {"64:ff9b::/96", "2001:db8::/32", "2001:db8:100::/40",
                           "2001:db8:122::/48", "2001:db8:122:300::/56", "2001:db8:122:344::/64",
                           "::/96", "ffff:ffff:ffff:ffff:ff:ffff::/96"}) {
    const Nat64Prefix prefix = P(text);
    EXPECT_EQ(prefix.ToString(), text);
    EXPECT_EQ(P(prefix.ToString().c_str()), prefix);
  }
  EXPECT_EQ(P("2001:0DB8:0000::/32").ToString(), "2001:db8::/32");
  EXPECT_EQ(P("2001:db8::/32").length(), 32);
}

void ExpectParseError(const char* text, const char* reason) {
  absl::StatusOr<Nat64Prefix> p = Nat64Prefix::Parse(text);
  ASSERT_FALSE(p.ok()) << text << " parsed as " << p->ToString();
  EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument) << text;
  EXPECT_THAT(p.status().message(), HasSubstr(reason)) << text;
}

TEST(Nat64PrefixTest, RejectsAMissingLength) {
  ExpectParseError("64:ff9b::", "missing prefix length");
  ExpectParseError("", "missing prefix length");
}

TEST(Nat64PrefixTest, RejectsABadLength) {
  for (const char* text :
       {"64:ff9b::/", "64:ff9b::/x", "64:ff9b::/+96", "64:ff9b::/-96", "64:ff9b::/ 96",
        "64:ff9b::/96 ", "64:ff9b::/9 6", "64:ff9b::/0x60", "64:ff9b::/00096", "64:ff9b::/96/96"}) {
    ExpectParseError(text, "prefix length is not a number");
  }
}

TEST(Nat64PrefixTest, RejectsLengthsRfc6052DoesNotDefine) {
  for (const char* text : {"64:ff9b::/0", "64:ff9b::/24", "64:ff9b::/33", "64:ff9b::/63",
                           "64:ff9b::/72", "64:ff9b::/80", "64:ff9b::/128", "64:ff9b::/999"}) {
    ExpectParseError(text, "32, 40, 48, 56, 64 and 96");
  }
}

TEST(Nat64PrefixTest, RejectsABadAddress) {
  for (const char* text : {"/96", "64:ff9g::/96", "192.0.2.0/24", "64:ff9b:::/96", " 64:ff9b::/96",
                           "64:ff9b::%lo/96", "example.com/96", "1:2:3:4:5:6:7:8:9/96"}) {
    ExpectParseError(text, "not an IPv6 address");
  }
  // An embedded NUL must not end the address early.
  const std::string with_nul("64:ff9b::\0junk/96", 17);
  absl::StatusOr<Nat64Prefix> p = Nat64Prefix::Parse(with_nul);
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p.status().message(), HasSubstr("not an IPv6 address"));
}

TEST(Nat64PrefixTest, RejectsBitsBeyondTheLength) {
  ExpectParseError("2001:db8:1::/32", "bits beyond the first 32");
  ExpectParseError("2001:db8:1::/40", "bits beyond the first 40");
  ExpectParseError("2001:db8:122:1::/48", "bits beyond the first 48");
  ExpectParseError("2001:db8:122:301::/56", "bits beyond the first 56");
  ExpectParseError("2001:db8:122:344:0:1::/64", "bits beyond the first 64");
  ExpectParseError("64:ff9b::1/96", "bits beyond the first 96");
  ExpectParseError("64:ff9b::192.0.2.33/96", "bits beyond the first 96");
}

// RFC 6052 2.2: bits 64 to 71 must be zero, inside the prefix (/96) or after it.
TEST(Nat64PrefixTest, RejectsANonZeroUOctetAtEveryLength) {
  for (const char* text :
       {"2001:db8:0:0:100::/32", "2001:db8:0:0:100::/40", "2001:db8:0:0:100::/48",
        "2001:db8:0:0:100::/56", "2001:db8:0:0:100::/64", "2001:db8:0:0:8000::/96",
        "64:ff9b:0:0:ff00::/96"}) {
    ExpectParseError(text, "bits 64 to 71 must be zero");
  }
}

TEST(Nat64PrefixTest, ErrorsQuoteTheTextEscaped) {
  absl::StatusOr<Nat64Prefix> p = Nat64Prefix::Parse("64:ff9b::/\n1");
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p.status().message(), HasSubstr("'64:ff9b::/\\n1'"));
}

}  // namespace
}  // namespace rebound
