#include "resolver/core/log.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "resolver/core/owned_file.h"
#include "resolver/core/syslog_sink.h"

namespace rebound {
namespace {

struct LogSink {
  absl::Mutex mu;
  FILE* file ABSL_GUARDED_BY(mu) = stderr;
  std::string path ABSL_GUARDED_BY(mu);                    // "" for stderr
  std::unique_ptr<SyslogSink> syslog ABSL_GUARDED_BY(mu);  // use-syslog: yes; the file waits
};

LogSink& Sink() {
  // Never destroyed: threads may still log while the process exits.
  static LogSink* sink = new LogSink;
  return *sink;
}

// RFC 5424 6.2.1 severities: error, informational, debug.
int Severity(LogLevel level) {
  switch (level) {
    case LogLevel::kError:
      return 3;
    case LogLevel::kOps:
      return 6;
    default:
      return 7;
  }
}

const char* LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kError:
      return "error";
    case LogLevel::kOps:
      return "info";
    default:
      return "debug";
  }
}

// Opens `path` and makes it the sink, closing the file before. Opened outside the lock, so
// that the other threads' lines wait only for the swap.
absl::Status SwitchTo(const std::string& path) {
  // No symlink followed, nothing truncated, a checked directory (owned_file.h): at start-up
  // this runs as root.
  absl::StatusOr<int> fd = OpenOwnedFileForAppend(path);
  if (!fd.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("logfile: ", fd.status().message()));
  }
  FILE* file = fdopen(*fd, "a");
  if (file == nullptr) {
    close(*fd);
    return absl::InvalidArgumentError(
        absl::StrCat("cannot open logfile ", path, ": ", std::strerror(errno)));
  }
  setvbuf(file, nullptr, _IOLBF, 0);
  absl::MutexLock lock(&Sink().mu);
  if (Sink().file != stderr) std::fclose(Sink().file);
  Sink().file = file;
  Sink().path = path;
  return absl::OkStatus();
}

}  // namespace

namespace log_internal {
std::atomic<int> verbosity{1};
}  // namespace log_internal

void SetLogVerbosity(int verbosity) { log_internal::verbosity.store(verbosity); }

int LogVerbosity() { return log_internal::verbosity.load(std::memory_order_relaxed); }

absl::Status ConfigureLog(int verbosity, const std::string& path) {
  log_internal::verbosity.store(verbosity);
  if (path.empty()) return absl::OkStatus();
  return SwitchTo(path);
}

absl::Status ReopenLog() {
  std::string path;
  {
    absl::MutexLock lock(&Sink().mu);
    path = Sink().path;
  }
  if (path.empty()) return absl::OkStatus();
  return SwitchTo(path);
}

void UseSyslog(const std::string& socket_path) {
  absl::MutexLock lock(&Sink().mu);
  Sink().syslog = socket_path.empty() ? nullptr : std::make_unique<SyslogSink>(socket_path);
}

void LogLine(LogLevel level, absl::string_view message) {
  absl::MutexLock lock(&Sink().mu);
  // A line syslog cannot take goes to the file (stderr) rather than nowhere.
  if (Sink().syslog != nullptr && Sink().syslog->Send(Severity(level), message)) return;
  const std::string stamp =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3S", absl::Now(), absl::LocalTimeZone());
  std::fprintf(Sink().file, "%s rebound[%s]: %.*s\n", stamp.c_str(), LevelName(level),
               static_cast<int>(message.size()), message.data());
}

bool RateLimiter::Allow() {
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  int64_t last = last_second_.load(std::memory_order_relaxed);
  return last != now && last_second_.compare_exchange_strong(last, now);
}

}  // namespace rebound
