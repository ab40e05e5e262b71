#include "resolver/config/config_values.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rebound::config_internal {
namespace {

using ::testing::HasSubstr;

TEST(ConfigValuesTest, YesNo) {
  EXPECT_TRUE(*ParseYesNo("yes"));
  EXPECT_FALSE(*ParseYesNo("no"));
  EXPECT_FALSE(ParseYesNo("Yes").ok());
  EXPECT_FALSE(ParseYesNo("1").ok());
  EXPECT_FALSE(ParseYesNo("").ok());
}

TEST(ConfigValuesTest, Integer) {
  EXPECT_EQ(*ParseInteger("0", 0, 10), 0);
  EXPECT_EQ(*ParseInteger("10", 0, 10), 10);
  EXPECT_EQ(*ParseInteger("-3", -5, 10), -3);
  EXPECT_THAT(ParseInteger("11", 0, 10).status().message(),
              HasSubstr("value 11 is out of range (0 to 10)"));
  EXPECT_THAT(ParseInteger("-1", 0, 10).status().message(), HasSubstr("out of range"));
  EXPECT_THAT(ParseInteger("99999999999999999999999", 0, 10).status().message(),
              HasSubstr("out of range"));
  EXPECT_THAT(ParseInteger("ten", 0, 10).status().message(), HasSubstr("expected a number"));
  EXPECT_FALSE(ParseInteger("+5", 0, 10).ok());
  EXPECT_FALSE(ParseInteger("5x", 0, 10).ok());
  EXPECT_FALSE(ParseInteger("", 0, 10).ok());
  EXPECT_FALSE(ParseInteger("-", 0, 10).ok());
}

TEST(ConfigValuesTest, MemorySizeSuffixes) {
  EXPECT_EQ(*ParseMemorySize("0"), 0u);
  EXPECT_EQ(*ParseMemorySize("1048576"), 1048576u);
  EXPECT_EQ(*ParseMemorySize("100b"), 100u);
  EXPECT_EQ(*ParseMemorySize("512k"), 512u * 1024);
  EXPECT_EQ(*ParseMemorySize("512K"), 512u * 1024);
  EXPECT_EQ(*ParseMemorySize("512kb"), 512u * 1024);
  EXPECT_EQ(*ParseMemorySize("4m"), 4u << 20);
  EXPECT_EQ(*ParseMemorySize("4MB"), 4u << 20);
  EXPECT_EQ(*ParseMemorySize("4Mb"), 4u << 20);
  EXPECT_EQ(*ParseMemorySize("2g"), size_t{2} << 30);
  EXPECT_EQ(*ParseMemorySize("2GB"), size_t{2} << 30);
}

TEST(ConfigValuesTest, MemorySizeErrors) {
  EXPECT_FALSE(ParseMemorySize("").ok());
  EXPECT_FALSE(ParseMemorySize("m").ok());
  EXPECT_FALSE(ParseMemorySize("mb").ok());
  EXPECT_FALSE(ParseMemorySize("4t").ok());
  EXPECT_FALSE(ParseMemorySize("4 m").ok());
  EXPECT_FALSE(ParseMemorySize("-4m").ok());
  EXPECT_FALSE(ParseMemorySize("4.5m").ok());
  EXPECT_THAT(ParseMemorySize("99999999999999999999g").status().message(), HasSubstr("too large"));
  EXPECT_THAT(ParseMemorySize("17179869184g").status().message(), HasSubstr("too large"));
}

TEST(ConfigValuesTest, DomainNamesAreNormalized) {
  EXPECT_EQ(*NormalizeDomainName("example.com"), "example.com.");
  EXPECT_EQ(*NormalizeDomainName("Example.COM."), "example.com.");
  EXPECT_EQ(*NormalizeDomainName("."), ".");
  EXPECT_EQ(*NormalizeDomainName("_dns.resolver.arpa"), "_dns.resolver.arpa.");
  EXPECT_EQ(*NormalizeDomainName("10.in-addr.arpa"), "10.in-addr.arpa.");
}

TEST(ConfigValuesTest, BadDomainNames) {
  EXPECT_FALSE(NormalizeDomainName("").ok());
  EXPECT_FALSE(NormalizeDomainName("a..b").ok());
  EXPECT_FALSE(NormalizeDomainName("..").ok());
  EXPECT_FALSE(NormalizeDomainName(std::string(64, 'a') + ".com").ok());
  EXPECT_TRUE(NormalizeDomainName(std::string(63, 'a') + ".com").ok());
  // 4 labels of 63 octets: 4 * 64 + 1 = 257 octets on the wire, over the 255 limit.
  std::string label(63, 'b');
  std::string too_long = label + "." + label + "." + label + "." + label;
  EXPECT_FALSE(NormalizeDomainName(too_long).ok());
  std::string fits = label + "." + label + "." + label + "." + std::string(61, 'c');
  EXPECT_TRUE(NormalizeDomainName(fits).ok());
}

}  // namespace
}  // namespace rebound::config_internal
