#include "resolver/config/local_zone_options.h"

#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "resolver/config/config_values.h"
#include "resolver/local/local_zones.h"
#include "resolver/wire/ldns_ptr.h"
#include "resolver/wire/presentation.h"

namespace rebound::config_internal {

absl::Status AddLocalZone(const ConfigLine& line, ServerState& s) {
  if (line.values.size() != 2) {
    return absl::InvalidArgumentError("expected a zone name and a type: local-zone: NAME TYPE");
  }
  absl::StatusOr<std::string> name = NormalizeDomainName(line.values[0]);
  if (!name.ok()) return name.status();
  std::optional<LocalZoneType> type = ParseLocalZoneType(line.values[1]);
  if (!type.has_value()) {
    // Views and their tags are not implemented, so there is nothing for noview to break out of.
    if (line.values[1] == "noview" || line.values[1] == "inform_redirect_tag") {
      return absl::InvalidArgumentError(
          absl::StrCat("not supported: type ", line.values[1], " (rebound has no views)"));
    }
    return absl::InvalidArgumentError(absl::StrCat("unknown local-zone type '", line.values[1],
                                                   "' (static, transparent, typetransparent, "
                                                   "redirect, refuse, deny, inform, always_*...)"));
  }
  s.config->local_zones.zones.push_back({*std::move(name), *type, line.where});
  return absl::OkStatus();
}

absl::Status AddLocalData(const ConfigLine& line, ServerState& s) {
  // unbound wants the record as one quoted value; words written without quotes are joined.
  s.config->local_zones.data.push_back({absl::StrJoin(line.values, " "), line.where});
  return absl::OkStatus();
}

// "192.0.2.4 www.example.com." or "2001:db8::4 7200 www.example.com.": a PTR record at the
// address's reverse name (RFC 1035 3.5, RFC 3596 2.5).
absl::Status AddLocalDataPtr(const ConfigLine& line, ServerState& s) {
  std::vector<std::string> words =
      absl::StrSplit(absl::StrJoin(line.values, " "), ' ', absl::SkipEmpty());
  uint32_t ttl = 0;
  if (words.size() != 2 && !(words.size() == 3 && absl::SimpleAtoi(words[1], &ttl))) {
    return absl::InvalidArgumentError("expected 'address [ttl] name'");
  }
  const bool v6 = words[0].find(':') != std::string::npos;
  LdnsRdfPtr address(
      ldns_rdf_new_frm_str(v6 ? LDNS_RDF_TYPE_AAAA : LDNS_RDF_TYPE_A, words[0].c_str()));
  if (address == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("'", words[0], "' is not an IP address"));
  }
  LdnsRdfPtr reverse(ldns_rdf_address_reverse(address.get()));
  std::string record = NameString(reverse.get());
  if (words.size() == 3) absl::StrAppend(&record, " ", ttl);
  absl::StrAppend(&record, " IN PTR ", words.back());
  s.config->local_zones.data.push_back({std::move(record), line.where});
  return absl::OkStatus();
}

absl::Status SetUnblockLanZones(const ConfigLine& line, ServerState& s) {
  absl::StatusOr<bool> value = ParseYesNo(line.values[0]);
  if (!value.ok()) return value.status();
  s.config->local_zones.unblock_lan_zones = *value;
  return absl::OkStatus();
}

// "4.6.0.0.8.b.d.0.1.0.0.2.ip6.arpa." for 2001:db8:64::/48: the prefix's nibbles, least
// significant first (RFC 3596 2.5). RFC 6052 prefix lengths are whole nibbles.
std::string ReverseZoneName(const Nat64Prefix& prefix) {
  std::string name;
  for (int nibble = prefix.length() / 4 - 1; nibble >= 0; --nibble) {
    const uint8_t byte = prefix.address().s6_addr[nibble / 2];
    const int value = nibble % 2 == 0 ? byte >> 4 : byte & 0x0f;
    absl::StrAppend(&name, absl::string_view(&"0123456789abcdef"[value], 1), ".");
  }
  return absl::StrCat(name, "ip6.arpa.");
}

absl::Status FinishLocalZones(ServerState& s) {
  Config& c = *s.config;
  c.local_zones.dns64_reverse_zones.clear();
  if (c.dns64.enabled) {
    for (const Nat64Prefix& prefix : c.dns64.prefixes) {
      c.local_zones.dns64_reverse_zones.push_back(ReverseZoneName(prefix));
    }
  }
  return LocalZones::Build(c.local_zones).status();
}

}  // namespace rebound::config_internal
