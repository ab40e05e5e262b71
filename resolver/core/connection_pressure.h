// How long a TCP or HTTPS connection may take to deliver its next complete message, given how
// many of its listener's connection slots are in use. RFC 7766 6.2.3 lets a server close idle
// connections sooner under pressure: a client that sends nothing, or drips a message a byte at a
// time, then gives its slot up quickly to one that has a query to ask.
#ifndef REBOUND_RESOLVER_CORE_CONNECTION_PRESSURE_H_
#define REBOUND_RESOLVER_CORE_CONNECTION_PRESSURE_H_

#include <algorithm>
#include <cstddef>

#include "absl/time/time.h"

namespace rebound {

// Below this no connection is cut: a client across a slow path must still get its query in.
inline constexpr absl::Duration kMinMessageWait = absl::Milliseconds(200);

// With every slot taken, a new connection may replace the one that has waited longest for a
// message if that one has waited at least this long: a client with a query gets in while others
// only hold slots, and one that connected a moment ago still has time to send its query.
inline constexpr absl::Duration kMinWaitBeforeEviction = absl::Milliseconds(50);

// The full idle timeout while at most half of the `max` slots are in use, a tenth of it above
// half, a hundredth above three quarters; never below kMinMessageWait (nor above the timeout).
inline absl::Duration MessageWait(absl::Duration idle_timeout, size_t in_use, size_t max) {
  absl::Duration wait = idle_timeout;
  if (max > 0 && in_use * 4 > max * 3) {
    wait = idle_timeout / 100;
  } else if (max > 0 && in_use * 2 > max) {
    wait = idle_timeout / 10;
  }
  return std::min(idle_timeout, std::max(wait, kMinMessageWait));
}

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CORE_CONNECTION_PRESSURE_H_
