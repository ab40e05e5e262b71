// A bootstrap relay: a DNS service spoken to over HTTPS at a fixed IP address, used when ordinary
// DNS cannot be reached. Relays are written one a line in relays.list (compiled in) and in the
// config option bootstrap-relay:, as
//
//   address port tls-name protocol path
//   2606:4700:4700::1111 443 cloudflare-dns.com doh /dns-query
//
// The TLS name is both the SNI and the name the certificate must be valid for: the relay is
// reached by address, but trusted by name.
#ifndef REBOUND_BOOTSTRAP_RELAY_H_
#define REBOUND_BOOTSTRAP_RELAY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "resolver/core/endpoint.h"

namespace rebound {

enum class RelayProtocol {
  kDoh,   // RFC 8484 GET with ?dns=, answers in DNS wire format
  kJson,  // GET path?q=NAME answered by {"NAME": ["addr", ...]}: A and AAAA only
};

// "doh" or "json", as written in a relay line.
absl::string_view RelayProtocolName(RelayProtocol protocol);

struct Relay {
  Endpoint address = {};      // with its port
  std::string tls_name = {};  // lowercase, without a final dot (RFC 6066 3: SNI has none)
  RelayProtocol protocol = RelayProtocol::kDoh;
  std::string path = "/dns-query";  // absolute, without query or fragment

  // The relay line that parses back into this relay: "2606:4700:4700::1111 443 ... /dns-query".
  std::string ToString() const;
  bool operator==(const Relay&) const = default;
};

// Parses one relay line: five fields separated by blanks. The address is a plain IPv4 or IPv6
// address (no @port, no %scope; not unspecified, not multicast), the port 1 to 65535, the TLS
// name a host name (letters, digits, hyphens; not an IP address: the certificate is checked
// against the name), the protocol "doh" or "json", the path an absolute URI path (RFC 3986 3.3)
// without '?' or '#'. Errors are InvalidArgumentError naming the bad field.
absl::StatusOr<Relay> ParseRelayLine(absl::string_view line);

// Parses a whole relay list: one relay a line; '#' starts a comment, blank lines are skipped,
// CRLF line ends are fine. Errors read "<source_name>:<line>: <what>"; the same relay twice is
// an error too. An empty list is not an error here (the caller decides whether it may be empty).
absl::StatusOr<std::vector<Relay>> ParseRelayList(absl::string_view text,
                                                  absl::string_view source_name);

// The relays of bootstrap/relays.list, compiled in at build time. The list is parsed on first
// use; a list that does not parse stops the program there (a unit test parses it at build time).
const std::vector<Relay>& BuiltInRelays();

// The text of bootstrap/relays.list as compiled in (for tests and for rebound to show).
absl::string_view BuiltInRelayListText();

}  // namespace rebound

#endif  // REBOUND_BOOTSTRAP_RELAY_H_
