// The control connection's framing, shared by the daemon and rebound-control: the client sends
// "UBCT1 " (unbound-control's version word), the command line and a newline; load_cache's data
// follows, and the client then shuts down its side. The daemon writes the output and closes.
#ifndef REBOUND_RESOLVER_CONTROL_CONTROL_PROTOCOL_H_
#define REBOUND_RESOLVER_CONTROL_CONTROL_PROTOCOL_H_

#include <cstddef>

namespace rebound {

inline constexpr char kControlMagic[] = "UBCT1 ";
inline constexpr size_t kMaxControlLine = 4096;
// load_cache's data at most: a 1 GiB cache's dump is about this size.
inline constexpr size_t kMaxControlBody = size_t{2} << 30;

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CONTROL_CONTROL_PROTOCOL_H_
