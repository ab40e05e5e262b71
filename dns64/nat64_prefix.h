// A NAT64 prefix (RFC 6052) and the arithmetic between it, IPv4 addresses and the IPv4-embedded
// IPv6 addresses DNS64 synthesizes (RFC 6147 5.1.7) and maps back for PTR queries (5.3.1).
#ifndef REBOUND_DNS64_NAT64_PREFIX_H_
#define REBOUND_DNS64_NAT64_PREFIX_H_

#include <netinet/in.h>

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rebound {

class Nat64Prefix {
 public:
  // The Well-Known Prefix 64:ff9b::/96 (RFC 6052 2.1).
  static Nat64Prefix WellKnown();

  // "64:ff9b::/96", "2001:db8:100::/40". The length must be 32, 40, 48, 56, 64 or 96 (RFC 6052
  // 2.2), no bit beyond the length may be set, and bits 64 to 71 (the "u" octet) must be zero
  // whatever the length. Errors are InvalidArgument naming the text; the caller adds file:line.
  static absl::StatusOr<Nat64Prefix> Parse(absl::string_view text);

  int length() const { return length_; }
  const in6_addr& address() const { return prefix_; }
  // 64:ff9b::/96 exactly. RFC 6052 3.1 limits what may be embedded in it (no non-global IPv4);
  // the local-use 64:ff9b:1::/48 of RFC 8215 is not the Well-Known Prefix.
  bool IsWellKnown() const;
  // "64:ff9b::/96", in RFC 5952 form; Parse reads it back to an equal prefix.
  std::string ToString() const;

  // The IPv4-embedded IPv6 address of `v4` under this prefix, laid out as in RFC 6052 2.2's
  // figure: the 32 bits follow the prefix, skipping bits 64-71, which stay zero, as does the
  // suffix.
  in6_addr Embed(in_addr v4) const;
  // Whether the first length() bits of `v6` are this prefix.
  bool Contains(const in6_addr& v6) const;
  // The IPv4 address embedded in `v6`: the inverse of Embed. nullopt when `v6` is outside the
  // prefix or its u octet is non-zero (RFC 6052 2.2: such an address was not formed by the
  // algorithm). The suffix is not checked: it is reserved for future extensions (RFC 6052 2.2)
  // and says nothing about which IPv4 address is embedded.
  std::optional<in_addr> Extract(const in6_addr& v6) const;

  bool operator==(const Nat64Prefix& other) const;

 private:
  Nat64Prefix(const in6_addr& prefix, int length) : prefix_(prefix), length_(length) {}

  in6_addr prefix_;
  int length_;
};

}  // namespace rebound

#endif  // REBOUND_DNS64_NAT64_PREFIX_H_
