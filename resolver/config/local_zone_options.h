// The server: options for zones answered locally: local-zone, local-data, local-data-ptr and
// unblock-lan-zones (unbound.conf(5)). Each line is checked as it is read; FinishLocalZones
// builds the whole set once, for the errors only the whole file shows (a redirect zone's data
// below its name, a CNAME beside other data).
#ifndef REBOUND_RESOLVER_CONFIG_LOCAL_ZONE_OPTIONS_H_
#define REBOUND_RESOLVER_CONFIG_LOCAL_ZONE_OPTIONS_H_

#include "absl/status/status.h"
#include "resolver/config/config_line.h"
#include "resolver/config/server_clause.h"

namespace rebound::config_internal {

absl::Status AddLocalZone(const ConfigLine& line, ServerState& s);
absl::Status AddLocalData(const ConfigLine& line, ServerState& s);
absl::Status AddLocalDataPtr(const ConfigLine& line, ServerState& s);
absl::Status SetUnblockLanZones(const ConfigLine& line, ServerState& s);
absl::Status FinishLocalZones(ServerState& s);

}  // namespace rebound::config_internal

#endif  // REBOUND_RESOLVER_CONFIG_LOCAL_ZONE_OPTIONS_H_
