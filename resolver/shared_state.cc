#include "resolver/shared_state.h"

#include <utility>

namespace rebound {

absl::StatusOr<std::unique_ptr<const RelayScope>> RelayScopeInForce(const Config& config,
                                                                    const Shared& shared) {
  // A local zone's names that it leaves to resolution (transparent types) are the user's
  // network's, as are the private domains; the default zones (RFC 6761 names, the LAN reverse
  // zones) too. The other types answer every name themselves, so listing them changes nothing.
  std::vector<std::string> private_names = config.private_domains;
  if (const LocalZones* zones = shared.local_zones.Get(); zones != nullptr) {
    for (std::string& name : zones->ZoneNames()) private_names.push_back(std::move(name));
  }
  absl::StatusOr<RelayScope> scope =
      RelayScope::Of(shared.delegations->Configured(), private_names);
  if (!scope.ok()) return scope.status();
  return std::make_unique<const RelayScope>(*std::move(scope));
}

}  // namespace rebound
