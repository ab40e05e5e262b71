// The DNS64 and NAT64 options of the server: clause: module-config, dns64-*, do-nat64 and
// nat64-prefix, their defaults, their errors and the warnings about options that do nothing.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "resolver/config/config.h"
#include "tests/unit/config/parse_text.h"

namespace rebound {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::StartsWith;

Nat64Prefix P(const char* text) { return *Nat64Prefix::Parse(text); }
AddressRange R(const char* text) { return *AddressRange::Parse(text); }

TEST(ConfigDns64Test, Defaults) {
  const Dns64Config d;
  EXPECT_FALSE(d.enabled);
  EXPECT_THAT(d.prefixes, ElementsAre(Nat64Prefix::WellKnown()));
  EXPECT_FALSE(d.synthall);
  EXPECT_THAT(d.ignore_aaaa, IsEmpty());
  EXPECT_THAT(d.exclude, ElementsAre(R("::ffff:0:0/96")));
  EXPECT_THAT(d.clients, IsEmpty());
  EXPECT_THAT(d.mapped, IsEmpty());
  EXPECT_FALSE(d.do_nat64);
  EXPECT_FALSE(d.nat64_prefix.has_value());
  EXPECT_EQ(d.Nat64PrefixToUse(), Nat64Prefix::WellKnown());
  EXPECT_EQ(MustParse("server:\n").dns64, d);
  EXPECT_EQ(Config{}.dns64, d);
}

TEST(ConfigDns64Test, ModuleConfigEnablesDns64WithTheDefaults) {
  std::vector<std::string> warnings;
  Config c = MustParse("server:\n module-config: \"dns64 iterator\"\n", &warnings);
  EXPECT_THAT(warnings, IsEmpty());
  EXPECT_TRUE(c.dns64.enabled);
  EXPECT_THAT(c.dns64.prefixes, ElementsAre(P("64:ff9b::/96")));
  EXPECT_THAT(c.dns64.exclude, ElementsAre(R("::ffff:0:0/96")));
  EXPECT_NE(c, Config{});
}

TEST(ConfigDns64Test, ModuleConfigForms) {
  EXPECT_FALSE(MustParse("server:\n module-config: \"iterator\"\n").dns64.enabled);
  EXPECT_FALSE(MustParse("server:\n module-config: iterator\n").dns64.enabled);
  // Unquoted words, extra blanks and tabs mean the same as the quoted list.
  EXPECT_TRUE(MustParse("server:\n module-config: dns64 iterator\n").dns64.enabled);
  EXPECT_TRUE(MustParse("server:\n module-config: ' dns64 \t iterator '\n").dns64.enabled);
  // The last line wins, as for every single-valued option.
  EXPECT_FALSE(MustParse("server:\n module-config: \"dns64 iterator\"\n module-config: iterator\n")
                   .dns64.enabled);
  EXPECT_TRUE(MustParse("server:\n module-config: iterator\n module-config: \"dns64 iterator\"\n")
                  .dns64.enabled);
}

TEST(ConfigDns64Test, ValidatorIsAcceptedWithAWarning) {
  for (const char* modules :
       {"dns64 validator iterator", "validator dns64 iterator", "dns64 iterator validator"}) {
    std::vector<std::string> warnings;
    Config c = MustParse(absl::StrCat("server:\n port: 53\n module-config: \"", modules, "\"\n"),
                         &warnings);
    EXPECT_TRUE(c.dns64.enabled) << modules;
    EXPECT_THAT(warnings, ElementsAre("test.conf:3: validator module not supported: answers are "
                                      "not DNSSEC-validated"))
        << modules;
  }
  std::vector<std::string> warnings;
  EXPECT_FALSE(
      MustParse("server:\n module-config: \"validator iterator\"\n", &warnings).dns64.enabled);
  EXPECT_THAT(warnings, ElementsAre(StartsWith("test.conf:2: validator module not supported")));
}

TEST(ConfigDns64Test, ModuleConfigErrors) {
  for (const char* module : {"respip", "python", "cachedb", "subnetcache", "ipsecmod", "dynlib"}) {
    EXPECT_EQ(
        ErrorOf(absl::StrCat("server:\n module-config: \"", module, " validator iterator\"\n")),
        absl::StrCat("test.conf:2: module-config: module '", module,
                     "' is not supported; expected \"iterator\" or \"dns64 iterator\""));
  }
  EXPECT_EQ(ErrorOf("server:\n module-config: \"dns64 itrator\"\n"),
            "test.conf:2: module-config: unknown module 'itrator'; expected \"iterator\" or "
            "\"dns64 iterator\"");
  EXPECT_EQ(ErrorOf("server:\n module-config: \"iterator dns64\"\n"),
            "test.conf:2: module-config: dns64 must come before iterator");
  EXPECT_EQ(ErrorOf("server:\n module-config: \"dns64 dns64 iterator\"\n"),
            "test.conf:2: module-config: module 'dns64' is listed twice");
  EXPECT_EQ(ErrorOf("server:\n\n module-config: dns64\n"),
            "test.conf:3: module-config: expected \"iterator\" or \"dns64 iterator\", got 'dns64'");
  EXPECT_EQ(ErrorOf("server:\n module-config: \"validator\"\n"),
            "test.conf:2: module-config: expected \"iterator\" or \"dns64 iterator\", got "
            "'validator'");
  EXPECT_EQ(ErrorOf("server:\n module-config: \"\"\n"),
            "test.conf:2: module-config: expected \"iterator\" or \"dns64 iterator\", got ''");
  EXPECT_EQ(ErrorOf("module-config: iterator\n"),
            "test.conf:1: 'module-config' is outside of any clause; it belongs after server:");
}

TEST(ConfigDns64Test, EveryOption) {
  std::vector<std::string> warnings;
  Config c = MustParse(R"(server:
    module-config: "dns64 iterator"
    dns64-prefix: 2001:db8:64::/96
    dns64-prefix: 2001:db8:100::/40
    dns64-synthall: yes
    dns64-ignore-aaaa: Example.COM
    dns64-ignore-aaaa: "broken.example."
    dns64-exclude: 2001:db8:dead::/48
    dns64-exclude: ::ffff:0:0/96
    dns64-clients: 192.168.1.0/24
    dns64-clients: 2001:db8:1::/64
    dns64-clients: 192.0.2.7
    dns64-mapped: 198.51.100.0/24
    dns64-mapped: 203.0.113.5
    do-nat64: yes
    nat64-prefix: 64:ff9b:1::/48
)",
                       &warnings);
  EXPECT_THAT(warnings, IsEmpty());
  const Dns64Config& d = c.dns64;
  EXPECT_TRUE(d.enabled);
  EXPECT_THAT(d.prefixes, ElementsAre(P("2001:db8:64::/96"), P("2001:db8:100::/40")));
  EXPECT_TRUE(d.synthall);
  EXPECT_THAT(d.ignore_aaaa, ElementsAre("example.com.", "broken.example."));
  EXPECT_THAT(d.exclude, ElementsAre(R("2001:db8:dead::/48"), R("::ffff:0:0/96")));
  EXPECT_THAT(d.clients, ElementsAre(R("192.168.1.0/24"), R("2001:db8:1::/64"), R("192.0.2.7/32")));
  EXPECT_THAT(d.mapped, ElementsAre(R("198.51.100.0/24"), R("203.0.113.5/32")));
  EXPECT_TRUE(d.do_nat64);
  ASSERT_TRUE(d.nat64_prefix.has_value());
  EXPECT_EQ(*d.nat64_prefix, P("64:ff9b:1::/48"));
  EXPECT_EQ(d.Nat64PrefixToUse(), P("64:ff9b:1::/48"));
}

TEST(ConfigDns64Test, FlagsTheOtherWay) {
  Config c = MustParse(
      "server:\n module-config: \"dns64 iterator\"\n dns64-synthall: no\n do-nat64: no\n");
  EXPECT_FALSE(c.dns64.synthall);
  EXPECT_FALSE(c.dns64.do_nat64);
}

TEST(ConfigDns64Test, FirstLineReplacesADefaultList) {
  Config c = MustParse(
      "server:\n module-config: \"dns64 iterator\"\n dns64-prefix: 2001:db8::/32\n"
      " dns64-exclude: 2001:db8:bad::/48\n");
  // The Well-Known Prefix and ::ffff:0:0/96 were defaults only: listing values replaces them.
  EXPECT_THAT(c.dns64.prefixes, ElementsAre(P("2001:db8::/32")));
  EXPECT_THAT(c.dns64.exclude, ElementsAre(R("2001:db8:bad::/48")));
  // Listing the Well-Known Prefix among others keeps it.
  c = MustParse(
      "server:\n module-config: \"dns64 iterator\"\n dns64-prefix: 64:ff9b::/96\n"
      " dns64-prefix: 2001:db8::/32\n");
  EXPECT_THAT(c.dns64.prefixes, ElementsAre(Nat64Prefix::WellKnown(), P("2001:db8::/32")));
}

TEST(ConfigDns64Test, Nat64PrefixDefaultsToTheFirstDns64Prefix) {
  std::vector<std::string> warnings;
  Config c = MustParse(
      "server:\n do-nat64: yes\n dns64-prefix: 2001:db8:1::/48\n dns64-prefix: 2001:db8:2::/48\n",
      &warnings);
  EXPECT_FALSE(c.dns64.nat64_prefix.has_value());
  EXPECT_EQ(c.dns64.Nat64PrefixToUse(), P("2001:db8:1::/48"));
  // Without the dns64 module the prefix still serves do-nat64, so it is not called useless.
  EXPECT_THAT(warnings, IsEmpty());
  EXPECT_EQ(MustParse("server:\n do-nat64: yes\n").dns64.Nat64PrefixToUse(),
            Nat64Prefix::WellKnown());
}

TEST(ConfigDns64Test, PrefixErrors) {
  EXPECT_EQ(ErrorOf("server:\n module-config: \"dns64 iterator\"\n dns64-prefix: 64:ff9b::/95\n"),
            "test.conf:3: dns64-prefix: bad NAT64 prefix '64:ff9b::/95': RFC 6052 allows only "
            "prefix lengths 32, 40, 48, 56, 64 and 96");
  EXPECT_THAT(ErrorOf("server:\n dns64-prefix: 64:ff9b::\n"),
              StartsWith("test.conf:2: dns64-prefix: bad NAT64 prefix '64:ff9b::': missing prefix "
                         "length"));
  EXPECT_THAT(ErrorOf("server:\n dns64-prefix: 192.0.2.0/24\n"),
              StartsWith("test.conf:2: dns64-prefix: bad NAT64 prefix '192.0.2.0/24'"));
  EXPECT_THAT(ErrorOf("server:\n dns64-prefix: 2001:db8:0:0:ff00::/96\n"),
              StartsWith("test.conf:2: dns64-prefix: bad NAT64 prefix '2001:db8:0:0:ff00::/96': "
                         "bits 64 to 71 must be zero"));
  EXPECT_THAT(ErrorOf("server:\n dns64-prefix: 2001:db8::1/32\n"),
              StartsWith("test.conf:2: dns64-prefix: bad NAT64 prefix '2001:db8::1/32': bits "
                         "beyond"));
  EXPECT_THAT(ErrorOf("server:\n dns64-prefix: 64:ff9b::/96 2001:db8::/32\n"),
              StartsWith("test.conf:2: too many values for 'dns64-prefix'"));
  EXPECT_EQ(ErrorOf("server:\n dns64-prefix:\n"), "test.conf:2: missing value for 'dns64-prefix'");
  EXPECT_THAT(ErrorOf("server:\n do-nat64: yes\n nat64-prefix: 64:ff9b::/24\n"),
              StartsWith("test.conf:3: nat64-prefix: bad NAT64 prefix '64:ff9b::/24'"));
}

TEST(ConfigDns64Test, RangeErrors) {
  EXPECT_EQ(ErrorOf("server:\n dns64-exclude: 10.0.0.0/8\n"),
            "test.conf:2: dns64-exclude: 10.0.0.0/8 is an IPv4 range; dns64-exclude takes IPv6 "
            "ranges (it is matched against the addresses of AAAA records)");
  EXPECT_EQ(ErrorOf("server:\n dns64-mapped: 2001:db8::/32\n"),
            "test.conf:2: dns64-mapped: 2001:db8::/32 is an IPv6 range; dns64-mapped takes IPv4 "
            "ranges (it is matched against the addresses of A records)");
  EXPECT_THAT(ErrorOf("server:\n dns64-clients: lan\n"),
              StartsWith("test.conf:2: dns64-clients: bad address range 'lan'"));
  EXPECT_THAT(ErrorOf("server:\n dns64-clients: 10.0.0.0/33\n"),
              StartsWith("test.conf:2: dns64-clients: bad address range '10.0.0.0/33'"));
  EXPECT_THAT(ErrorOf("server:\n dns64-exclude: ::/129\n"),
              StartsWith("test.conf:2: dns64-exclude: bad address range '::/129'"));
  EXPECT_THAT(ErrorOf("server:\n dns64-mapped: 10.0.0.0/x\n"),
              StartsWith("test.conf:2: dns64-mapped: bad address range '10.0.0.0/x'"));
}

TEST(ConfigDns64Test, OtherValueErrors) {
  EXPECT_EQ(ErrorOf("server:\n dns64-synthall: sometimes\n"),
            "test.conf:2: dns64-synthall: expected yes or no, got 'sometimes'");
  EXPECT_EQ(ErrorOf("server:\n do-nat64: 1\n"),
            "test.conf:2: do-nat64: expected yes or no, got '1'");
  EXPECT_THAT(ErrorOf("server:\n dns64-ignore-aaaa: a..example\n"),
              StartsWith("test.conf:2: dns64-ignore-aaaa: "));
  EXPECT_EQ(ErrorOf("forward-zone:\n name: .\n forward-addr: 192.0.2.1\n dns64-prefix: "
                    "64:ff9b::/96\n"),
            "test.conf:4: 'dns64-prefix' belongs in a server: clause, not in forward-zone:");
}

TEST(ConfigDns64Test, Dns64OptionsWithoutTheModuleWarn) {
  EXPECT_THAT(WarningsOf("server:\n dns64-prefix: 2001:db8::/32\n dns64-synthall: yes\n"
                         " dns64-ignore-aaaa: example.com\n dns64-exclude: 2001:db8:1::/48\n"
                         " dns64-clients: 10.0.0.0/8\n dns64-mapped: 10.0.0.0/8\n"),
              ElementsAre("test.conf:2: dns64-prefix has no effect without module-config: "
                          "\"dns64 iterator\"",
                          "test.conf:3: dns64-synthall has no effect without module-config: "
                          "\"dns64 iterator\"",
                          "test.conf:4: dns64-ignore-aaaa has no effect without module-config: "
                          "\"dns64 iterator\"",
                          "test.conf:5: dns64-exclude has no effect without module-config: "
                          "\"dns64 iterator\"",
                          "test.conf:6: dns64-clients has no effect without module-config: "
                          "\"dns64 iterator\"",
                          "test.conf:7: dns64-mapped has no effect without module-config: "
                          "\"dns64 iterator\""));
  // module-config may come after the options, and the values are kept either way.
  std::vector<std::string> warnings;
  Config c = MustParse(
      "server:\n dns64-prefix: 2001:db8::/32\n module-config: \"dns64 iterator\"\n", &warnings);
  EXPECT_THAT(warnings, IsEmpty());
  EXPECT_THAT(c.dns64.prefixes, ElementsAre(P("2001:db8::/32")));
  EXPECT_THAT(MustParse("server:\n dns64-prefix: 2001:db8::/32\n").dns64.prefixes,
              ElementsAre(P("2001:db8::/32")));
  // An explicit nat64-prefix means dns64-prefix is not used by do-nat64 either.
  EXPECT_THAT(WarningsOf("server:\n do-nat64: yes\n nat64-prefix: 64:ff9b::/96\n"
                         " dns64-prefix: 2001:db8::/32\n"),
              ElementsAre(StartsWith("test.conf:4: dns64-prefix has no effect without")));
}

TEST(ConfigDns64Test, Nat64PrefixWithoutDoNat64Warns) {
  EXPECT_THAT(WarningsOf("server:\n module-config: \"dns64 iterator\"\n"
                         " nat64-prefix: 64:ff9b::/96\n"),
              ElementsAre("test.conf:3: nat64-prefix has no effect without do-nat64: yes"));
  EXPECT_THAT(WarningsOf("server:\n nat64-prefix: 64:ff9b::/96\n do-nat64: yes\n"), IsEmpty());
}

TEST(ConfigDns64Test, DuplicatesWarn) {
  std::vector<std::string> warnings;
  Config c = MustParse(R"(server:
    module-config: "dns64 iterator"
    dns64-prefix: 2001:db8::/32
    dns64-prefix: 2001:0db8::/32
    dns64-ignore-aaaa: example.com
    dns64-ignore-aaaa: EXAMPLE.com.
    dns64-clients: 10.0.0.0/8
    dns64-clients: 10.1.2.3/8
)",
                       &warnings);
  EXPECT_THAT(c.dns64.prefixes, ElementsAre(P("2001:db8::/32")));
  EXPECT_THAT(c.dns64.ignore_aaaa, ElementsAre("example.com."));
  EXPECT_THAT(c.dns64.clients, ElementsAre(R("10.0.0.0/8")));
  EXPECT_THAT(warnings, ElementsAre("test.conf:4: duplicate dns64-prefix 2001:db8::/32",
                                    "test.conf:6: duplicate dns64-ignore-aaaa example.com.",
                                    "test.conf:8: duplicate dns64-clients 10.0.0.0/8"));
}

TEST(ConfigDns64Test, UnboundStyleConfigLoadsWithoutWarnings) {
  // What an unbound DNS64 setup typically says.
  std::vector<std::string> warnings;
  Config c = MustParse(R"(server:
    interface: ::1
    module-config: "dns64 iterator"
    dns64-prefix: 64:ff9b::/96
    dns64-synthall: no
    dns64-ignore-aaaa: ipv6-broken.example.
    do-nat64: yes
    nat64-prefix: 64:ff9b::/96
)",
                       &warnings);
  EXPECT_THAT(warnings, IsEmpty());
  EXPECT_TRUE(c.dns64.enabled);
  EXPECT_TRUE(c.dns64.do_nat64);
  EXPECT_EQ(c.dns64.Nat64PrefixToUse(), Nat64Prefix::WellKnown());
}

}  // namespace
}  // namespace rebound
