#include "resolver/core/syslog_sink.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace rebound {
namespace {

constexpr int kFacilityDaemon = 3;  // RFC 3164 4.1.1: LOG_DAEMON

}  // namespace

SyslogSink::SyslogSink(std::string socket_path) : socket_path_(std::move(socket_path)) {
  Connect();
}

SyslogSink::~SyslogSink() {
  if (fd_ >= 0) close(fd_);
}

bool SyslogSink::Connect() {
  if (fd_ >= 0) close(fd_);
  fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (fd_ < 0 || socket_path_.size() >= sizeof address.sun_path) return false;
  std::memcpy(address.sun_path, socket_path_.data(), socket_path_.size());
  if (connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    close(fd_);
    fd_ = -1;
    return false;
  }
  return true;
}

bool SyslogSink::Send(int severity, absl::string_view message) {
  // "<PRI>Mmm dd hh:mm:ss rebound[pid]: message" (RFC 3164 4.1; no host name on the local
  // socket, as glibc sends it).
  const std::string line =
      absl::StrCat("<", kFacilityDaemon * 8 + severity, ">",
                   absl::FormatTime("%b %e %H:%M:%S", absl::Now(), absl::LocalTimeZone()),
                   " rebound[", getpid(), "]: ", message);
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (fd_ >= 0 && send(fd_, line.data(), line.size(), MSG_NOSIGNAL) >= 0) return true;
    if (!Connect()) return false;
  }
  return false;
}

}  // namespace rebound
