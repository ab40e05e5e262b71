#include "bootstrap/relay.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace rebound {

// Defined in the source CMake generates from bootstrap/relays.list.
namespace bootstrap_internal {
extern const char kBuiltInRelayListText[];
extern const size_t kBuiltInRelayListSize;
}  // namespace bootstrap_internal

namespace {

constexpr absl::string_view kLineFormat = "address port tls-name protocol path";
// RFC 1035 2.3.4 limits a name to 255 octets on the wire, which is 253 in text without the dot.
constexpr size_t kMaxHostNameLength = 253;
constexpr size_t kMaxLabelLength = 63;
// Far more than any DoH endpoint uses; a bound keeps request lines short.
constexpr size_t kMaxPathLength = 1024;

// A plain address only: the port is a field of its own, and a %scope would tie the built-in
// list to one host's interface names.
absl::Status CheckAddress(absl::string_view text) {
  const std::string s(text);
  in_addr v4{};
  in6_addr v6{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    const uint32_t a = ntohl(v4.s_addr);
    if (a == 0) return absl::InvalidArgumentError("address 0.0.0.0 is unspecified");
    if ((a >> 28) == 0xe || a == 0xffffffff) {
      return absl::InvalidArgumentError(absl::StrCat("address ", text, " is not unicast"));
    }
    return absl::OkStatus();
  }
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_UNSPECIFIED(&v6)) {
      return absl::InvalidArgumentError(absl::StrCat("address ", text, " is unspecified"));
    }
    if (IN6_IS_ADDR_MULTICAST(&v6)) {
      return absl::InvalidArgumentError(absl::StrCat("address ", text, " is not unicast"));
    }
    if (IN6_IS_ADDR_V4MAPPED(&v6)) {
      return absl::InvalidArgumentError(
          absl::StrCat("address ", text, " is IPv4-mapped; write the IPv4 address itself"));
    }
    return absl::OkStatus();
  }
  return absl::InvalidArgumentError(
      absl::StrCat("not an IPv4 or IPv6 address: '", text, "' (the port is a field of its own)"));
}

absl::StatusOr<uint16_t> ParsePort(absl::string_view text) {
  uint32_t port = 0;
  if (text.empty() || !absl::c_all_of(text, absl::ascii_isdigit) ||
      !absl::SimpleAtoi(text, &port) || port == 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad port '", text, "' (expected a number from 1 to 65535)"));
  }
  return static_cast<uint16_t>(port);
}

bool IsIpAddress(const std::string& s) {
  in_addr v4{};
  in6_addr v6{};
  return inet_pton(AF_INET, s.c_str(), &v4) == 1 || inet_pton(AF_INET6, s.c_str(), &v6) == 1;
}

// RFC 1123 2.1 host names: letters, digits and inner hyphens; a top label that is all digits
// would read as an IPv4 address, so it is refused too. SNI (RFC 6066 3) carries a host name
// without the final dot, so one final dot is dropped and the name lowercased.
absl::StatusOr<std::string> NormalizeTlsName(absl::string_view text) {
  std::string name = absl::AsciiStrToLower(absl::StripSuffix(text, "."));
  if (IsIpAddress(name)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "TLS name '", text,
        "' is an IP address; give the host name the relay's certificate is issued to"));
  }
  auto bad = [&text](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("bad TLS name '", text, "': ", why));
  };
  if (name.empty()) return bad("empty");
  if (name.size() > kMaxHostNameLength) return bad("longer than 253 characters");
  std::vector<absl::string_view> labels = absl::StrSplit(name, '.');
  for (absl::string_view label : labels) {
    if (label.empty()) return bad("empty label");
    if (label.size() > kMaxLabelLength) return bad("label longer than 63 characters");
    for (char c : label) {
      if (!absl::ascii_isalnum(c) && c != '-') {
        return bad("only letters, digits, '-' and '.' may appear in a host name");
      }
    }
    if (label.front() == '-' || label.back() == '-') return bad("label starts or ends with '-'");
  }
  if (absl::c_all_of(labels.back(), absl::ascii_isdigit)) return bad("top label is all digits");
  return name;
}

absl::StatusOr<RelayProtocol> ParseProtocol(absl::string_view text) {
  if (text == "doh") return RelayProtocol::kDoh;
  if (text == "json") return RelayProtocol::kJson;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown protocol '", text, "' (expected doh or json)"));
}

// RFC 3986 3.3: pchar = unreserved / pct-encoded / sub-delims / ":" / "@", plus "/" between
// segments. '?' and '#' would end the path: the query string is ours to add.
bool IsPathChar(char c) {
  return absl::ascii_isalnum(c) ||
         absl::string_view("-._~!$&'()*+,;=:@/").find(c) != absl::string_view::npos;
}

absl::Status CheckPath(absl::string_view path) {
  auto bad = [&path](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("bad path '", path, "': ", why));
  };
  if (!absl::StartsWith(path, "/")) return bad("must start with '/'");
  if (path.size() > kMaxPathLength) return bad("longer than 1024 characters");
  for (size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    if (c == '?' || c == '#') return bad("no query or fragment allowed; rebound adds the query");
    if (c == '%') {
      if (i + 2 >= path.size() || !absl::ascii_isxdigit(path[i + 1]) ||
          !absl::ascii_isxdigit(path[i + 2])) {
        return bad("'%' must be followed by two hex digits");
      }
      i += 2;
      continue;
    }
    if (!IsPathChar(c)) return bad("character not allowed in a URI path (RFC 3986 3.3)");
  }
  return absl::OkStatus();
}

}  // namespace

absl::string_view RelayProtocolName(RelayProtocol protocol) {
  return protocol == RelayProtocol::kJson ? "json" : "doh";
}

std::string Relay::ToString() const {
  return absl::StrCat(address.AddressString(), " ", address.port(), " ", tls_name, " ",
                      RelayProtocolName(protocol), " ", path);
}

absl::StatusOr<Relay> ParseRelayLine(absl::string_view line) {
  std::vector<absl::string_view> fields =
      absl::StrSplit(line, absl::ByAnyChar(" \t\r\n\v\f"), absl::SkipEmpty());
  if (fields.size() != 5) {
    return absl::InvalidArgumentError(absl::StrCat("expected '", kLineFormat, "', got ",
                                                   fields.size(), " field",
                                                   fields.size() == 1 ? "" : "s"));
  }
  if (absl::Status s = CheckAddress(fields[0]); !s.ok()) return s;
  absl::StatusOr<uint16_t> port = ParsePort(fields[1]);
  if (!port.ok()) return port.status();
  absl::StatusOr<std::string> tls_name = NormalizeTlsName(fields[2]);
  if (!tls_name.ok()) return tls_name.status();
  absl::StatusOr<RelayProtocol> protocol = ParseProtocol(fields[3]);
  if (!protocol.ok()) return protocol.status();
  if (absl::Status s = CheckPath(fields[4]); !s.ok()) return s;

  absl::StatusOr<Endpoint> address = Endpoint::Parse(fields[0], *port);
  if (!address.ok()) return address.status();  // CheckAddress accepted it, so not expected
  Relay relay;
  relay.address = *address;
  relay.tls_name = *std::move(tls_name);
  relay.protocol = *protocol;
  relay.path = std::string(fields[4]);
  return relay;
}

absl::StatusOr<std::vector<Relay>> ParseRelayList(absl::string_view text,
                                                  absl::string_view source_name) {
  std::vector<Relay> relays;
  std::vector<int> line_of;  // where each relay was read, for the duplicate message
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    // '#' cannot occur in any field (paths refuse fragments), so it always starts a comment.
    if (size_t hash = line.find('#'); hash != absl::string_view::npos) line = line.substr(0, hash);
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    absl::StatusOr<Relay> relay = ParseRelayLine(line);
    if (!relay.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(source_name, ":", line_number, ": ", relay.status().message()));
    }
    for (size_t i = 0; i < relays.size(); ++i) {
      if (relays[i] == *relay) {
        return absl::InvalidArgumentError(absl::StrCat(
            source_name, ":", line_number, ": duplicate relay (first at line ", line_of[i], ")"));
      }
    }
    relays.push_back(*std::move(relay));
    line_of.push_back(line_number);
  }
  return relays;
}

absl::string_view BuiltInRelayListText() {
  return absl::string_view(bootstrap_internal::kBuiltInRelayListText,
                           bootstrap_internal::kBuiltInRelayListSize);
}

const std::vector<Relay>& BuiltInRelays() {
  // Parsed once; a unit test parses the same text, so a bad list fails the build's tests rather
  // than reaching a running daemon. Should it get there anyway, stop at start-up, loudly.
  static const std::vector<Relay>* const relays = [] {
    absl::StatusOr<std::vector<Relay>> parsed =
        ParseRelayList(BuiltInRelayListText(), "bootstrap/relays.list");
    if (!parsed.ok() || parsed->empty()) {
      std::fprintf(stderr, "rebound: the built-in relay list is unusable: %s\n",
                   parsed.ok() ? "it is empty" : std::string(parsed.status().message()).c_str());
      std::abort();
    }
    return new std::vector<Relay>(*std::move(parsed));
  }();
  return *relays;
}

}  // namespace rebound
