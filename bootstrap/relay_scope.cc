#include "bootstrap/relay_scope.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "resolver/wire/names.h"

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

absl::Status RelayScope::AddConfiguredZone(const std::string& zone, bool relays_allowed) {
  LdnsRdfPtr name(ldns_dname_new_frm_str(zone.c_str()));
  if (name == nullptr) return absl::InvalidArgumentError(absl::StrCat("bad zone name ", zone));
  zones_.push_back({std::move(name), relays_allowed});
  return absl::OkStatus();
}

bool RelayScope::Allows(const ldns_rdf* name) const {
  const Zone* closest = nullptr;
  for (const Zone& zone : zones_) {
    if (!IsAtOrBelow(name, zone.name.get())) continue;
    if (closest == nullptr ||
        ldns_dname_label_count(zone.name.get()) > ldns_dname_label_count(closest->name.get())) {
      closest = &zone;
    }
  }
  return closest == nullptr || closest->relays_allowed;
}

}  // namespace rebound
