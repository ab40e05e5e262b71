#include "dns64/nat64_prefix.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace rebound {
namespace {

// RFC 6052 2.2: bits 64 to 71 of an IPv4-embedded IPv6 address, the "u" octet, are reserved
// for compatibility with the host identifier format of RFC 4291 and must be zero.
constexpr int kUOctet = 8;
constexpr int kWellKnownLength = 96;

bool IsValidLength(int length) {
  switch (length) {
    case 32:
    case 40:
    case 48:
    case 56:
    case 64:
    case 96:
      return true;
    default:
      return false;
  }
}

// The byte of the IPv6 address that holds byte `i` (0 = most significant) of the IPv4 address.
// RFC 6052 2.2's figure: the IPv4 bits start right after the prefix and step over the u octet;
// with /96 they start at bit 96, already past it.
int EmbeddedByte(int length, int i) {
  int pos = length / 8 + i;
  if (length < kWellKnownLength && pos >= kUOctet) ++pos;
  return pos;
}

absl::Status ParseError(absl::string_view text, absl::string_view reason) {
  return absl::InvalidArgumentError(
      absl::StrCat("bad NAT64 prefix '", absl::CHexEscape(text), "': ", reason));
}

}  // namespace

Nat64Prefix Nat64Prefix::WellKnown() {
  in6_addr prefix{};
  prefix.s6_addr[0] = 0x00;
  prefix.s6_addr[1] = 0x64;
  prefix.s6_addr[2] = 0xff;
  prefix.s6_addr[3] = 0x9b;
  return Nat64Prefix(prefix, kWellKnownLength);
}

absl::StatusOr<Nat64Prefix> Nat64Prefix::Parse(absl::string_view text) {
  const size_t slash = text.find('/');
  if (slash == absl::string_view::npos) {
    return ParseError(text, "missing prefix length (address/length, e.g. 64:ff9b::/96)");
  }
  const absl::string_view address_text = text.substr(0, slash);
  const absl::string_view length_text = text.substr(slash + 1);

  // inet_pton reads a C string: an embedded NUL would end the address early and let trailing
  // junk through.
  in6_addr prefix{};
  const std::string address_str(address_text);
  if (absl::StrContains(address_text, '\0') ||
      inet_pton(AF_INET6, address_str.c_str(), &prefix) != 1) {
    return ParseError(text, "not an IPv6 address");
  }

  // Digits only: SimpleAtoi would also take a sign or surrounding spaces.
  int length = 0;
  if (length_text.empty() || length_text.size() > 3 ||
      !std::all_of(length_text.begin(), length_text.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(length_text, &length)) {
    return ParseError(text, "the prefix length is not a number");
  }
  if (!IsValidLength(length)) {
    return ParseError(text, "RFC 6052 allows only prefix lengths 32, 40, 48, 56, 64 and 96");
  }
  // Checked before the host bits so that the message is the same for every length, whether the
  // u octet lies inside the prefix (/96) or after it.
  if (prefix.s6_addr[kUOctet] != 0) {
    return ParseError(text, "bits 64 to 71 must be zero (RFC 6052 2.2)");
  }
  for (int i = length / 8; i < 16; ++i) {
    if (prefix.s6_addr[i] != 0) {
      return ParseError(text, absl::StrCat("bits beyond the first ", length, " are set"));
    }
  }
  return Nat64Prefix(prefix, length);
}

bool Nat64Prefix::IsWellKnown() const { return *this == WellKnown(); }

std::string Nat64Prefix::ToString() const {
  char buf[INET6_ADDRSTRLEN] = "?";
  inet_ntop(AF_INET6, &prefix_, buf, sizeof buf);
  return absl::StrCat(buf, "/", length_);
}

in6_addr Nat64Prefix::Embed(in_addr v4) const {
  in6_addr out = prefix_;  // zero beyond the prefix, u octet included: Parse saw to that
  const auto* bytes = reinterpret_cast<const uint8_t*>(&v4.s_addr);  // network order
  for (int i = 0; i < 4; ++i) out.s6_addr[EmbeddedByte(length_, i)] = bytes[i];
  return out;
}

bool Nat64Prefix::Contains(const in6_addr& v6) const {
  // Every valid length is a whole number of octets.
  return std::memcmp(prefix_.s6_addr, v6.s6_addr, length_ / 8) == 0;
}

std::optional<in_addr> Nat64Prefix::Extract(const in6_addr& v6) const {
  if (!Contains(v6) || v6.s6_addr[kUOctet] != 0) return std::nullopt;
  in_addr v4{};
  auto* bytes = reinterpret_cast<uint8_t*>(&v4.s_addr);
  for (int i = 0; i < 4; ++i) bytes[i] = v6.s6_addr[EmbeddedByte(length_, i)];
  return v4;
}

bool Nat64Prefix::operator==(const Nat64Prefix& other) const {
  return length_ == other.length_ &&
         std::memcmp(prefix_.s6_addr, other.prefix_.s6_addr, sizeof prefix_.s6_addr) == 0;
}

}  // namespace rebound
