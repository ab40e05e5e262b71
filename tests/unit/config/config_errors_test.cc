// Every error names file:line and what is wrong; unbound options rebound skips only warn.
#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "resolver/config/config.h"
#include "tests/unit/config/parse_text.h"

namespace rebound {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

TEST(ConfigErrorsTest, UnknownOption) {
  EXPECT_EQ(ErrorOf("server:\n  frobnicate: yes\n"), "test.conf:2: unknown option 'frobnicate'");
  EXPECT_EQ(ErrorOf("frobnicate: yes\n"), "test.conf:1: unknown option 'frobnicate'");
  EXPECT_EQ(ErrorOf("forward-zone:\n name: .\n forward-addr: 192.0.2.1\n bogus: 1\n"),
            "test.conf:4: unknown option 'bogus'");
}

TEST(ConfigErrorsTest, SyntaxErrors) {
  EXPECT_EQ(ErrorOf("server:\n\n  port 53\n"), "test.conf:3: missing colon after 'port'");
  EXPECT_EQ(ErrorOf("server\n"), "test.conf:1: missing colon after 'server'");
  EXPECT_THAT(ErrorOf("server:\n logfile: \"/tmp/x\n"),
              StartsWith("test.conf:2: unterminated quote"));
  EXPECT_EQ(ErrorOf("server:\n port:\n"), "test.conf:2: missing value for 'port'");
  EXPECT_EQ(ErrorOf("server:\n port: # comment only\n"), "test.conf:2: missing value for 'port'");
  EXPECT_THAT(ErrorOf("server:\n port: 53 54\n"), StartsWith("test.conf:2: too many values"));
  EXPECT_THAT(ErrorOf("server:\n logfile: /tmp/my log\n"),
              StartsWith("test.conf:2: too many values for 'logfile'"));
  // "server: port: 5353" is a clause and an option, as unbound reads it; a bare value is not.
  EXPECT_THAT(ErrorOf("server: 5353\n"),
              StartsWith("test.conf:1: 'server:' starts a clause and takes no value"));
}

TEST(ConfigErrorsTest, BadValues) {
  EXPECT_EQ(ErrorOf("server:\n port: abc\n"), "test.conf:2: port: expected a number, got 'abc'");
  EXPECT_EQ(ErrorOf("server:\n do-tcp: maybe\n"),
            "test.conf:2: do-tcp: expected yes or no, got 'maybe'");
  EXPECT_THAT(ErrorOf("server:\n msg-cache-size: lots\n"),
              StartsWith("test.conf:2: msg-cache-size:"));
  EXPECT_THAT(ErrorOf("server:\n rrset-cache-size: 4t\n"),
              StartsWith("test.conf:2: rrset-cache-size:"));
  EXPECT_THAT(ErrorOf("server:\n so-rcvbuf: big\n"), StartsWith("test.conf:2: so-rcvbuf:"));
  EXPECT_THAT(ErrorOf("server:\n tcp-idle-timeout: 1s\n"),
              StartsWith("test.conf:2: tcp-idle-timeout: expected a number"));
  EXPECT_THAT(ErrorOf("server:\n interface: nosuchif0\n"), StartsWith("test.conf:2: interface:"));
  EXPECT_THAT(ErrorOf("server:\n interface: 192.0.2.1@0\n"), StartsWith("test.conf:2: interface:"));
  EXPECT_THAT(ErrorOf("server:\n interface: 192.0.2.1@70000\n"),
              StartsWith("test.conf:2: interface:"));
}

TEST(ConfigErrorsTest, ValuesOutOfRange) {
  EXPECT_EQ(ErrorOf("server:\n num-threads: 0\n"),
            "test.conf:2: num-threads: value 0 is out of range (1 to 1024)");
  EXPECT_EQ(ErrorOf("server:\n outgoing-range: 0\n"),
            "test.conf:2: outgoing-range: value 0 is out of range (1 to 65536)");
  EXPECT_THAT(ErrorOf("server:\n num-queries-per-thread: 0\n"),
              StartsWith("test.conf:2: num-queries-per-thread: value 0 is out of range"));
  EXPECT_THAT(ErrorOf("server:\n jostle-timeout: 1s\n"),
              StartsWith("test.conf:2: jostle-timeout: expected a number"));
  EXPECT_THAT(ErrorOf("server:\n num-threads: -2\n"),
              StartsWith("test.conf:2: num-threads: value -2 is out of range"));
  EXPECT_THAT(ErrorOf("server:\n edns-buffer-size: 511\n"),
              StartsWith("test.conf:2: edns-buffer-size: value 511 is out of range"));
  EXPECT_THAT(ErrorOf("server:\n edns-buffer-size: 65536\n"), HasSubstr("out of range"));
  EXPECT_THAT(ErrorOf("server:\n port: 0\n"), StartsWith("test.conf:2: port: value 0"));
  EXPECT_THAT(ErrorOf("server:\n port: 65536\n"), HasSubstr("out of range"));
  EXPECT_THAT(ErrorOf("server:\n verbosity: 6\n"), HasSubstr("out of range"));
  EXPECT_THAT(ErrorOf("server:\n cache-max-ttl: 2147483648\n"), HasSubstr("out of range"));
  EXPECT_THAT(ErrorOf("server:\n cache-min-ttl: -1\n"), HasSubstr("out of range"));
  EXPECT_THAT(ErrorOf("server:\n incoming-num-tcp: -1\n"), HasSubstr("out of range"));
}

TEST(ConfigErrorsTest, OptionInTheWrongClause) {
  EXPECT_EQ(ErrorOf("server:\n forward-addr: 192.0.2.1\n"),
            "test.conf:2: 'forward-addr' belongs in a forward-zone: clause, not in server:");
  EXPECT_EQ(ErrorOf("forward-zone:\n name: .\n forward-addr: 192.0.2.1\n port: 53\n"),
            "test.conf:4: 'port' belongs in a server: clause, not in forward-zone:");
  EXPECT_EQ(ErrorOf("forward-zone:\n name: .\n forward-addr: 192.0.2.1\n stub-prime: yes\n"),
            "test.conf:4: 'stub-prime' belongs in a stub-zone: clause, not in forward-zone:");
  EXPECT_EQ(ErrorOf("server:\n name: example.com\n"),
            "test.conf:2: 'name' belongs in a forward-zone: or stub-zone: clause, not in server:");
}

TEST(ConfigErrorsTest, OptionOutsideAnyClause) {
  EXPECT_EQ(ErrorOf("port: 53\n"),
            "test.conf:1: 'port' is outside of any clause; it belongs after server:");
  EXPECT_THAT(ErrorOf("# header\nharden-referral-path: yes\n"),
              StartsWith("test.conf:2: 'harden-referral-path' is outside of any clause"));
}

TEST(ConfigErrorsTest, AccessControl) {
  EXPECT_EQ(ErrorOf("server:\n access-control: 10.0.0.0/8\n"),
            "test.conf:2: access-control: expected 'netblock action', got '10.0.0.0/8'");
  EXPECT_THAT(ErrorOf("server:\n access-control: 10.0.0.0/8 permit\n"),
              StartsWith("test.conf:2: access-control: unknown access-control action 'permit'"));
  EXPECT_THAT(ErrorOf("server:\n access-control: 10.0.0.0/40 allow\n"),
              StartsWith("test.conf:2: access-control: prefix length out of range"));
  EXPECT_THAT(ErrorOf("server:\n access-control: lan allow\n"),
              StartsWith("test.conf:2: access-control: not an IP netblock"));
  EXPECT_THAT(ErrorOf("server:\n access-control: 10.0.0.0/8 allow extra\n"),
              StartsWith("test.conf:2: too many values"));
}

TEST(ConfigErrorsTest, DuplicateAccessControlWarns) {
  EXPECT_THAT(
      WarningsOf("server:\n access-control: 10.0.0.0/8 allow\n access-control: 10.0.0.0/8 deny\n"),
      ElementsAre(StartsWith("test.conf:3: duplicate access-control netblock 10.0.0.0/8")));
}

TEST(ConfigErrorsTest, ZoneStructure) {
  EXPECT_EQ(ErrorOf("forward-zone:\n forward-addr: 192.0.2.1\n"),
            "test.conf:2: forward-addr: comes before the name: of its forward-zone: clause");
  EXPECT_EQ(ErrorOf("server:\nforward-zone:\nserver:\n"),
            "test.conf:2: forward-zone: clause without a name: line");
  EXPECT_EQ(ErrorOf("stub-zone:\n"), "test.conf:1: stub-zone: clause without a name: line");
  EXPECT_THAT(ErrorOf("forward-zone:\n name: a\n forward-addr: 192.0.2.1\n name: b\n"),
              StartsWith("test.conf:4: second name: in one forward-zone: clause (first at "
                         "test.conf:2)"));
}

TEST(ConfigErrorsTest, ZoneWithoutAddressesFailsAtItsName) {
  EXPECT_EQ(ErrorOf("forward-zone:\n name: example.com\n forward-first: yes\n\nserver:\n"),
            "test.conf:2: forward-zone example.com. has no forward-addr or forward-host");
  EXPECT_EQ(ErrorOf("stub-zone:\n  name: example.org\n  stub-prime: yes\n"),
            "test.conf:2: stub-zone example.org. has no stub-addr or stub-host");
}

// forward-host alone is a forward-zone's server (issue 16's parser gap), except over TLS, where
// the transport must know the server by address before it is asked.
TEST(ConfigErrorsTest, ForwardHostNamesAServer) {
  const Config c = MustParse("forward-zone:\n name: .\n forward-host: DNS.Example\n");
  ASSERT_EQ(c.forward_zones.size(), 1u);
  EXPECT_THAT(c.forward_zones[0].hosts, ElementsAre("dns.example."));
  EXPECT_THAT(c.forward_zones[0].addrs, IsEmpty());
  EXPECT_EQ(ErrorOf("forward-zone:\n name: .\n forward-host: dns.example@5353\n"),
            "test.conf:3: forward-host: a port (@) is not supported here; use forward-addr");
  EXPECT_EQ(ErrorOf("forward-zone:\n name: .\n forward-tls-upstream: yes\n"
                    " forward-host: dns.quad9.net\n"),
            "test.conf:4: not supported: forward-host with TLS; give the server as forward-addr "
            "ADDRESS@853#NAME");
}

TEST(ConfigErrorsTest, DuplicateZones) {
  EXPECT_EQ(ErrorOf("forward-zone:\n name: example.com\n forward-addr: 192.0.2.1\n"
                    "forward-zone:\n name: EXAMPLE.com.\n forward-addr: 192.0.2.2\n"),
            "test.conf:5: zone example.com. is already defined (forward-zone at test.conf:2)");
  EXPECT_EQ(ErrorOf("stub-zone:\n name: example.com\n stub-addr: 192.0.2.1\n"
                    "forward-zone:\n name: example.com\n forward-addr: 192.0.2.2\n"),
            "test.conf:5: zone example.com. is already defined (stub-zone at test.conf:2)");
}

TEST(ConfigErrorsTest, BadZoneValues) {
  EXPECT_THAT(ErrorOf("forward-zone:\n name: a..b\n"),
              StartsWith("test.conf:2: name: invalid domain name 'a..b'"));
  EXPECT_THAT(ErrorOf("forward-zone:\n name: " + std::string(64, 'x') + ".com\n"),
              StartsWith("test.conf:2: name: invalid domain name"));
  EXPECT_THAT(ErrorOf("forward-zone:\n name: .\n forward-addr: dns.example\n"),
              StartsWith("test.conf:3: forward-addr: not an IP address"));
  EXPECT_THAT(ErrorOf("forward-zone:\n name: .\n forward-addr: 192.0.2.1\n forward-first: 1\n"),
              StartsWith("test.conf:4: forward-first: expected yes or no"));
  EXPECT_THAT(ErrorOf("stub-zone:\n name: x\n stub-addr: 192.0.2.1@99999\n"),
              StartsWith("test.conf:3: stub-addr:"));
  EXPECT_THAT(ErrorOf("stub-zone:\n name: x\n stub-host: ns.x@5353\n"),
              StartsWith("test.conf:3: stub-host: a port"));
  EXPECT_THAT(ErrorOf("stub-zone:\n name: x\n stub-host: a..b\n"),
              StartsWith("test.conf:3: stub-host: invalid domain name"));
  EXPECT_THAT(ErrorOf("stub-zone:\n name: x\n stub-addr: 192.0.2.1\n stub-prime: sure\n"),
              StartsWith("test.conf:4: stub-prime: expected yes or no"));
  EXPECT_THAT(ErrorOf("stub-zone:\n name: x\n stub-addr: 192.0.2.1\n stub-first: sure\n"),
              StartsWith("test.conf:4: stub-first: expected yes or no"));
  EXPECT_THAT(ErrorOf("forward-zone:\n name: a b\n"), StartsWith("test.conf:2: too many values"));
}

TEST(ConfigErrorsTest, ChecksAcrossOptions) {
  EXPECT_EQ(ErrorOf("server:\n do-ip6: no\n verbosity: 2\n do-ip4: no\n"),
            "test.conf:4: do-ip4 and do-ip6 are both no: no address family left to use");
  EXPECT_THAT(ErrorOf("server:\n do-tcp: no\n do-udp: no\n"),
              StartsWith("test.conf:3: do-udp and do-tcp are both no"));
  EXPECT_EQ(ErrorOf("server:\n interface: ::1\n do-ip6: no\n"),
            "test.conf:2: interface ::1 is IPv6 but do-ip6 is no");
  EXPECT_EQ(ErrorOf("server:\n interface: 127.0.0.1\n do-ip4: no\n"),
            "test.conf:2: interface 127.0.0.1 is IPv4 but do-ip4 is no");
  EXPECT_EQ(ErrorOf("server:\n interface: 127.0.0.1\n port: 5353\n interface: 127.0.0.1@5353\n"),
            "test.conf:4: duplicate interface 127.0.0.1@5353 (first at test.conf:2)");
}

TEST(ConfigErrorsTest, UnsupportedUnboundOptionsWarn) {
  std::vector<std::string> warnings;
  absl::StatusOr<Config> config = ParseConfigText(
      "server:\n  port: 5353\n  harden-referral-path: no\n  prefetch-key: yes\n"
      "  rrset-roundrobin: yes\n  port: 5354\n",
      "test.conf", &warnings);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->port, 5354);  // parsing went on after the warnings
  EXPECT_THAT(warnings, ElementsAre("test.conf:3: not supported: harden-referral-path",
                                    "test.conf:4: not supported: prefetch-key",
                                    "test.conf:5: not supported: rrset-roundrobin"));
}

TEST(ConfigErrorsTest, UnsupportedZoneOptionsWarn) {
  EXPECT_THAT(WarningsOf("forward-zone:\n name: .\n forward-addr: 192.0.2.1@853#dns.example\n"),
              ElementsAre("test.conf:3: TLS authentication name 'dns.example' is used only with "
                          "forward-tls-upstream: yes (ignored)"));
}

TEST(ConfigErrorsTest, UnsupportedClauseWarnsOnceAndSkipsItsKeys) {
  std::vector<std::string> warnings;
  absl::StatusOr<Config> config = ParseConfigText(R"(server:
  port: 5353
cachedb:
  backend: redis
  some-future-key: whatever
server:
  verbosity: 2
)",
                                                  "test.conf", &warnings);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->port, 5353);
  EXPECT_EQ(config->verbosity, 2);
  EXPECT_THAT(config->forward_zones, IsEmpty());
  EXPECT_THAT(warnings, ElementsAre("test.conf:3: not supported: cachedb: clause (its options are "
                                    "ignored)"));
}

TEST(ConfigErrorsTest, CacheMinAboveMaxWarns) {
  EXPECT_THAT(WarningsOf("server:\n cache-min-ttl: 600\n cache-max-ttl: 60\n"),
              ElementsAre(StartsWith("test.conf:2: cache-min-ttl 600 is above cache-max-ttl 60")));
}

TEST(ConfigErrorsTest, NullWarningsIsFine) {
  EXPECT_TRUE(ParseConfigText("server:\n prefetch-key: yes\n", "test.conf", nullptr).ok());
}

// Random lines built from config fragments: parsing must never crash, and every error must carry
// its file:line.
TEST(ConfigErrorsTest, EveryErrorOfJumbledInputHasALocation) {
  const std::vector<std::string> pieces = {"server:",
                                           "forward-zone:",
                                           "stub-zone:",
                                           "remote-control:",
                                           "port:",
                                           "name:",
                                           "interface:",
                                           "access-control:",
                                           "forward-addr:",
                                           "stub-host:",
                                           "num-threads:",
                                           "msg-cache-size:",
                                           "do-ip4:",
                                           "do-ip6:",
                                           "prefetch:",
                                           "module-config:",
                                           "dns64-prefix:",
                                           "dns64-exclude:",
                                           "dns64-mapped:",
                                           "\"dns64 iterator\"",
                                           "64:ff9b::/96",
                                           "bogus:",
                                           "\"",
                                           "'",
                                           "#",
                                           ":",
                                           " ",
                                           " ",
                                           "\t",
                                           "\n",
                                           "\n",
                                           "\n",
                                           ".",
                                           "example.com",
                                           "192.0.2.1",
                                           "::1@0",
                                           "10.0.0.0/8",
                                           "allow",
                                           "yes",
                                           "no",
                                           "4m",
                                           "-1",
                                           "0",
                                           "65536",
                                           "@",
                                           "a..b"};
  std::mt19937 random(12345);
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    int length = static_cast<int>(random() % 40);
    for (int i = 0; i < length; ++i) text += pieces[random() % pieces.size()];
    absl::StatusOr<Config> config = ParseConfigText(text, "test.conf", nullptr);
    if (!config.ok()) {
      EXPECT_THAT(std::string(config.status().message()),
                  ::testing::MatchesRegex("test\\.conf:[0-9]+: .+"))
          << "input:\n"
          << text;
    }
  }
}

TEST(ConfigErrorsTest, MissingTopLevelFile) {
  absl::StatusOr<Config> config = LoadConfigFile("/nonexistent/rebound.conf", nullptr);
  ASSERT_FALSE(config.ok());
  EXPECT_TRUE(absl::IsNotFound(config.status())) << config.status();
  EXPECT_THAT(std::string(config.status().message()),
              StartsWith("/nonexistent/rebound.conf: cannot read"));
}

}  // namespace
}  // namespace rebound
