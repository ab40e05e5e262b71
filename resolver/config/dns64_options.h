// The server: options for DNS64 (RFC 6147) and NAT64: module-config, dns64-*, do-nat64 and
// nat64-prefix. ServerClause's option table points at these handlers; messages name the value,
// and ServerClause::Apply adds "file:line: option: ".
#ifndef REBOUND_RESOLVER_CONFIG_DNS64_OPTIONS_H_
#define REBOUND_RESOLVER_CONFIG_DNS64_OPTIONS_H_

#include "absl/status/status.h"
#include "resolver/config/config_line.h"
#include "resolver/config/server_clause.h"

namespace rebound::config_internal {

// module-config: "iterator" or "dns64 iterator"; "validator" anywhere in the list is accepted
// with a warning, since an unbound config usually names it. Any other module is an error.
absl::Status SetModuleConfig(const ConfigLine& line, ServerState& s);

absl::Status AddDns64Prefix(const ConfigLine& line, ServerState& s);
absl::Status SetDns64Synthall(const ConfigLine& line, ServerState& s);
absl::Status AddDns64IgnoreAaaa(const ConfigLine& line, ServerState& s);
absl::Status AddDns64Exclude(const ConfigLine& line, ServerState& s);  // IPv6 ranges only
absl::Status AddDns64Client(const ConfigLine& line, ServerState& s);
absl::Status AddDns64Mapped(const ConfigLine& line, ServerState& s);  // IPv4 ranges only
absl::Status SetDoNat64(const ConfigLine& line, ServerState& s);
absl::Status SetNat64Prefix(const ConfigLine& line, ServerState& s);

// Warns about options that the rest of the file makes pointless (dns64-* without the dns64
// module, nat64-prefix without do-nat64). Nothing here is an error.
void FinishDns64(ServerState& s);

}  // namespace rebound::config_internal

#endif  // REBOUND_RESOLVER_CONFIG_DNS64_OPTIONS_H_
