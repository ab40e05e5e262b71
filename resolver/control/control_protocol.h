// The control connection's framing, shared by the daemon and rebound-control: the client sends
// "UBCT1 " (unbound-control's version word), the command line and a newline; load_cache's data
// (or a bulk command's lines, CommandTakesData) follows, up to its end line or the client's
// half-close. The daemon writes the output and closes.
#ifndef REBOUND_RESOLVER_CONTROL_CONTROL_PROTOCOL_H_
#define REBOUND_RESOLVER_CONTROL_CONTROL_PROTOCOL_H_

#include <cstddef>
#include <string_view>

namespace rebound {

inline constexpr char kControlMagic[] = "UBCT1 ";
inline constexpr size_t kMaxControlLine = 4096;
// load_cache's data at most: a 1 GiB cache's dump is about this size.
inline constexpr size_t kMaxControlBody = size_t{2} << 30;

// The line that ends a bulk command's data (unbound-control sends it; the client may also just
// shut down its side). load_cache's data ends at the dump's own "EOF" line.
inline constexpr char kControlDataEnd[] = "\x04\n";

// The commands whose data follows the command line: load_cache's dump, and the lines of
// unbound-control's bulk forms (local_zones, local_datas...).
inline bool CommandTakesData(std::string_view command) {
  return command == "load_cache" || command == "local_zones" || command == "local_zones_remove" ||
         command == "local_datas" || command == "local_datas_remove";
}

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CONTROL_CONTROL_PROTOCOL_H_
