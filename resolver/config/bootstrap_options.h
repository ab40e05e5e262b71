// The server: options of the bootstrap fallback (bootstrap, bootstrap-relay,
// bootstrap-relays-replace, bootstrap-ca-file, bootstrap-state-file, bootstrap-max-ttl) and the
// checks on unbound's https-port, tls-port, tls-additional-port, tls-service-key and
// tls-service-pem, with which rebound serves DNS over HTTPS as a relay and DNS over TLS.
// ServerClause's option table points at these handlers; messages name the value, and
// ServerClause::Apply adds "file:line: option: ".
#ifndef REBOUND_RESOLVER_CONFIG_BOOTSTRAP_OPTIONS_H_
#define REBOUND_RESOLVER_CONFIG_BOOTSTRAP_OPTIONS_H_

#include "absl/status/status.h"
#include "resolver/config/config_line.h"
#include "resolver/config/server_clause.h"

namespace rebound::config_internal {

// bootstrap: yes, no or only.
absl::Status SetBootstrapMode(const ConfigLine& line, ServerState& s);
// bootstrap-relay: a relay line (bootstrap/relay.h), as five values or one quoted value.
absl::Status AddBootstrapRelay(const ConfigLine& line, ServerState& s);
absl::Status SetBootstrapRelaysReplace(const ConfigLine& line, ServerState& s);
absl::Status SetBootstrapCaFile(const ConfigLine& line, ServerState& s);
absl::Status SetBootstrapStateFile(const ConfigLine& line, ServerState& s);
absl::Status SetBootstrapMaxTtl(const ConfigLine& line, ServerState& s);

// Settles Config::bootstrap.relays (the built-in relays unless replaced, then the
// bootstrap-relay: lines; duplicates dropped with a warning) and checks what depends on the
// whole file: with bootstrap not `no`, at least one relay must be left. Warns about bootstrap
// options that bootstrap: no makes pointless.
absl::Status FinishBootstrap(ServerState& s);

// tls-additional-port: one more port on which an interface serves DNS over TLS, as unbound's
// (the option may be repeated).
absl::Status AddTlsAdditionalPort(const ConfigLine& line, ServerState& s);

// After the interfaces are settled: an interface on https-port serves DNS over HTTPS and one on
// tls-port or a tls-additional-port DNS over TLS; both need tls-service-key and tls-service-pem
// (or unbound's older ssl-service-key and ssl-service-pem), which come as a pair. Warns when
// they are given but no interface serves either.
absl::Status FinishTlsService(ServerState& s);

}  // namespace rebound::config_internal

#endif  // REBOUND_RESOLVER_CONFIG_BOOTSTRAP_OPTIONS_H_
