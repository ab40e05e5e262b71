// The control connection's framing, shared by the daemon and rebound-control: the client sends
// "UBCT1 " (unbound-control's version word), the command line and a newline; load_cache's data
// (or a bulk command's lines, CommandTakesData) follows, and the client then shuts down its side.
// The daemon writes the output and closes.
#ifndef REBOUND_RESOLVER_CONTROL_CONTROL_PROTOCOL_H_
#define REBOUND_RESOLVER_CONTROL_CONTROL_PROTOCOL_H_

#include <cstddef>
#include <string_view>

namespace rebound {

inline constexpr char kControlMagic[] = "UBCT1 ";
inline constexpr size_t kMaxControlLine = 4096;
// load_cache's data at most: a 1 GiB cache's dump is about this size.
inline constexpr size_t kMaxControlBody = size_t{2} << 30;

// The commands whose data follows the command line, up to the end of the client's side:
// load_cache's dump, and the lines of unbound-control's bulk forms (local_zones, local_datas...).
// The line that ends a bulk command's data (unbound-control sends it; the client may also just
// shut down its side).
inline constexpr char kControlDataEnd[] = "\x04\n";

inline bool CommandTakesData(std::string_view command) {
  return command == "load_cache" || command == "local_zones" || command == "local_zones_remove" ||
         command == "local_datas" || command == "local_datas_remove";
}

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CONTROL_CONTROL_PROTOCOL_H_
