// use-syslog: the log's lines as syslog datagrams (RFC 3164, as glibc's syslog(3) writes them
// to the local socket), facility daemon, identity "rebound". Written here rather than with
// syslog(3) so that the socket is a parameter (tests give their own) and a lost connection is
// seen: a line that cannot be sent goes to stderr, never nowhere.
#ifndef REBOUND_RESOLVER_CORE_SYSLOG_SINK_H_
#define REBOUND_RESOLVER_CORE_SYSLOG_SINK_H_

#include <string>

#include "absl/strings/string_view.h"

namespace rebound {

// Not thread-safe: the log calls it under its lock.
class SyslogSink {
 public:
  static constexpr char kDefaultSocket[] = "/dev/log";

  explicit SyslogSink(std::string socket_path);
  ~SyslogSink();
  SyslogSink(const SyslogSink&) = delete;
  SyslogSink& operator=(const SyslogSink&) = delete;

  // `severity` as syslog's: 3 error, 6 informational, 7 debug. Reconnects once when the
  // socket has gone (syslogd or journald restarted); false when the line could not be sent.
  bool Send(int severity, absl::string_view message);

 private:
  bool Connect();

  const std::string socket_path_;
  int fd_ = -1;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CORE_SYSLOG_SINK_H_
