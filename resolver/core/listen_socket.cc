#include "resolver/core/listen_socket.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace rebound {

absl::StatusOr<int> OpenListenSocket(const Endpoint& address, int type, bool reuseport) {
  const char* kind = type == SOCK_DGRAM ? "udp" : "tcp";
  int fd = socket(address.family(), type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return absl::InternalError(
        absl::StrCat(kind, " socket for ", address.ToString(), ": ", std::strerror(errno)));
  }
  const int on = 1;
  bool ok = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) == 0;
  if (ok && reuseport) ok = setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) == 0;
  if (ok && address.is_v6()) ok = setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) == 0;
  if (ok) ok = bind(fd, address.sockaddr_ptr(), address.sockaddr_len()) == 0;
  if (!ok) {
    const int err = errno;
    close(fd);
    return absl::UnavailableError(absl::StrCat("cannot listen on ", address.ToString(), " (", kind,
                                               "): ", std::strerror(err)));
  }
  return fd;
}

absl::Status CheckNobodyListens(const Endpoint& address, int type) {
  int fd = socket(address.family(), type | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::OkStatus();
  const int on = 1;
  // Without SO_REUSEPORT the bind fails on any other socket bound there (also a wildcard one on
  // the same port). For TCP SO_REUSEADDR still refuses a listener, and lets a connection of an
  // earlier rebound in TIME_WAIT pass.
  if (type == SOCK_STREAM) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (address.is_v6()) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
  const bool in_use =
      bind(fd, address.sockaddr_ptr(), address.sockaddr_len()) != 0 && errno == EADDRINUSE;
  close(fd);
  if (!in_use) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "another process already listens on ", address.ToString(), " (",
      type == SOCK_DGRAM ? "udp" : "tcp",
      "); rebound will not share the port with it (the kernel would split the queries between "
      "the two): stop it (an unbound or a systemd-resolved still running?), or change "
      "interface: or port:"));
}

size_t SetSocketBufferSize(int fd, int option, size_t bytes) {
  const int forced = option == SO_RCVBUF ? SO_RCVBUFFORCE : SO_SNDBUFFORCE;
  const int requested = static_cast<int>(std::min<size_t>(bytes, INT_MAX / 2));
  if (setsockopt(fd, SOL_SOCKET, forced, &requested, sizeof requested) != 0) {
    setsockopt(fd, SOL_SOCKET, option, &requested, sizeof requested);
  }
  int doubled = 0;
  socklen_t length = sizeof doubled;
  if (getsockopt(fd, SOL_SOCKET, option, &doubled, &length) != 0) return 0;
  return static_cast<size_t>(doubled) / 2;
}

}  // namespace rebound
