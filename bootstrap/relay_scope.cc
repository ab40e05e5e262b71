#include "bootstrap/relay_scope.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace rebound {

absl::StatusOr<RelayScope> RelayScope::Of(const std::vector<ConfiguredDelegation>& delegations,
                                          const std::vector<std::string>& private_names) {
  RelayScope scope;
  for (const ConfiguredDelegation& zone : delegations) {
    if (absl::Status s = scope.AddConfiguredZone(zone.name, zone.relays_allowed); !s.ok()) return s;
  }
  for (const std::string& name : private_names) {
    if (absl::Status s = scope.AddConfiguredZone(name, false); !s.ok()) return s;
  }
  return scope;
}

namespace {

// `name` (wire form) in lowercase into `out`, which holds LDNS_MAX_DOMAINLEN bytes; its size, or 0
// when it does not fit.
size_t LowercaseWireName(const ldns_rdf* name, uint8_t* out) {
  const size_t size = ldns_rdf_size(name);
  if (size == 0 || size > LDNS_MAX_DOMAINLEN) return 0;
  const uint8_t* data = ldns_rdf_data(name);
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<uint8_t>(absl::ascii_tolower(data[i]));
  return size;
}

}  // namespace

absl::Status RelayScope::AddConfiguredZone(const std::string& zone, bool relays_allowed) {
  LdnsRdfPtr name(ldns_dname_new_frm_str(zone.c_str()));
  uint8_t lower[LDNS_MAX_DOMAINLEN];
  const size_t size = name == nullptr ? 0 : LowercaseWireName(name.get(), lower);
  if (size == 0) return absl::InvalidArgumentError(absl::StrCat("bad zone name ", zone));
  zones_.try_emplace(std::string(reinterpret_cast<const char*>(lower), size), relays_allowed);
  return absl::OkStatus();
}

bool RelayScope::Allows(const ldns_rdf* name) const {
  if (zones_.empty()) return true;
  uint8_t lower[LDNS_MAX_DOMAINLEN];
  const size_t size = LowercaseWireName(name, lower);
  // The name itself, then each enclosing name (its first label dropped): the first one listed
  // is the closest zone. The root, a single zero byte, is the last.
  for (size_t at = 0; at < size; at += lower[at] + 1) {
    const absl::string_view suffix(reinterpret_cast<const char*>(lower + at), size - at);
    if (auto zone = zones_.find(suffix); zone != zones_.end()) return zone->second;
    if (lower[at] == 0) break;
  }
  return true;
}

}  // namespace rebound
