// The daemon's log: verbosity levels as in unbound (0 errors, 1 operations, 2 details,
// 3 per query, 4 algorithm), to stderr or a logfile, safe from every thread.
#ifndef REBOUND_RESOLVER_CORE_LOG_H_
#define REBOUND_RESOLVER_CORE_LOG_H_

#include <atomic>
#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace rebound {

enum class LogLevel { kError = 0, kOps = 1, kDetail = 2, kQuery = 3, kAlgo = 4 };

// Opens `path` for appending ("" means stderr) and sets the verbosity.
absl::Status ConfigureLog(int verbosity, const std::string& path);
bool LogEnabled(LogLevel level);
void LogLine(LogLevel level, absl::string_view message);

template <typename... Args>
void Log(LogLevel level, const absl::FormatSpec<Args...>& format, const Args&... args) {
  if (LogEnabled(level)) LogLine(level, absl::StrFormat(format, args...));
}

// For problems caused by traffic: at most one line per second per call site, so a flood of bad
// packets cannot flood the log. Declare one `static RateLimiter` at the call site.
class RateLimiter {
 public:
  bool Allow();

 private:
  std::atomic<int64_t> last_second_{0};
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CORE_LOG_H_
