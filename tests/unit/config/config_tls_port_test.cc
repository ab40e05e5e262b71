// unbound's DNS over TLS service options (RFC 7858): tls-port, tls-additional-port, and the
// older names ssl-port, ssl-service-key and ssl-service-pem; an interface on a TLS port needs
// tls-service-key and tls-service-pem, and the errors say where.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "resolver/config/config.h"
#include "resolver/config/server_clause.h"
#include "resolver/config/unbound_options.h"
#include "tests/unit/config/parse_text.h"

namespace rebound {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(ConfigTlsPortTest, Defaults) {
  const Config c = DefaultConfig();
  EXPECT_EQ(c.tls_port, 853);
  EXPECT_THAT(c.tls_additional_ports, IsEmpty());
  EXPECT_TRUE(c.ServesDnsOverTls(853));
  EXPECT_FALSE(c.ServesDnsOverTls(53));
  EXPECT_FALSE(c.ServesDnsOverTls(443));
}

TEST(ConfigTlsPortTest, TlsPortAdditionalPortsAndServiceFiles) {
  std::vector<std::string> warnings;
  const Config c = MustParse(
      "server:\n"
      " interface: 127.0.0.1@8853\n"
      " interface: ::1@9853\n"
      " interface: 127.0.0.1\n"
      " tls-port: 8853\n"
      " tls-additional-port: 9853\n"
      " tls-additional-port: 10853\n"
      " tls-service-key: /etc/rebound/key.pem\n"
      " tls-service-pem: /etc/rebound/cert.pem\n",
      &warnings);
  EXPECT_THAT(warnings, IsEmpty());
  EXPECT_EQ(c.tls_port, 8853);
  EXPECT_THAT(c.tls_additional_ports, ElementsAre(9853, 10853));
  EXPECT_TRUE(c.ServesDnsOverTls(8853));
  EXPECT_TRUE(c.ServesDnsOverTls(9853));
  EXPECT_FALSE(c.ServesDnsOverTls(853));
  EXPECT_FALSE(c.ServesDnsOverTls(53));
  EXPECT_EQ(c.tls_service_key, "/etc/rebound/key.pem");
  EXPECT_EQ(c.tls_service_pem, "/etc/rebound/cert.pem");
}

// unbound still takes its older names with the same meaning.
TEST(ConfigTlsPortTest, SslAliases) {
  const Config c = MustParse(
      "server:\n"
      " interface: 127.0.0.1@8853\n"
      " ssl-port: 8853\n"
      " ssl-service-key: key.pem\n"
      " ssl-service-pem: cert.pem\n");
  EXPECT_EQ(c.tls_port, 8853);
  EXPECT_EQ(c.tls_service_key, "key.pem");
  EXPECT_EQ(c.tls_service_pem, "cert.pem");
  // An alias and its current name are one option: the later line wins.
  EXPECT_EQ(MustParse("server:\n tls-port: 1853\n ssl-port: 2853\n").tls_port, 2853);
}

TEST(ConfigTlsPortTest, DuplicateAdditionalPortDrawsAWarning) {
  std::vector<std::string> warnings;
  const Config c =
      MustParse("server:\n tls-additional-port: 9853\n tls-additional-port: 9853\n", &warnings);
  EXPECT_THAT(c.tls_additional_ports, ElementsAre(9853));
  EXPECT_THAT(warnings, ElementsAre("test.conf:3: duplicate tls-additional-port 9853"));
}

TEST(ConfigTlsPortTest, BadPortValues) {
  EXPECT_EQ(ErrorOf("server:\n tls-port: 0\n"),
            "test.conf:2: tls-port: value 0 is out of range (1 to 65535)");
  EXPECT_EQ(ErrorOf("server:\n verbosity: 1\n tls-port: 65536\n"),
            "test.conf:3: tls-port: value 65536 is out of range (1 to 65535)");
  EXPECT_EQ(ErrorOf("server:\n tls-port: dot\n"),
            "test.conf:2: tls-port: expected a number, got 'dot'");
  EXPECT_EQ(ErrorOf("server:\n ssl-port: -1\n"),
            "test.conf:2: ssl-port: value -1 is out of range (1 to 65535)");
  EXPECT_EQ(ErrorOf("server:\n tls-additional-port: 0\n"),
            "test.conf:2: tls-additional-port: value 0 is out of range (1 to 65535)");
  EXPECT_EQ(ErrorOf("server:\n tls-port: 853 854\n"),
            "test.conf:2: too many values for 'tls-port' (quote a value that contains blanks)");
}

TEST(ConfigTlsPortTest, InterfaceOnTlsPortNeedsKeyAndCertificate) {
  EXPECT_EQ(ErrorOf("server:\n interface: 127.0.0.1\n interface: 127.0.0.1@853\n"),
            "test.conf:3: interface 127.0.0.1@853 is on tls-port 853 and so serves DNS over TLS, "
            "which needs tls-service-key: and tls-service-pem:");
  EXPECT_EQ(ErrorOf("server:\n interface: ::1@8853\n tls-port: 8853\n"),
            "test.conf:2: interface ::1@8853 is on tls-port 8853 and so serves DNS over TLS, "
            "which needs tls-service-key: and tls-service-pem:");
  EXPECT_EQ(ErrorOf("server:\n interface: ::1@9853\n tls-additional-port: 9853\n"),
            "test.conf:2: interface ::1@9853 is on tls-additional-port 9853 and so serves DNS "
            "over TLS, which needs tls-service-key: and tls-service-pem:");
  // Default interfaces: port: or tls-port: put them there, whichever came later.
  EXPECT_EQ(ErrorOf("server:\n port: 853\n"),
            "test.conf:2: interface 127.0.0.1@853 is on tls-port 853 and so serves DNS over TLS, "
            "which needs tls-service-key: and tls-service-pem:");
  EXPECT_EQ(ErrorOf("server:\n port: 5353\n verbosity: 1\n ssl-port: 5353\n"),
            "test.conf:4: interface 127.0.0.1@5353 is on tls-port 5353 and so serves DNS over "
            "TLS, which needs tls-service-key: and tls-service-pem:");
  // Only one of the pair, under either name.
  EXPECT_EQ(ErrorOf("server:\n interface: 127.0.0.1@853\n ssl-service-key: key.pem\n"),
            "test.conf:3: tls-service-key is given without tls-service-pem; DNS over TLS and DNS "
            "over HTTPS need both the key and the certificate");
  EXPECT_EQ(ErrorOf("server:\n interface: 127.0.0.1@853\n ssl-service-pem: cert.pem\n"),
            "test.conf:3: tls-service-pem is given without tls-service-key; DNS over TLS and DNS "
            "over HTTPS need both the key and the certificate");
}

// When https-port and tls-port are the same, the interface serves DNS over HTTPS, as the
// existing https-port rules say.
TEST(ConfigTlsPortTest, HttpsPortWinsOverTlsPort) {
  const Config c = MustParse("server:\n https-port: 853\n");
  EXPECT_FALSE(c.ServesDnsOverTls(853));
  EXPECT_EQ(ErrorOf("server:\n interface: 127.0.0.1@853\n https-port: 853\n"),
            "test.conf:2: interface 127.0.0.1@853 is on https-port 853 and so serves DNS over "
            "HTTPS, which needs tls-service-key: and tls-service-pem:");
}

TEST(ConfigTlsPortTest, ServiceFilesWithoutATlsInterfaceDrawAWarning) {
  std::vector<std::string> warnings;
  MustParse("server:\n tls-additional-port: 9853\n ssl-service-key: k.pem\n tls-service-pem: c\n",
            &warnings);
  EXPECT_THAT(warnings,
              ElementsAre("test.conf:4: tls-service-key and tls-service-pem have no effect: no "
                          "interface is on https-port 443 or tls-port 853 or a "
                          "tls-additional-port"));
}

TEST(ConfigTlsPortTest, UnboundTlsServiceOptionsAreImplemented) {
  using config_internal::IsUnsupportedUnboundOption;
  using config_internal::ServerClause;
  for (absl::string_view name : {"tls-port", "tls-additional-port", "ssl-port", "ssl-service-key",
                                 "ssl-service-pem", "tls-service-key", "tls-service-pem"}) {
    EXPECT_FALSE(IsUnsupportedUnboundOption(name)) << name;
    EXPECT_TRUE(ServerClause::Handles(name)) << name;
  }
  // Of the other TLS options, the session ticket keys are still unsupported.
  EXPECT_TRUE(IsUnsupportedUnboundOption("tls-session-ticket-keys"));
}

}  // namespace
}  // namespace rebound
