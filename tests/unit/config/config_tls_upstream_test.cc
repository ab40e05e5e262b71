// DNS over TLS to forwarders (RFC 7858), as unbound's forward-tls-upstream, tls-upstream,
// tls-cert-bundle and tls-system-cert: the "#name" of a forward-addr is kept, TLS servers default
// to port 853, and what would send a TLS zone's queries in plaintext is refused with file:line.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "resolver/config/config.h"

namespace rebound {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

Config MustParse(const std::string& text, std::vector<std::string>* warnings = nullptr) {
  absl::StatusOr<Config> config = ParseConfigText(text, "test.conf", warnings);
  EXPECT_TRUE(config.ok()) << config.status();
  return config.ok() ? *config : Config{};
}

std::string ErrorOf(const std::string& text) {
  absl::StatusOr<Config> config = ParseConfigText(text, "test.conf", nullptr);
  EXPECT_FALSE(config.ok()) << "parsed:\n" << text;
  return config.ok() ? "" : std::string(config.status().message());
}

Endpoint Ep(const char* text) { return *Endpoint::Parse(text, 0); }

TEST(ConfigTlsUpstreamTest, DefaultsArePlaintextAndTheSystemStore) {
  const Config c = DefaultConfig();
  EXPECT_FALSE(c.tls_upstream);
  EXPECT_EQ(c.tls_cert_bundle, "");
  EXPECT_FALSE(c.tls_system_cert);
  EXPECT_FALSE(c.UsesTlsUpstream());
}

TEST(ConfigTlsUpstreamTest, ForwardTlsUpstreamKeepsNamesAndDefaultsTo853) {
  std::vector<std::string> warnings;
  const Config c = MustParse(R"(server:
  tls-cert-bundle: /etc/rebound/ca.pem
forward-zone:
  name: example.
  forward-addr: 192.0.2.1#DNS.Example.
  forward-addr: 192.0.2.2@8853#dns2.example
  forward-addr: 2001:db8::1
  forward-tls-upstream: yes
forward-zone:
  name: plain.example.
  forward-addr: 192.0.2.9
)",
                             &warnings);
  EXPECT_THAT(warnings, IsEmpty());
  EXPECT_EQ(c.tls_cert_bundle, "/etc/rebound/ca.pem");
  ASSERT_EQ(c.forward_zones.size(), 2u);
  const ForwardZone& tls = c.forward_zones[0];
  EXPECT_TRUE(tls.tls_upstream);
  EXPECT_THAT(tls.addrs,
              ElementsAre(Ep("192.0.2.1@853"), Ep("192.0.2.2@8853"), Ep("2001:db8::1@853")));
  EXPECT_THAT(tls.tls_names, ElementsAre("dns.example", "dns2.example", ""));
  EXPECT_EQ(tls.TlsNameOf(0), "dns.example");
  EXPECT_EQ(tls.TlsNameOf(2), "2001:db8::1");  // verified against the IP address SAN
  const ForwardZone& plain = c.forward_zones[1];
  EXPECT_FALSE(plain.tls_upstream);
  EXPECT_THAT(plain.addrs, ElementsAre(Ep("192.0.2.9@53")));
  EXPECT_TRUE(c.UsesTlsUpstream());
}

TEST(ConfigTlsUpstreamTest, OlderNamesAreAliases) {
  const Config c = MustParse(R"(server:
  ssl-upstream: yes
  ssl-cert-bundle: ca.pem
  tls-win-cert: yes
forward-zone:
  name: .
  forward-addr: 192.0.2.1#dns.example
forward-zone:
  name: example.
  forward-ssl-upstream: yes
  forward-addr: 192.0.2.2
)");
  EXPECT_TRUE(c.tls_upstream);
  EXPECT_EQ(c.tls_cert_bundle, "ca.pem");
  EXPECT_TRUE(c.tls_system_cert);
  EXPECT_TRUE(c.forward_zones[0].tls_upstream);
  EXPECT_TRUE(c.forward_zones[1].tls_upstream);
  EXPECT_THAT(c.forward_zones[1].addrs, ElementsAre(Ep("192.0.2.2@853")));
}

TEST(ConfigTlsUpstreamTest, TlsUpstreamMakesEveryForwardZoneTlsEvenWhenSetLater) {
  const Config c = MustParse(R"(forward-zone:
  name: .
  forward-addr: 192.0.2.1#dns.example
  forward-addr: 192.0.2.2@53
server:
  tls-upstream: yes
  tls-system-cert: yes
)");
  ASSERT_EQ(c.forward_zones.size(), 1u);
  EXPECT_TRUE(c.forward_zones[0].tls_upstream);
  EXPECT_THAT(c.forward_zones[0].addrs, ElementsAre(Ep("192.0.2.1@853"), Ep("192.0.2.2@53")));
  EXPECT_THAT(c.forward_zones[0].tls_names, ElementsAre("dns.example", ""));
  EXPECT_TRUE(c.tls_system_cert);
}

TEST(ConfigTlsUpstreamTest, ForwardTlsUpstreamNoStaysPlaintext) {
  const Config c = MustParse(
      "forward-zone:\n name: example.\n forward-tls-upstream: yes\n forward-tls-upstream: no\n"
      " forward-addr: 192.0.2.1\n");
  EXPECT_FALSE(c.forward_zones[0].tls_upstream);
  EXPECT_THAT(c.forward_zones[0].addrs, ElementsAre(Ep("192.0.2.1@53")));
}

TEST(ConfigTlsUpstreamTest, ErrorsSayWhere) {
  EXPECT_THAT(ErrorOf("forward-zone:\n name: .\n forward-addr: 192.0.2.1#\n"),
              StartsWith("test.conf:3: forward-addr: TLS authentication name ''"));
  EXPECT_THAT(ErrorOf("forward-zone:\n name: .\n forward-addr: 192.0.2.1#bad..name\n"),
              StartsWith("test.conf:3: forward-addr: TLS authentication name 'bad..name'"));
  EXPECT_EQ(ErrorOf("forward-zone:\n name: .\n forward-tls-upstream: maybe\n"
                    " forward-addr: 192.0.2.1\n"),
            "test.conf:3: forward-tls-upstream: expected yes or no, got 'maybe'");
  // A failure would fall back to iterating, in plaintext.
  EXPECT_THAT(ErrorOf("forward-zone:\n name: .\n forward-tls-upstream: yes\n"
                      " forward-first: yes\n forward-addr: 192.0.2.1\n"),
              StartsWith("test.conf:4: forward-first: yes with TLS"));
  // tls-upstream with names left to iteration, or with a stub-zone.
  EXPECT_THAT(ErrorOf("server:\n tls-upstream: yes\nforward-zone:\n name: example.\n"
                      " forward-addr: 192.0.2.1\n"),
              AllOf(StartsWith("test.conf:2: tls-upstream: yes, but names outside"),
                    HasSubstr("forward-zone for \".\"")));
  EXPECT_THAT(ErrorOf("server:\n tls-upstream: yes\nforward-zone:\n name: .\n"
                      " forward-addr: 192.0.2.1\nstub-zone:\n name: example.\n"
                      " stub-addr: 192.0.2.3\n"),
              StartsWith("test.conf:7: stub-zone: rebound asks stub servers in plaintext only"));
  EXPECT_EQ(ErrorOf("stub-zone:\n name: example.\n stub-tls-upstream: yes\n"
                    " stub-addr: 192.0.2.3\n"),
            "test.conf:3: stub-tls-upstream: not supported; use a forward-zone with "
            "forward-tls-upstream: yes");
  // The transport picks TLS and the name by address: one server, one way.
  EXPECT_THAT(ErrorOf("forward-zone:\n name: a.\n forward-tls-upstream: yes\n"
                      " forward-addr: 192.0.2.1@853#one.example\nforward-zone:\n name: b.\n"
                      " forward-tls-upstream: yes\n forward-addr: 192.0.2.1#two.example\n"),
              StartsWith("test.conf:8: forward-addr 192.0.2.1@853 is TLS with name two.example "
                         "here but TLS with name one.example at test.conf:4"));
  EXPECT_THAT(ErrorOf("forward-zone:\n name: a.\n forward-addr: 192.0.2.1@853\n"
                      "forward-zone:\n name: b.\n forward-tls-upstream: yes\n"
                      " forward-addr: 192.0.2.1\n"),
              StartsWith("test.conf:7: forward-addr 192.0.2.1@853 is TLS with name 192.0.2.1 "
                         "here but plaintext at test.conf:3"));
}

TEST(ConfigTlsUpstreamTest, StubTlsUpstreamNoIsAccepted) {
  const Config c =
      MustParse("stub-zone:\n name: example.\n stub-tls-upstream: no\n stub-addr: 192.0.2.3\n");
  EXPECT_THAT(c.stub_zones[0].addrs, ElementsAre(Ep("192.0.2.3@53")));
}

}  // namespace
}  // namespace rebound
