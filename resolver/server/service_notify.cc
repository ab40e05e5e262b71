#include "resolver/server/service_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"

namespace rebound {

absl::Status NotifyServiceManager(absl::string_view state) {
  // Read at every call, as sd_notify(3) does: the variable is the service manager's word on
  // where to report, and rebound never changes its own environment.
  const char* name = std::getenv("NOTIFY_SOCKET");
  if (name == nullptr || name[0] == '\0') return absl::OkStatus();
  const std::string socket_name = name;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  // sd_notify(3): "@" at the start names a socket in the abstract namespace, where the name
  // begins with a NUL byte instead; otherwise it is a path in the file system. Other forms
  // (systemd's "vsock:" addresses, for virtual machines) are not for a DNS resolver.
  if (socket_name[0] != '@' && socket_name[0] != '/') {
    return absl::InvalidArgumentError(
        absl::StrCat("NOTIFY_SOCKET=", socket_name, ": neither a path nor an abstract name"));
  }
  if (socket_name.size() > sizeof(address.sun_path)) {
    return absl::InvalidArgumentError(absl::StrCat("NOTIFY_SOCKET=", socket_name, ": too long"));
  }
  std::memcpy(address.sun_path, socket_name.data(), socket_name.size());
  socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_name.size());
  if (socket_name[0] == '@') {
    address.sun_path[0] = '\0';  // an abstract name is exactly `length` bytes, no terminator
  } else if (socket_name.size() < sizeof(address.sun_path)) {
    ++length;  // a path's terminating NUL, when it fits
  }
  const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("notify socket: ", std::strerror(errno)));
  const ssize_t sent = sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                              reinterpret_cast<const sockaddr*>(&address), length);
  const int error = errno;
  close(fd);
  if (sent < 0) {
    return absl::UnavailableError(
        absl::StrCat("NOTIFY_SOCKET=", socket_name, ": ", std::strerror(error)));
  }
  return absl::OkStatus();
}

}  // namespace rebound
