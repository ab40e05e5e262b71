// dump_requestlist's text as unbound-control prints it (daemon/remote.c, do_dump_requestlist),
// so that what parses unbound's parses rebound's.
#ifndef REBOUND_RESOLVER_CONTROL_REQUEST_LIST_TEXT_H_
#define REBOUND_RESOLVER_CONTROL_REQUEST_LIST_TEXT_H_

#include <string>
#include <vector>

#include "resolver/core/pending_request.h"

namespace rebound {

// For each thread, by index: "thread #N", unbound's header line, then one line per request,
// "%3d %4s %2s %s %s %s": its number in the thread, type, class, name, the seconds its client
// has waited (with microseconds, or "-" when no client waits) and its status. unbound prints its
// first thread only; rebound prints every thread, each in that shape.
std::string RequestListText(const std::vector<std::vector<PendingRequest>>& threads);

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CONTROL_REQUEST_LIST_TEXT_H_
