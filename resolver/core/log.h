// The daemon's log: verbosity levels as in unbound (0 errors, 1 operations, 2 details,
// 3 per query, 4 algorithm), to stderr or a logfile, safe from every thread.
#ifndef REBOUND_RESOLVER_CORE_LOG_H_
#define REBOUND_RESOLVER_CORE_LOG_H_

#include <atomic>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"

namespace rebound {

enum class LogLevel { kError = 0, kOps = 1, kDetail = 2, kQuery = 3, kAlgo = 4 };

namespace log_internal {
// The configured verbosity; read with LogEnabled.
extern std::atomic<int> verbosity;
}  // namespace log_internal

// Opens `path` for appending ("" means stderr) and sets the verbosity.
absl::Status ConfigureLog(int verbosity, const std::string& path);
// Opens the configured path again and logs there from the next line on, closing the file
// before: after logrotate has renamed it, new lines go to a new file at the path (SIGUSR1, as
// unbound). On failure the log stays where it was. Nothing to do when logging to stderr.
absl::Status ReopenLog();
// rebound-control's verbosity command: from now on, as if configured so.
void SetLogVerbosity(int verbosity);
int LogVerbosity();
// use-syslog: yes: lines go to the syslog socket at `socket_path` (SyslogSink::kDefaultSocket
// in the daemon) instead of the file, as in unbound; a line the socket does not take goes to
// the file. "" turns it off again.
void UseSyslog(const std::string& socket_path);
// Inline, so a hot path pays one relaxed load for a line that is off.
inline bool LogEnabled(LogLevel level) {
  return static_cast<int>(level) <= log_internal::verbosity.load(std::memory_order_relaxed);
}
void LogLine(LogLevel level, absl::string_view message);

// Log's arguments are evaluated before it runs: where building them costs (ToString, NameString)
// on a per-query path, guard the call with `if (LogEnabled(level))`.
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
