#include "dns64/reverse_name.h"

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace rebound {
namespace {

constexpr int kNibbles = 32;
// Wire form of the suffix: length octets and labels, ending in the root label.
constexpr absl::string_view kIp6ArpaSuffix("\3ip6\4arpa\0", 10);
// 32 labels of one octet plus their length octets, then the suffix.
constexpr size_t kIp6ArpaNameSize = 2 * kNibbles + kIp6ArpaSuffix.size();

// The value of one hex digit, either case; -1 for any other octet.
int NibbleValue(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<in6_addr> Ip6ArpaToAddress(const ldns_rdf* name) {
  if (name == nullptr || ldns_rdf_get_type(name) != LDNS_RDF_TYPE_DNAME ||
      ldns_rdf_size(name) != kIp6ArpaNameSize) {
    return std::nullopt;
  }
  const uint8_t* wire = ldns_rdf_data(name);
  const absl::string_view suffix(reinterpret_cast<const char*>(wire) + 2 * kNibbles,
                                 kIp6ArpaSuffix.size());
  if (!absl::EqualsIgnoreCase(suffix, kIp6ArpaSuffix)) return std::nullopt;
  in6_addr address{};
  for (int label = 0; label < kNibbles; ++label) {
    if (wire[2 * label] != 1) return std::nullopt;
    const int value = NibbleValue(wire[2 * label + 1]);
    if (value < 0) return std::nullopt;
    // RFC 3596 2.5: the first label is the lowest-order nibble of the address.
    const int nibble = kNibbles - 1 - label;
    address.s6_addr[nibble / 2] |= static_cast<uint8_t>(nibble % 2 == 0 ? value << 4 : value);
  }
  return address;
}

LdnsRdfPtr InAddrArpaName(in_addr v4) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(&v4.s_addr);  // network order
  const std::string text =
      absl::StrCat(bytes[3], ".", bytes[2], ".", bytes[1], ".", bytes[0], ".in-addr.arpa.");
  return LdnsRdfPtr(ldns_dname_new_frm_str(text.c_str()));
}

}  // namespace rebound
