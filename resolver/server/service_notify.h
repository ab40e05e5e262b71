// Telling a service manager how the daemon is doing, with systemd's notify protocol as
// sd_notify(3) documents it: a datagram of newline-separated "VARIABLE=value" assignments
// ("READY=1", "STOPPING=1", "STATUS=...") sent to the AF_UNIX socket whose name is in
// $NOTIFY_SOCKET. The protocol is small and stable, so rebound speaks it itself rather than
// linking libsystemd. Without $NOTIFY_SOCKET (not started by systemd, or Type= is not notify)
// nothing is sent.
#ifndef REBOUND_RESOLVER_SERVER_SERVICE_NOTIFY_H_
#define REBOUND_RESOLVER_SERVER_SERVICE_NOTIFY_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace rebound {

// Sends `state` (for example "READY=1\nSTATUS=serving") as one datagram to $NOTIFY_SOCKET. A
// name starting with '@' is in the abstract namespace, any other must be an absolute path.
// OK without sending anything when $NOTIFY_SOCKET is unset or empty.
absl::Status NotifyServiceManager(absl::string_view state);

}  // namespace rebound

#endif  // REBOUND_RESOLVER_SERVER_SERVICE_NOTIFY_H_
