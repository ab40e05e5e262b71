// private-address and private-domain in the server: clause (unbound's rebinding protection):
// their default (none), the netblocks and names they take, and the errors that name file:line.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "resolver/config/config.h"
#include "tests/unit/config/parse_text.h"

namespace rebound {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::StartsWith;

AddressRange R(const char* text) { return *AddressRange::Parse(text); }

TEST(ConfigPrivateAddressTest, NoneByDefault) {
  EXPECT_THAT(Config{}.private_addresses, IsEmpty());
  EXPECT_THAT(Config{}.private_domains, IsEmpty());
  EXPECT_THAT(MustParse("server:\n").private_addresses, IsEmpty());
  EXPECT_THAT(MustParse("server:\n private-address: 10.0.0.0/8\n").private_addresses,
              ElementsAre(R("10.0.0.0/8")));
}

TEST(ConfigPrivateAddressTest, NetblocksAndBareAddressesAccumulate) {
  std::vector<std::string> warnings;
  const Config c = MustParse(
      "server:\n"
      "  private-address: 10.0.0.0/8\n"
      "  private-address: 192.168.1.7\n"
      "  private-address: fd00::/8\n"
      "  private-address: ::ffff:0:0/96\n"
      "  private-address: 172.16.5.4/12\n",  // host bits are cleared, as unbound does
      &warnings);
  EXPECT_THAT(warnings, IsEmpty());
  EXPECT_THAT(c.private_addresses, ElementsAre(R("10.0.0.0/8"), R("192.168.1.7/32"), R("fd00::/8"),
                                               R("::ffff:0:0/96"), R("172.16.0.0/12")));
  EXPECT_NE(c, Config{});
}

TEST(ConfigPrivateAddressTest, DomainsAreNormalizedAndAccumulate) {
  const Config c = MustParse(
      "server:\n  private-domain: Home.Example\n  private-domain: \"lan.\"\n"
      "  private-address: 10.0.0.0/8\n");
  EXPECT_THAT(c.private_domains, ElementsAre("home.example.", "lan."));
}

TEST(ConfigPrivateAddressTest, DuplicatesWarnAndAreKeptOnce) {
  std::vector<std::string> warnings;
  const Config c = MustParse(
      "server:\n  private-address: 10.0.0.0/8\n  private-address: 10.1.0.0/8\n"
      "  private-domain: lan.\n  private-domain: LAN\n",
      &warnings);
  EXPECT_THAT(c.private_addresses, ElementsAre(R("10.0.0.0/8")));
  EXPECT_THAT(c.private_domains, ElementsAre("lan."));
  EXPECT_THAT(warnings, ElementsAre(StartsWith("test.conf:3: duplicate private-address 10.0.0.0/8"),
                                    StartsWith("test.conf:5: duplicate private-domain lan.")));
}

TEST(ConfigPrivateAddressTest, BadValuesNameFileAndLine) {
  EXPECT_THAT(ErrorOf("server:\n  private-address: 10.0.0.0/33\n"),
              StartsWith("test.conf:2: private-address: bad address range '10.0.0.0/33'"));
  EXPECT_THAT(ErrorOf("server:\n\n  private-address: example.com\n"),
              StartsWith("test.conf:3: private-address: bad address range 'example.com'"));
  EXPECT_THAT(ErrorOf("server:\n  private-address: fd00::/129\n"),
              StartsWith("test.conf:2: private-address: "));
  EXPECT_THAT(ErrorOf("server:\n  private-address: 10.0.0.0/8 192.168.0.0/16\n"),
              StartsWith("test.conf:2: too many values for 'private-address'"));
  EXPECT_THAT(ErrorOf("server:\n  private-domain: a..b\n"),
              StartsWith("test.conf:2: private-domain: "));
  EXPECT_THAT(ErrorOf("server:\n  private-address:\n"),
              StartsWith("test.conf:2: missing value for 'private-address'"));
}

// In an unbound.conf these lines were skipped with "not supported" before; now they are read.
TEST(ConfigPrivateAddressTest, NoLongerReportedAsUnsupported) {
  std::vector<std::string> warnings;
  MustParse("server:\n  private-address: 10.0.0.0/8\n  private-domain: lan.\n", &warnings);
  EXPECT_THAT(warnings, IsEmpty());
}

}  // namespace
}  // namespace rebound
