// The bootstrap options of the server: clause (bootstrap, bootstrap-relay,
// bootstrap-relays-replace, bootstrap-ca-file, bootstrap-state-file, bootstrap-max-ttl) and
// unbound's https-port, tls-service-key and tls-service-pem: defaults, errors, warnings.
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
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

constexpr const char* kCloudflare6 = "2606:4700:4700::1111 443 cloudflare-dns.com doh /dns-query";

Relay R(const char* line) { return *ParseRelayLine(line); }

std::vector<Relay> BuiltInPlus(const std::vector<Relay>& extra) {
  std::vector<Relay> relays = BuiltInRelays();
  relays.insert(relays.end(), extra.begin(), extra.end());
  return relays;
}

TEST(ConfigBootstrapTest, Defaults) {
  const BootstrapConfig b;
  EXPECT_EQ(b.mode, BootstrapMode::kYes);
  EXPECT_EQ(b.relays, BuiltInRelays());
  EXPECT_FALSE(b.relays.empty());
  EXPECT_EQ(b.ca_file, "");
  EXPECT_EQ(b.state_file, "");
  EXPECT_EQ(b.max_ttl, 300u);
  const Config c;
  EXPECT_EQ(c.bootstrap, b);
  EXPECT_EQ(c.https_port, 443);
  EXPECT_EQ(c.tls_service_key, "");
  EXPECT_EQ(c.tls_service_pem, "");
  std::vector<std::string> warnings;
  EXPECT_EQ(MustParse("server:\n", &warnings), Config{});
  EXPECT_THAT(warnings, IsEmpty());
}

TEST(ConfigBootstrapTest, Modes) {
  EXPECT_EQ(MustParse("server:\n bootstrap: yes\n").bootstrap.mode, BootstrapMode::kYes);
  EXPECT_EQ(MustParse("server:\n bootstrap: no\n").bootstrap.mode, BootstrapMode::kNo);
  EXPECT_EQ(MustParse("server:\n bootstrap: only\n").bootstrap.mode, BootstrapMode::kOnly);
  EXPECT_EQ(MustParse("server:\n bootstrap: only\n bootstrap: no\n").bootstrap.mode,
            BootstrapMode::kNo);
  EXPECT_EQ(ErrorOf("server:\n bootstrap: maybe\n"),
            "test.conf:2: bootstrap: expected yes, no or only, got 'maybe'");
  EXPECT_EQ(ErrorOf("server:\n bootstrap: Yes\n"),
            "test.conf:2: bootstrap: expected yes, no or only, got 'Yes'");
  EXPECT_EQ(ErrorOf("bootstrap: yes\n"),
            "test.conf:1: 'bootstrap' is outside of any clause; it belongs after server:");
}

TEST(ConfigBootstrapTest, RelayLinesAddToTheBuiltInOnes) {
  std::vector<std::string> warnings;
  Config c = MustParse(
      "server:\n"
      " bootstrap-relay: 192.0.2.1 8443 relay.test json /bootstrap-dns\n"
      " bootstrap-relay: \"2001:db8::1 443 Other.Test. doh /dns-query\"\n",
      &warnings);
  EXPECT_THAT(warnings, IsEmpty());
  EXPECT_EQ(c.bootstrap.relays, BuiltInPlus({R("192.0.2.1 8443 relay.test json /bootstrap-dns"),
                                             R("2001:db8::1 443 other.test doh /dns-query")}));
}

TEST(ConfigBootstrapTest, ReplaceKeepsOnlyTheConfiguredRelaysWhereverItStands) {
  const std::vector<Relay> mine = {R("::1 8443 relay.test doh /dns-query"),
                                   R("127.0.0.1 8443 relay.test doh /dns-query")};
  const char* relay_lines =
      " bootstrap-relay: ::1 8443 relay.test doh /dns-query\n"
      " bootstrap-relay: 127.0.0.1 8443 relay.test doh /dns-query\n";
  EXPECT_EQ(MustParse(absl::StrCat("server:\n bootstrap-relays-replace: yes\n", relay_lines))
                .bootstrap.relays,
            mine);
  EXPECT_EQ(MustParse(absl::StrCat("server:\n", relay_lines, " bootstrap-relays-replace: yes\n"))
                .bootstrap.relays,
            mine);
  // Between the relay lines, and across an include-style split of the clause.
  EXPECT_EQ(MustParse("server:\n bootstrap-relay: ::1 8443 relay.test doh /dns-query\n"
                      " bootstrap-relays-replace: yes\n"
                      "forward-zone:\n name: example\n forward-addr: 192.0.2.53\n"
                      "server:\n bootstrap-relay: 127.0.0.1 8443 relay.test doh /dns-query\n")
                .bootstrap.relays,
            mine);
  // The last bootstrap-relays-replace wins, as for any single-valued option.
  EXPECT_EQ(MustParse(absl::StrCat("server:\n bootstrap-relays-replace: yes\n", relay_lines,
                                   " bootstrap-relays-replace: no\n"))
                .bootstrap.relays,
            BuiltInPlus(mine));
}

TEST(ConfigBootstrapTest, ReplaceWithoutRelaysIsAnError) {
  EXPECT_EQ(ErrorOf("server:\n port: 53\n bootstrap-relays-replace: yes\n"),
            "test.conf:3: bootstrap-relays-replace: yes leaves no bootstrap relay; add "
            "bootstrap-relay: lines or set bootstrap: no");
  EXPECT_EQ(ErrorOf("server:\n bootstrap: only\n bootstrap-relays-replace: yes\n"),
            "test.conf:3: bootstrap-relays-replace: yes leaves no bootstrap relay; add "
            "bootstrap-relay: lines or set bootstrap: no");
  // Without the fallback no relay is needed; the option only draws a warning.
  std::vector<std::string> warnings;
  Config c = MustParse("server:\n bootstrap-relays-replace: yes\n bootstrap: no\n", &warnings);
  EXPECT_THAT(c.bootstrap.relays, IsEmpty());
  EXPECT_EQ(c.bootstrap.mode, BootstrapMode::kNo);
  EXPECT_THAT(warnings, ElementsAre("test.conf:2: bootstrap-relays-replace has no effect with "
                                    "bootstrap: no"));
}

TEST(ConfigBootstrapTest, BadRelayLinesNameFileAndLine) {
  EXPECT_EQ(ErrorOf("server:\n\n bootstrap-relay: 192.0.2.1 0 relay.test doh /dns-query\n"),
            "test.conf:3: bootstrap-relay: bad port '0' (expected a number from 1 to 65535)");
  EXPECT_EQ(ErrorOf("server:\n bootstrap-relay: 192.0.2.1 443 192.0.2.1 doh /dns-query\n"),
            "test.conf:2: bootstrap-relay: TLS name '192.0.2.1' is an IP address; give the host "
            "name the relay's certificate is issued to");
  EXPECT_EQ(ErrorOf("server:\n bootstrap-relay: 192.0.2.1 443 relay.test\n"),
            "test.conf:2: bootstrap-relay: expected 'address port tls-name protocol path', got 3 "
            "fields");
  EXPECT_EQ(ErrorOf("server:\n bootstrap-relay: 192.0.2.1 443 relay.test doh /q extra\n"),
            "test.conf:2: bootstrap-relay: expected 'address port tls-name protocol path', got 6 "
            "fields");
  EXPECT_EQ(ErrorOf("server:\n bootstrap-relay: \"192.0.2.1 443 relay.test dot /q\"\n"),
            "test.conf:2: bootstrap-relay: unknown protocol 'dot' (expected doh or json)");
  EXPECT_EQ(ErrorOf("server:\n bootstrap-relay: 192.0.2.1@443 443 relay.test doh /q\n"),
            "test.conf:2: bootstrap-relay: not an IPv4 or IPv6 address: '192.0.2.1@443' (the "
            "port is a field of its own)");
  EXPECT_EQ(ErrorOf("server:\n bootstrap-relay:\n"),
            "test.conf:2: missing value for 'bootstrap-relay'");
}

TEST(ConfigBootstrapTest, DuplicateRelaysAreWarnedAboutAndKeptOnce) {
  std::vector<std::string> warnings;
  Config c = MustParse(absl::StrCat("server:\n"
                                    " bootstrap-relay: ::1 8443 relay.test doh /q\n"
                                    " bootstrap-relay: ::1 8443 RELAY.test. doh /q\n"
                                    " bootstrap-relay: ",
                                    kCloudflare6, "\n"),
                       &warnings);
  EXPECT_EQ(c.bootstrap.relays, BuiltInPlus({R("::1 8443 relay.test doh /q")}));
  EXPECT_THAT(warnings,
              ElementsAre("test.conf:3: duplicate bootstrap-relay ::1 8443 relay.test doh /q "
                          "(first at test.conf:2)",
                          absl::StrCat("test.conf:4: bootstrap-relay ", kCloudflare6,
                                       " is a built-in relay already")));
  // Replacing the built-in list, naming one of its relays is no duplicate.
  warnings.clear();
  c = MustParse(absl::StrCat("server:\n bootstrap-relays-replace: yes\n bootstrap-relay: ",
                             kCloudflare6, "\n"),
                &warnings);
  EXPECT_THAT(c.bootstrap.relays, ElementsAre(R(kCloudflare6)));
  EXPECT_THAT(warnings, IsEmpty());
}

TEST(ConfigBootstrapTest, FilesAndMaxTtl) {
  Config c = MustParse(
      "server:\n"
      " bootstrap-ca-file: \"/etc/ssl/certs/ca-certificates.crt\"\n"
      " bootstrap-state-file: /var/lib/rebound/bootstrap.json\n"
      " bootstrap-max-ttl: 60\n");
  EXPECT_EQ(c.bootstrap.ca_file, "/etc/ssl/certs/ca-certificates.crt");
  EXPECT_EQ(c.bootstrap.state_file, "/var/lib/rebound/bootstrap.json");
  EXPECT_EQ(c.bootstrap.max_ttl, 60u);
  EXPECT_EQ(MustParse("server:\n bootstrap-max-ttl: 0\n").bootstrap.max_ttl, 0u);
  EXPECT_EQ(MustParse("server:\n bootstrap-max-ttl: 2147483647\n").bootstrap.max_ttl, 2147483647u);
  EXPECT_EQ(ErrorOf("server:\n bootstrap-max-ttl: 2147483648\n"),
            "test.conf:2: bootstrap-max-ttl: value 2147483648 is out of range (0 to 2147483647)");
  EXPECT_EQ(ErrorOf("server:\n bootstrap-max-ttl: -1\n"),
            "test.conf:2: bootstrap-max-ttl: value -1 is out of range (0 to 2147483647)");
  EXPECT_EQ(ErrorOf("server:\n bootstrap-max-ttl: 5m\n"),
            "test.conf:2: bootstrap-max-ttl: expected a number, got '5m'");
}

TEST(ConfigBootstrapTest, BootstrapNoWarnsAboutTheOtherOptions) {
  EXPECT_THAT(WarningsOf("server:\n"
                         " bootstrap-relay: ::1 8443 relay.test doh /q\n"
                         " bootstrap-ca-file: ca.pem\n"
                         " bootstrap-state-file: state.json\n"
                         " bootstrap-max-ttl: 60\n"
                         " bootstrap: no\n"),
              ElementsAre("test.conf:2: bootstrap-relay has no effect with bootstrap: no",
                          "test.conf:3: bootstrap-ca-file has no effect with bootstrap: no",
                          "test.conf:4: bootstrap-state-file has no effect with bootstrap: no",
                          "test.conf:5: bootstrap-max-ttl has no effect with bootstrap: no"));
  EXPECT_THAT(WarningsOf("server:\n bootstrap: only\n bootstrap-max-ttl: 60\n"), IsEmpty());
}

TEST(ConfigBootstrapTest, HttpsPortAndServiceFiles) {
  std::vector<std::string> warnings;
  Config c = MustParse(
      "server:\n"
      " interface: 127.0.0.1\n"
      " interface: ::1@8443\n"
      " https-port: 8443\n"
      " tls-service-key: /etc/rebound/key.pem\n"
      " tls-service-pem: /etc/rebound/cert.pem\n",
      &warnings);
  EXPECT_THAT(warnings, IsEmpty());
  EXPECT_EQ(c.https_port, 8443);
  EXPECT_EQ(c.tls_service_key, "/etc/rebound/key.pem");
  EXPECT_EQ(c.tls_service_pem, "/etc/rebound/cert.pem");
  EXPECT_EQ(ErrorOf("server:\n https-port: 0\n"),
            "test.conf:2: https-port: value 0 is out of range (1 to 65535)");
}

TEST(ConfigBootstrapTest, InterfaceOnHttpsPortNeedsKeyAndCertificate) {
  EXPECT_EQ(ErrorOf("server:\n interface: 127.0.0.1\n interface: ::1@443\n"),
            "test.conf:3: interface ::1@443 is on https-port 443 and so serves DNS over HTTPS, "
            "which needs tls-service-key: and tls-service-pem:");
  EXPECT_EQ(ErrorOf("server:\n interface: 127.0.0.1\n https-port: 53\n"),
            "test.conf:2: interface 127.0.0.1@53 is on https-port 53 and so serves DNS over "
            "HTTPS, which needs tls-service-key: and tls-service-pem:");
  // Default interfaces: port: or https-port: put them there, whichever came later.
  EXPECT_EQ(ErrorOf("server:\n port: 443\n"),
            "test.conf:2: interface 127.0.0.1@443 is on https-port 443 and so serves DNS over "
            "HTTPS, which needs tls-service-key: and tls-service-pem:");
  EXPECT_EQ(ErrorOf("server:\n port: 8443\n verbosity: 1\n https-port: 8443\n"),
            "test.conf:4: interface 127.0.0.1@8443 is on https-port 8443 and so serves DNS over "
            "HTTPS, which needs tls-service-key: and tls-service-pem:");
  EXPECT_EQ(ErrorOf("server:\n interface: ::1@443\n tls-service-key: key.pem\n"),
            "test.conf:3: tls-service-key is given without tls-service-pem; DNS over TLS and DNS "
            "over HTTPS need both the key and the certificate");
  EXPECT_EQ(ErrorOf("server:\n tls-service-pem: cert.pem\n"),
            "test.conf:2: tls-service-pem is given without tls-service-key; DNS over TLS and DNS "
            "over HTTPS need both the key and the certificate");
}

TEST(ConfigBootstrapTest, ServiceFilesWithoutAnHttpsInterfaceDrawAWarning) {
  EXPECT_THAT(WarningsOf("server:\n tls-service-key: key.pem\n tls-service-pem: cert.pem\n"),
              ElementsAre("test.conf:3: tls-service-key and tls-service-pem have no effect: no "
                          "interface is on https-port 443 or tls-port 853"));
}

TEST(ConfigBootstrapTest, UnboundHttpsOptionsAreImplemented) {
  using config_internal::IsUnsupportedUnboundOption;
  using config_internal::ServerClause;
  for (absl::string_view name : {"https-port", "tls-service-key", "tls-service-pem", "bootstrap",
                                 "bootstrap-relay", "bootstrap-relays-replace", "bootstrap-ca-file",
                                 "bootstrap-state-file", "bootstrap-max-ttl"}) {
    EXPECT_FALSE(IsUnsupportedUnboundOption(name)) << name;
    EXPECT_TRUE(ServerClause::Handles(name)) << name;
  }
  EXPECT_EQ(ErrorOf("forward-zone:\n name: .\n bootstrap-relay: ::1 443 r.test doh /q\n"),
            "test.conf:3: 'bootstrap-relay' belongs in a server: clause, not in forward-zone:");
}

// The commented-out bootstrap lines of the shipped example work when uncommented.
TEST(ConfigBootstrapTest, ShippedExampleLinesWork) {
  std::ifstream in(REBOUND_SOURCE_DIR "/etc/rebound.conf");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(text.empty());
  std::string server = "server:\n";
  int uncommented = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    for (absl::string_view prefix : {"\t#   bootstrap", "\t#   interface", "\t#   tls-service"}) {
      if (absl::StartsWith(line, prefix)) {
        line.remove_prefix(std::string_view("\t#   ").size());
        absl::StrAppend(&server, line, "\n");
        ++uncommented;
      }
    }
  }
  EXPECT_EQ(uncommented, 7);
  std::vector<std::string> warnings;
  Config c = MustParse(server, &warnings);
  EXPECT_THAT(warnings, IsEmpty());
  EXPECT_EQ(c.bootstrap.state_file, "/var/lib/rebound/bootstrap.json");
  EXPECT_EQ(c.bootstrap.ca_file, "/etc/rebound/relay-ca.pem");
  EXPECT_THAT(c.bootstrap.relays,
              ElementsAre(R("2001:db8::53 443 doh.example.net doh /dns-query")));
  EXPECT_EQ(c.tls_service_key, "/etc/rebound/doh.key");
  EXPECT_EQ(c.interfaces.at(0).port(), c.https_port);
}

}  // namespace
}  // namespace rebound
