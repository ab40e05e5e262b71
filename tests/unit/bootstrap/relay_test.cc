// Relay lines and relay lists: what parses, what each bad field says, and the built-in list.
#include "bootstrap/relay.h"

#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace rebound {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Relay MustParse(absl::string_view line) {
  absl::StatusOr<Relay> relay = ParseRelayLine(line);
  EXPECT_TRUE(relay.ok()) << line << ": " << relay.status();
  return relay.ok() ? *relay : Relay{};
}

std::string ErrorOf(absl::string_view line) {
  absl::StatusOr<Relay> relay = ParseRelayLine(line);
  EXPECT_FALSE(relay.ok()) << "parsed: " << line;
  if (relay.ok()) return "";
  EXPECT_EQ(relay.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(relay.status().message());
}

std::string ListErrorOf(absl::string_view text) {
  absl::StatusOr<std::vector<Relay>> relays = ParseRelayList(text, "relays.list");
  EXPECT_FALSE(relays.ok()) << "parsed:\n" << text;
  return relays.ok() ? "" : std::string(relays.status().message());
}

TEST(RelayTest, ParsesAnIpv6DohLine) {
  const Relay r = MustParse("2606:4700:4700::1111 443 cloudflare-dns.com doh /dns-query");
  EXPECT_TRUE(r.address.is_v6());
  EXPECT_EQ(r.address.AddressString(), "2606:4700:4700::1111");
  EXPECT_EQ(r.address.port(), 443);
  EXPECT_EQ(r.tls_name, "cloudflare-dns.com");
  EXPECT_EQ(r.protocol, RelayProtocol::kDoh);
  EXPECT_EQ(r.path, "/dns-query");
}

TEST(RelayTest, ParsesAnIpv4JsonLine) {
  const Relay r = MustParse("127.0.0.1\t8443  relay.test json /bootstrap-dns");
  EXPECT_FALSE(r.address.is_v6());
  EXPECT_EQ(r.address.ToString(), "127.0.0.1@8443");
  EXPECT_EQ(r.tls_name, "relay.test");
  EXPECT_EQ(r.protocol, RelayProtocol::kJson);
  EXPECT_EQ(r.path, "/bootstrap-dns");
}

TEST(RelayTest, NormalizesTheTlsName) {
  EXPECT_EQ(MustParse("::1 443 Relay.EXAMPLE. doh /q").tls_name, "relay.example");
  EXPECT_EQ(MustParse("::1 443 localhost doh /q").tls_name, "localhost");
  EXPECT_EQ(MustParse("::1 443 a-b.x1 doh /q").tls_name, "a-b.x1");
}

TEST(RelayTest, AcceptsRfc3986Paths) {
  EXPECT_EQ(MustParse("::1 443 r.test doh /").path, "/");
  EXPECT_EQ(MustParse("::1 443 r.test doh /a/b;c=d/%2Fe~f_g.h-i:j@k!$&'()*+,").path,
            "/a/b;c=d/%2Fe~f_g.h-i:j@k!$&'()*+,");
}

TEST(RelayTest, ToStringParsesBack) {
  for (const char* line : {"2606:4700:4700::1111 443 cloudflare-dns.com doh /dns-query",
                           "192.0.2.7 8443 relay.test json /bootstrap-dns"}) {
    const Relay r = MustParse(line);
    EXPECT_EQ(r.ToString(), line);
    EXPECT_EQ(MustParse(r.ToString()), r);
  }
  // Normalized forms print normalized.
  EXPECT_EQ(MustParse("2001:DB8:0::1 443 R.Test. doh /x").ToString(),
            "2001:db8::1 443 r.test doh /x");
}

TEST(RelayTest, Equality) {
  const Relay a = MustParse("192.0.2.1 443 a.test doh /dns-query");
  EXPECT_EQ(a, MustParse("192.0.2.1  443  A.test  doh  /dns-query"));
  EXPECT_NE(a, MustParse("192.0.2.2 443 a.test doh /dns-query"));
  EXPECT_NE(a, MustParse("192.0.2.1 444 a.test doh /dns-query"));
  EXPECT_NE(a, MustParse("192.0.2.1 443 b.test doh /dns-query"));
  EXPECT_NE(a, MustParse("192.0.2.1 443 a.test json /dns-query"));
  EXPECT_NE(a, MustParse("192.0.2.1 443 a.test doh /other"));
}

TEST(RelayTest, WrongFieldCount) {
  EXPECT_EQ(ErrorOf(""), "expected 'address port tls-name protocol path', got 0 fields");
  EXPECT_EQ(ErrorOf("192.0.2.1"), "expected 'address port tls-name protocol path', got 1 field");
  EXPECT_EQ(ErrorOf("192.0.2.1 443 a.test doh"),
            "expected 'address port tls-name protocol path', got 4 fields");
  EXPECT_EQ(ErrorOf("192.0.2.1 443 a.test doh /q extra"),
            "expected 'address port tls-name protocol path', got 6 fields");
}

TEST(RelayTest, BadAddresses) {
  EXPECT_EQ(ErrorOf("relay.test 443 a.test doh /q"),
            "not an IPv4 or IPv6 address: 'relay.test' (the port is a field of its own)");
  EXPECT_EQ(ErrorOf("192.0.2.1@443 443 a.test doh /q"),
            "not an IPv4 or IPv6 address: '192.0.2.1@443' (the port is a field of its own)");
  EXPECT_EQ(ErrorOf("[2001:db8::1]:443 443 a.test doh /q"),
            "not an IPv4 or IPv6 address: '[2001:db8::1]:443' (the port is a field of its own)");
  EXPECT_THAT(ErrorOf("fe80::1%lo 443 a.test doh /q"), HasSubstr("not an IPv4 or IPv6 address"));
  EXPECT_EQ(ErrorOf("192.0.2.256 443 a.test doh /q"),
            "not an IPv4 or IPv6 address: '192.0.2.256' (the port is a field of its own)");
  EXPECT_EQ(ErrorOf("0.0.0.0 443 a.test doh /q"), "address 0.0.0.0 is unspecified");
  EXPECT_EQ(ErrorOf(":: 443 a.test doh /q"), "address :: is unspecified");
  EXPECT_EQ(ErrorOf("224.0.0.1 443 a.test doh /q"), "address 224.0.0.1 is not unicast");
  EXPECT_EQ(ErrorOf("255.255.255.255 443 a.test doh /q"), "address 255.255.255.255 is not unicast");
  EXPECT_EQ(ErrorOf("ff02::1 443 a.test doh /q"), "address ff02::1 is not unicast");
  EXPECT_EQ(ErrorOf("::ffff:192.0.2.1 443 a.test doh /q"),
            "address ::ffff:192.0.2.1 is IPv4-mapped; write the IPv4 address itself");
}

TEST(RelayTest, BadPorts) {
  for (const char* port : {"0", "65536", "-1", "+443", "44x", "0x1bb", "99999999999999999999"}) {
    EXPECT_EQ(ErrorOf(absl::StrCat("192.0.2.1 ", port, " a.test doh /q")),
              absl::StrCat("bad port '", port, "' (expected a number from 1 to 65535)"));
  }
  EXPECT_EQ(MustParse("192.0.2.1 65535 a.test doh /q").address.port(), 65535);
  EXPECT_EQ(MustParse("192.0.2.1 1 a.test doh /q").address.port(), 1);
}

TEST(RelayTest, BadTlsNames) {
  EXPECT_EQ(ErrorOf("192.0.2.1 443 192.0.2.1 doh /q"),
            "TLS name '192.0.2.1' is an IP address; give the host name the relay's certificate "
            "is issued to");
  EXPECT_EQ(ErrorOf("::1 443 2001:db8::1 doh /q"),
            "TLS name '2001:db8::1' is an IP address; give the host name the relay's certificate "
            "is issued to");
  EXPECT_EQ(ErrorOf("::1 443 . doh /q"), "bad TLS name '.': empty");
  EXPECT_EQ(ErrorOf("::1 443 a..test doh /q"), "bad TLS name 'a..test': empty label");
  EXPECT_EQ(ErrorOf("::1 443 a.test.. doh /q"), "bad TLS name 'a.test..': empty label");
  EXPECT_EQ(ErrorOf("::1 443 under_score.test doh /q"),
            "bad TLS name 'under_score.test': only letters, digits, '-' and '.' may appear in a "
            "host name");
  EXPECT_EQ(ErrorOf("::1 443 *.test doh /q"),
            "bad TLS name '*.test': only letters, digits, '-' and '.' may appear in a host name");
  EXPECT_EQ(ErrorOf("::1 443 -a.test doh /q"),
            "bad TLS name '-a.test': label starts or ends with '-'");
  EXPECT_EQ(ErrorOf("::1 443 a.test- doh /q"),
            "bad TLS name 'a.test-': label starts or ends with '-'");
  EXPECT_EQ(ErrorOf("::1 443 host.123 doh /q"), "bad TLS name 'host.123': top label is all digits");
  EXPECT_EQ(ErrorOf(absl::StrCat("::1 443 ", std::string(64, 'a'), ".test doh /q")),
            absl::StrCat("bad TLS name '", std::string(64, 'a'),
                         ".test': label longer than 63 characters"));
  std::string long_name;
  for (int i = 0; i < 4; ++i) absl::StrAppend(&long_name, std::string(63, 'a'), ".");
  long_name += "test";  // 4 * 64 + 4 = 260 characters
  EXPECT_EQ(ErrorOf(absl::StrCat("::1 443 ", long_name, " doh /q")),
            absl::StrCat("bad TLS name '", long_name, "': longer than 253 characters"));
}

TEST(RelayTest, BadProtocols) {
  EXPECT_EQ(ErrorOf("::1 443 a.test dot /q"), "unknown protocol 'dot' (expected doh or json)");
  EXPECT_EQ(ErrorOf("::1 443 a.test DOH /q"), "unknown protocol 'DOH' (expected doh or json)");
  EXPECT_EQ(ErrorOf("::1 443 a.test https /q"), "unknown protocol 'https' (expected doh or json)");
}

TEST(RelayTest, BadPaths) {
  EXPECT_EQ(ErrorOf("::1 443 a.test doh dns-query"), "bad path 'dns-query': must start with '/'");
  EXPECT_EQ(ErrorOf("::1 443 a.test doh https://a.test/dns-query"),
            "bad path 'https://a.test/dns-query': must start with '/'");
  EXPECT_EQ(ErrorOf("::1 443 a.test doh /dns-query?dns=x"),
            "bad path '/dns-query?dns=x': no query or fragment allowed; rebound adds the query");
  EXPECT_EQ(ErrorOf("::1 443 a.test doh /a%2"),
            "bad path '/a%2': '%' must be followed by two hex digits");
  EXPECT_EQ(ErrorOf("::1 443 a.test doh /a%zz"),
            "bad path '/a%zz': '%' must be followed by two hex digits");
  EXPECT_EQ(ErrorOf("::1 443 a.test doh /a\"b"),
            "bad path '/a\"b': character not allowed in a URI path (RFC 3986 3.3)");
  EXPECT_EQ(ErrorOf("::1 443 a.test doh /\x01"),
            "bad path '/\x01': character not allowed in a URI path (RFC 3986 3.3)");
  EXPECT_EQ(ErrorOf(absl::StrCat("::1 443 a.test doh /", std::string(1024, 'p'))),
            absl::StrCat("bad path '/", std::string(1024, 'p'), "': longer than 1024 characters"));
}

TEST(RelayTest, ListSkipsCommentsAndBlankLines) {
  absl::StatusOr<std::vector<Relay>> relays = ParseRelayList(
      "# header\n"
      "\n"
      "   \t\n"
      "192.0.2.1 443 a.test doh /dns-query   # trailing comment\r\n"
      "  # indented comment\n"
      "2001:db8::1 443 b.test json /bootstrap-dns\n"
      "#192.0.2.9 443 c.test doh /dns-query",
      "relays.list");
  ASSERT_TRUE(relays.ok()) << relays.status();
  EXPECT_THAT(*relays, ElementsAre(MustParse("192.0.2.1 443 a.test doh /dns-query"),
                                   MustParse("2001:db8::1 443 b.test json /bootstrap-dns")));
}

TEST(RelayTest, EmptyListIsNotAnError) {
  for (const char* text : {"", "\n", "# only comments\n\n# here\n"}) {
    absl::StatusOr<std::vector<Relay>> relays = ParseRelayList(text, "relays.list");
    ASSERT_TRUE(relays.ok()) << relays.status();
    EXPECT_THAT(*relays, IsEmpty());
  }
}

TEST(RelayTest, ListErrorsNameTheSourceAndLine) {
  EXPECT_EQ(ListErrorOf("# relays\n192.0.2.1 443 a.test doh /q\n\n192.0.2.2 443 a.test dot /q\n"),
            "relays.list:4: unknown protocol 'dot' (expected doh or json)");
  EXPECT_EQ(ListErrorOf("192.0.2.1 443 a.test\n"),
            "relays.list:1: expected 'address port tls-name protocol path', got 3 fields");
  EXPECT_EQ(ListErrorOf("\r\n\r\n192.0.2.1 0 a.test doh /q\r\n"),
            "relays.list:3: bad port '0' (expected a number from 1 to 65535)");
  absl::StatusOr<std::vector<Relay>> relays =
      ParseRelayList("192.0.2.1 443 a.test doh /q extra\n", "/etc/rebound/other.list");
  ASSERT_FALSE(relays.ok());
  EXPECT_EQ(relays.status().message(),
            "/etc/rebound/other.list:1: expected 'address port tls-name protocol path', got 6 "
            "fields");
}

TEST(RelayTest, ListRefusesDuplicates) {
  EXPECT_EQ(ListErrorOf("192.0.2.1 443 a.test doh /q\n"
                        "192.0.2.2 443 a.test doh /q\n"
                        "# again, spelled differently\n"
                        "192.0.2.1 443 A.TEST. doh /q\n"),
            "relays.list:4: duplicate relay (first at line 1)");
}

// The same text twice: the file in the source tree and what was compiled in.
TEST(RelayTest, BuiltInListIsTheSourceFile) {
  std::ifstream in(REBOUND_SOURCE_DIR "/bootstrap/relays.list");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(BuiltInRelayListText(), text);
}

TEST(RelayTest, BuiltInListParsesWithBothFamiliesAndSeveralOperators) {
  absl::StatusOr<std::vector<Relay>> parsed =
      ParseRelayList(BuiltInRelayListText(), "bootstrap/relays.list");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  const std::vector<Relay>& relays = BuiltInRelays();
  EXPECT_EQ(relays, *parsed);
  EXPECT_GE(relays.size(), 6u);
  std::set<std::string> operators;
  std::set<std::string> v6_operators;
  std::set<std::string> v4_operators;
  for (const Relay& r : relays) {
    operators.insert(r.tls_name);
    (r.address.is_v6() ? v6_operators : v4_operators).insert(r.tls_name);
    // Public services: never loopback, always the standard HTTPS port.
    EXPECT_FALSE(r.address.IsLoopback()) << r.ToString();
    EXPECT_EQ(r.address.port(), 443) << r.ToString();
  }
  EXPECT_GE(operators.size(), 3u);
  // Each family on its own reaches at least three operators.
  EXPECT_GE(v6_operators.size(), 3u);
  EXPECT_GE(v4_operators.size(), 3u);
  // Consecutive relays of one family belong to different operators (see relays.list).
  for (bool v6 : {true, false}) {
    std::string previous;
    for (const Relay& r : relays) {
      if (r.address.is_v6() != v6) continue;
      EXPECT_NE(r.tls_name, previous) << r.ToString();
      previous = r.tls_name;
    }
  }
  EXPECT_THAT(relays, ::testing::Contains(
                          MustParse("2606:4700:4700::1111 443 cloudflare-dns.com doh /dns-query")));
  EXPECT_THAT(relays, ::testing::Contains(MustParse("8.8.8.8 443 dns.google doh /dns-query")));
  EXPECT_THAT(relays,
              ::testing::Contains(MustParse("2620:fe::fe 443 dns.quad9.net doh /dns-query")));
}

}  // namespace
}  // namespace rebound
