// Feeds arbitrary text to Nat64Prefix::Parse and arbitrary bytes to Ip6ArpaToAddress. Checks that
// neither crashes or leaks, that a parsed prefix prints and parses back to itself, that Embed and
// Extract are inverses for addresses taken from the input, and that an ip6.arpa name is accepted
// only when it is exactly the reverse name of the address it yields.
#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "dns64/nat64_prefix.h"
#include "dns64/reverse_name.h"
#include "resolver/wire/ldns_ptr.h"
#include "tests/fuzz/fuzz_check.h"

namespace rebound {
namespace {

// The octet `i` of the input, cycling, or zero for an empty input.
uint8_t InputByte(absl::string_view input, size_t i) {
  return input.empty() ? 0 : static_cast<uint8_t>(input[i % input.size()]);
}

void CheckRoundTrip(const Nat64Prefix& prefix, in_addr v4) {
  const in6_addr v6 = prefix.Embed(v4);
  FUZZ_CHECK(prefix.Contains(v6));
  FUZZ_CHECK(v6.s6_addr[8] == 0);  // RFC 6052 2.2: the u octet
  const std::optional<in_addr> back = prefix.Extract(v6);
  FUZZ_CHECK(back.has_value() && back->s_addr == v4.s_addr);
  const LdnsRdfPtr name = InAddrArpaName(v4);
  FUZZ_CHECK(name != nullptr && ldns_dname_label_count(name.get()) == 6);
}

// An address that keeps the prefix or, when the input says so, changes one octet of it; the
// rest comes from the input. Extract must succeed exactly when Contains and the u octet allow
// it, and then give back the octets Embed would have written.
void CheckExtract(const Nat64Prefix& prefix, absl::string_view input) {
  in6_addr v6 = prefix.address();
  const int prefix_octets = prefix.length() / 8;
  for (int i = prefix_octets; i < 16; ++i) v6.s6_addr[i] = InputByte(input, i);
  if (InputByte(input, 0) & 1) v6.s6_addr[InputByte(input, 1) % prefix_octets] ^= 0x5a;
  if (InputByte(input, 2) & 1) v6.s6_addr[8] = 0;
  const std::optional<in_addr> v4 = prefix.Extract(v6);
  FUZZ_CHECK(v4.has_value() == (prefix.Contains(v6) && v6.s6_addr[8] == 0));
  if (!v4.has_value()) return;
  const in6_addr embedded = prefix.Embed(*v4);
  // Equal wherever Embed wrote: the prefix, the u octet and the IPv4 octets. Only the suffix,
  // which Extract ignores, may differ.
  int differing = 0;
  for (int i = 0; i < 16; ++i) differing += embedded.s6_addr[i] != v6.s6_addr[i];
  const int suffix_octets = prefix.length() == 96 ? 0 : 16 - prefix_octets - 5;
  FUZZ_CHECK(differing <= suffix_octets);
  FUZZ_CHECK(std::memcmp(embedded.s6_addr, v6.s6_addr, prefix_octets) == 0);
}

void FuzzPrefix(absl::string_view input) {
  absl::StatusOr<Nat64Prefix> prefix = Nat64Prefix::Parse(input);
  if (!prefix.ok()) {
    FUZZ_CHECK(prefix.status().code() == absl::StatusCode::kInvalidArgument);
    FUZZ_CHECK(absl::StartsWith(prefix.status().message(), "bad NAT64 prefix '"));
    return;
  }
  const int length = prefix->length();
  FUZZ_CHECK(length == 32 || length == 40 || length == 48 || length == 56 || length == 64 ||
             length == 96);
  const std::string text = prefix->ToString();
  absl::StatusOr<Nat64Prefix> again = Nat64Prefix::Parse(text);
  FUZZ_CHECK(again.ok() && *again == *prefix && again->ToString() == text);
  FUZZ_CHECK(prefix->IsWellKnown() == (text == "64:ff9b::/96"));

  in_addr v4{};
  auto* octets = reinterpret_cast<uint8_t*>(&v4.s_addr);
  for (size_t i = 0; i < 4; ++i) octets[i] = InputByte(input, input.size() - 1 - i);
  CheckRoundTrip(*prefix, v4);
  v4.s_addr = 0;
  CheckRoundTrip(*prefix, v4);
  v4.s_addr = 0xffffffff;
  CheckRoundTrip(*prefix, v4);
  CheckExtract(*prefix, input);
}

// A name Ip6ArpaToAddress accepts is the one ldns builds for the address it returned.
void CheckIp6ArpaName(const ldns_rdf* name) {
  const std::optional<in6_addr> address = Ip6ArpaToAddress(name);
  if (!address.has_value()) return;
  const LdnsRdfPtr aaaa(
      ldns_rdf_new_frm_data(LDNS_RDF_TYPE_AAAA, sizeof address->s6_addr, address->s6_addr));
  const LdnsRdfPtr reverse(ldns_rdf_address_reverse(aaaa.get()));
  FUZZ_CHECK(reverse != nullptr);
  FUZZ_CHECK(ldns_dname_compare(reverse.get(), name) == 0);
}

void FuzzIp6Arpa(absl::string_view input) {
  // The bytes as wire format, however malformed...
  if (!input.empty()) {
    const LdnsRdfPtr wire(ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, input.size(), input.data()));
    if (wire != nullptr) CheckIp6ArpaName(wire.get());
  }
  // ...and as presentation format, which ldns validates first.
  const std::string text(input);
  const LdnsRdfPtr parsed(ldns_dname_new_frm_str(text.c_str()));
  if (parsed != nullptr) CheckIp6ArpaName(parsed.get());
}

}  // namespace
}  // namespace rebound

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rebound;  // NOLINT(build/namespaces): the entry point must stay global
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  FuzzPrefix(input);
  FuzzIp6Arpa(input);
  return 0;
}
