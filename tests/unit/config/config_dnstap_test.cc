#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "resolver/config/dnstap_clause.h"
#include "resolver/config/unbound_options.h"
#include "tests/unit/config/parse_text.h"

namespace rebound {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(ConfigDnstapTest, DefaultsAreOff) {
  const DnstapConfig dnstap = MustParse("server:\n").dnstap;
  EXPECT_FALSE(dnstap.enable);
  EXPECT_FALSE(dnstap.send_identity);
  EXPECT_FALSE(dnstap.send_version);
  EXPECT_FALSE(dnstap.log_client_query);
  EXPECT_FALSE(dnstap.log_resolver_response);
  EXPECT_TRUE(dnstap.identity.empty());  // the host name, decided when the writer starts
}

TEST(ConfigDnstapTest, EveryOptionOfUnboundsClause) {
  std::vector<std::string> warnings;
  const Config config = MustParse(R"(dnstap:
  dnstap-enable: yes
  dnstap-socket-path: "/run/rebound/dnstap.sock"
  dnstap-send-identity: yes
  dnstap-send-version: yes
  dnstap-identity: "ns1.example"
  dnstap-version: "custom 1"
  dnstap-log-resolver-query-messages: yes
  dnstap-log-resolver-response-messages: no
  dnstap-log-client-query-messages: yes
  dnstap-log-client-response-messages: yes
  dnstap-log-forwarder-query-messages: no
  dnstap-log-forwarder-response-messages: yes
  dnstap-bidirectional: yes
  dnstap-ip: ""
  dnstap-tls: yes
  dnstap-tls-server-name: ""
  dnstap-tls-cert-bundle: ""
  dnstap-tls-client-key-file: ""
  dnstap-tls-client-cert-file: ""
server:
  port: 5300
)",
                                  &warnings);
  EXPECT_THAT(warnings, IsEmpty());
  EXPECT_EQ(config.port, 5300);
  const DnstapConfig& d = config.dnstap;
  EXPECT_TRUE(d.enable);
  EXPECT_EQ(d.socket_path, "/run/rebound/dnstap.sock");
  EXPECT_TRUE(d.send_identity);
  EXPECT_TRUE(d.send_version);
  EXPECT_EQ(d.identity, "ns1.example");
  EXPECT_EQ(d.version, "custom 1");
  EXPECT_TRUE(d.log_resolver_query);
  EXPECT_FALSE(d.log_resolver_response);
  EXPECT_TRUE(d.log_client_query);
  EXPECT_TRUE(d.log_client_response);
  EXPECT_FALSE(d.log_forwarder_query);
  EXPECT_TRUE(d.log_forwarder_response);
}

TEST(ConfigDnstapTest, EnableNeedsASocketPathOrAnAddress) {
  EXPECT_EQ(ErrorOf("dnstap:\n dnstap-enable: yes\n"),
            "test.conf:2: dnstap-enable: yes needs dnstap-socket-path (the collector's socket) or "
            "dnstap-ip");
  MustParse("dnstap:\n dnstap-enable: no\n");
}

// As unbound: dnstap-ip, when set, is used in place of the socket; plain TCP with dnstap-tls: no,
// whichever line comes first.
TEST(ConfigDnstapTest, AnAddressOverTcp) {
  for (const char* text :
       {"dnstap:\n dnstap-enable: yes\n dnstap-ip: 127.0.0.1@6000\n dnstap-tls: no\n",
        "dnstap:\n dnstap-tls: no\n dnstap-enable: yes\n dnstap-ip: 127.0.0.1@6000\n"}) {
    const DnstapConfig d = MustParse(text).dnstap;
    ASSERT_TRUE(d.ip.has_value()) << text;
    EXPECT_EQ(d.ip->ToString(), "127.0.0.1@6000");
    EXPECT_FALSE(d.tls);
  }
  EXPECT_FALSE(MustParse("dnstap:\n dnstap-ip: \"\"\n").dnstap.ip.has_value());
}

TEST(ConfigDnstapTest, WhatCannotBeHonouredIsRefusedWithItsLine) {
  // dnstap-tls defaults to yes in unbound: the messages would go in plaintext.
  EXPECT_THAT(ErrorOf("dnstap:\n dnstap-ip: 127.0.0.1@6000\n"),
              HasSubstr("test.conf:2: not supported: dnstap-ip with dnstap-tls: yes"));
  EXPECT_THAT(ErrorOf("dnstap:\n dnstap-ip: 127.0.0.1@6000\n dnstap-tls: yes\n"),
              HasSubstr("test.conf:2: not supported: dnstap-ip with dnstap-tls: yes"));
  EXPECT_THAT(ErrorOf("dnstap:\n dnstap-tls: no\n dnstap-ip: 127.0.0.1\n"),
              HasSubstr("test.conf:3: dnstap-ip: give the collector's port"));
  EXPECT_THAT(ErrorOf("dnstap:\n dnstap-ip: not-an-address@6000\n"),
              HasSubstr("test.conf:2: dnstap-ip:"));
  EXPECT_THAT(ErrorOf("dnstap:\n dnstap-bidirectional: no\n"),
              HasSubstr("test.conf:2: not supported: dnstap-bidirectional: no"));
}

TEST(ConfigDnstapTest, BadValuesNameTheLine) {
  EXPECT_THAT(ErrorOf("dnstap:\n dnstap-enable: maybe\n"), HasSubstr("test.conf:2: dnstap-enable"));
  EXPECT_THAT(ErrorOf("dnstap:\n\n dnstap-tls: sure\n"), HasSubstr("test.conf:3: dnstap-tls"));
}

TEST(ConfigDnstapTest, OptionsBelongInTheirClause) {
  EXPECT_THAT(ErrorOf("server:\n dnstap-enable: yes\n"),
              HasSubstr("'dnstap-enable' belongs in a dnstap: clause, not in server:"));
  EXPECT_THAT(ErrorOf("dnstap:\n port: 53\n"), HasSubstr("belongs in a server: clause"));
}

TEST(ConfigDnstapTest, NoDnstapOptionIsLeftInTheUnsupportedTable) {
  for (absl::string_view name : config_internal::UnsupportedUnboundOptions()) {
    EXPECT_FALSE(config_internal::DnstapClause::Handles(name)) << name;
  }
  EXPECT_FALSE(config_internal::IsUnsupportedUnboundClause("dnstap"));
}

}  // namespace
}  // namespace rebound
