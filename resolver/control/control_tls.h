// TLS on the control channel with unbound's trust model (unbound's daemon/remote.c and
// smallapp/unbound-control.c): the daemon presents server-cert-file and admits only clients
// whose certificate verifies against that same certificate; unbound-control-setup (and
// tools/rebound-control-setup) make it a self-signed CA certificate and sign the control
// certificate with the server key. The client presents control-cert-file and trusts
// server-cert-file alone, with no host name check: the pinned certificate is the identity.
#ifndef REBOUND_RESOLVER_CONTROL_CONTROL_TLS_H_
#define REBOUND_RESOLVER_CONTROL_CONTROL_TLS_H_

#include <openssl/ssl.h>

#include <memory>

#include "absl/status/statusor.h"
#include "resolver/config/remote_control_clause.h"

namespace rebound {

struct ControlSslCtxFree {
  void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
using ControlSslCtx = std::unique_ptr<SSL_CTX, ControlSslCtxFree>;

// Whether a connection to or on `interface` uses TLS: an IP interface with control-use-cert
// (a socket file never does, as in unbound).
bool ControlUsesTls(const RemoteControlConfig& config, absl::string_view interface);

// The daemon's side: server-key-file and server-cert-file, client certificates required.
// Read once at start, as root (the key may be readable by root only). Errors name the option
// and the file.
absl::StatusOr<ControlSslCtx> MakeControlServerContext(const RemoteControlConfig& config);

// rebound-control's side: control-key-file and control-cert-file presented, the server
// verified against server-cert-file.
absl::StatusOr<ControlSslCtx> MakeControlClientContext(const RemoteControlConfig& config);

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CONTROL_CONTROL_TLS_H_
