#include "dns64/address_range.h"

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

constexpr int kV4Bits = 32;
constexpr int kV6Bits = 128;

absl::Status ParseError(absl::string_view text, absl::string_view reason) {
  return absl::InvalidArgumentError(
      absl::StrCat("bad address range '", absl::CHexEscape(text), "': ", reason));
}

// Whether the first `length` bits of `a` and `b` agree.
bool PrefixMatches(const uint8_t* a, const uint8_t* b, int length) {
  const int whole = length / 8;
  if (std::memcmp(a, b, whole) != 0) return false;
  const int rest = length % 8;
  if (rest == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}

// Zeroes every bit of `bytes` (`size` bytes long) after the first `length`.
void ClearHostBits(uint8_t* bytes, int size, int length) {
  const int whole = length / 8;
  if (whole >= size) return;
  const int rest = length % 8;
  bytes[whole] &= static_cast<uint8_t>(0xff << (8 - rest));
  for (int i = whole + 1; i < size; ++i) bytes[i] = 0;
}

// RFC 4291 2.5.5.2: ::ffff:0:0/96.
bool IsV4Mapped(const in6_addr& a) {
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(a.s6_addr, kMapped, sizeof kMapped) == 0;
}

}  // namespace

absl::StatusOr<AddressRange> AddressRange::Parse(absl::string_view text) {
  const size_t slash = text.find('/');
  const absl::string_view address_text = text.substr(0, slash);
  // inet_pton reads a C string: an embedded NUL would end the address early and let trailing
  // junk through.
  if (absl::StrContains(address_text, '\0')) return ParseError(text, "not an IP address");
  const std::string address_str(address_text);

  in6_addr bytes{};
  bool v6 = false;
  if (inet_pton(AF_INET, address_str.c_str(), bytes.s6_addr) == 1) {
    v6 = false;
  } else if (inet_pton(AF_INET6, address_str.c_str(), &bytes) == 1) {
    v6 = true;
  } else {
    return ParseError(text, "not an IPv4 or IPv6 address");
  }
  const int max_length = v6 ? kV6Bits : kV4Bits;

  int length = max_length;
  if (slash != absl::string_view::npos) {
    const absl::string_view length_text = text.substr(slash + 1);
    // Digits only: SimpleAtoi would also take a sign or surrounding spaces.
    if (length_text.empty() || length_text.size() > 3 ||
        !std::all_of(length_text.begin(), length_text.end(), absl::ascii_isdigit) ||
        !absl::SimpleAtoi(length_text, &length)) {
      return ParseError(text, "the prefix length is not a number");
    }
    if (length > max_length) {
      return ParseError(text, absl::StrCat("the prefix length of an ", v6 ? "IPv6" : "IPv4",
                                           " range is at most ", max_length));
    }
  }
  ClearHostBits(bytes.s6_addr, v6 ? 16 : 4, length);
  return AddressRange(v6, bytes, length);
}

bool AddressRange::Contains(const in6_addr& a) const {
  return v6_ && PrefixMatches(bytes_.s6_addr, a.s6_addr, length_);
}

bool AddressRange::Contains(const in_addr& a) const {
  return !v6_ &&
         PrefixMatches(bytes_.s6_addr, reinterpret_cast<const uint8_t*>(&a.s_addr), length_);
}

bool AddressRange::Contains(const Endpoint& e) const {
  // Copied out rather than cast: the storage is a sockaddr_storage.
  if (e.family() == AF_INET) {
    sockaddr_in sin{};
    std::memcpy(&sin, e.sockaddr_ptr(), sizeof sin);
    return Contains(sin.sin_addr);
  }
  if (e.family() != AF_INET6) return false;
  sockaddr_in6 sin6{};
  std::memcpy(&sin6, e.sockaddr_ptr(), sizeof sin6);
  const in6_addr& a = sin6.sin6_addr;
  if (v6_) return Contains(a);
  if (!IsV4Mapped(a)) return false;
  in_addr v4{};
  std::memcpy(&v4.s_addr, a.s6_addr + 12, 4);
  return Contains(v4);
}

std::string AddressRange::ToString() const {
  char buf[INET6_ADDRSTRLEN] = "?";
  inet_ntop(v6_ ? AF_INET6 : AF_INET, bytes_.s6_addr, buf, sizeof buf);
  return absl::StrCat(buf, "/", length_);
}

bool AddressRange::operator==(const AddressRange& other) const {
  return v6_ == other.v6_ && length_ == other.length_ &&
         std::memcmp(bytes_.s6_addr, other.bytes_.s6_addr, sizeof bytes_.s6_addr) == 0;
}

}  // namespace rebound
