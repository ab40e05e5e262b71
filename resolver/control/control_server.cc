#include "resolver/control/control_server.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "resolver/control/control_protocol.h"
#include "resolver/core/listen_socket.h"
#include "resolver/core/log.h"

namespace rebound {
namespace {

// How long one client may take to send its command (and load_cache its data), and to read
// the output: one connection is served at a time, so a stalled client holds the others back
// this long at most.
constexpr int kCommandTimeoutSeconds = 5;
constexpr int kTransferTimeoutSeconds = 60;

absl::Status Errno(absl::string_view what) {
  return absl::UnavailableError(absl::StrCat(what, ": ", std::strerror(errno)));
}

sockaddr_un UnixAddress(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  return addr;
}

// Whether a daemon answers on the socket file at `path`.
bool SomeoneListens(const std::string& path) {
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const sockaddr_un addr = UnixAddress(path);
  const bool answered = connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return answered;
}

absl::StatusOr<int> BindSocketFile(const std::string& path,
                                   std::optional<std::pair<uid_t, gid_t>> owner) {
  if (path.size() >= sizeof(sockaddr_un::sun_path)) {
    return absl::InvalidArgumentError(absl::StrCat("control-interface: ", path, ": too long"));
  }
  std::error_code ignored;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ignored);
  struct stat st;
  if (lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      return absl::AlreadyExistsError(
          absl::StrCat("control-interface: ", path, " exists and is not a socket"));
    }
    if (SomeoneListens(path)) {
      return absl::AlreadyExistsError(absl::StrCat("control-interface: another process answers on ",
                                                   path, " (is rebound running?)"));
    }
    unlink(path.c_str());  // left by a run that did not stop cleanly
  }
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Errno("control socket");
  const sockaddr_un addr = UnixAddress(path);
  // Connecting needs write permission on the file: 0600 leaves root and the owner.
  if (bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 ||
      chmod(path.c_str(), 0600) != 0 ||
      (owner.has_value() && chown(path.c_str(), owner->first, owner->second) != 0) ||
      listen(fd, 16) != 0) {
    absl::Status s = Errno(absl::StrCat("control-interface: ", path));
    close(fd);
    return s;
  }
  return fd;
}

absl::StatusOr<int> BindAddress(const std::string& address, uint16_t port) {
  absl::StatusOr<Endpoint> endpoint = Endpoint::Parse(address, port);
  if (!endpoint.ok()) return endpoint.status();
  absl::StatusOr<int> fd = OpenListenSocket(*endpoint, SOCK_STREAM, /*reuseport=*/false);
  if (!fd.ok()) return fd.status();
  if (listen(*fd, 16) != 0) {
    absl::Status s = Errno(absl::StrCat("control-interface: ", endpoint->ToString()));
    close(*fd);
    return s;
  }
  return *fd;
}

void SetTimeouts(int fd, int seconds) {
  const timeval tv{.tv_sec = seconds, .tv_usec = 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

void WriteAll(int fd, absl::string_view data) {
  while (!data.empty()) {
    const ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return;  // the client went, or timed out: nobody to tell
    data.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<ControlServer>> ControlServer::Bind(
    const RemoteControlConfig& config, std::optional<std::pair<uid_t, gid_t>> owner,
    ControlTarget* target) {
  std::unique_ptr<ControlServer> server(new ControlServer(target));
  for (const std::string& interface : config.Interfaces()) {
    const bool file = IsControlSocketPath(interface);
    absl::StatusOr<int> fd =
        file ? BindSocketFile(interface, owner) : BindAddress(interface, config.port);
    if (!fd.ok()) return fd.status();
    server->listeners_.push_back(*fd);
    if (file) server->socket_files_.push_back(interface);
  }
  server->stop_fd_ = eventfd(0, EFD_CLOEXEC);
  if (server->stop_fd_ < 0) return Errno("eventfd");
  return server;
}

ControlServer::~ControlServer() {
  if (thread_.joinable()) {
    const uint64_t one = 1;
    if (write(stop_fd_, &one, sizeof one) < 0) Log(LogLevel::kError, "control: cannot stop");
    thread_.join();
  }
  for (int fd : listeners_) close(fd);
  for (const std::string& path : socket_files_) unlink(path.c_str());
  if (stop_fd_ >= 0) close(stop_fd_);
}

void ControlServer::Start() {
  thread_ = std::thread([this] { Serve(); });
}

void ControlServer::Serve() {
  std::vector<pollfd> fds;
  for (int fd : listeners_) fds.push_back({.fd = fd, .events = POLLIN, .revents = 0});
  fds.push_back({.fd = stop_fd_, .events = POLLIN, .revents = 0});
  for (;;) {
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      Log(LogLevel::kError, "control: poll: %s", std::strerror(errno));
      return;
    }
    if (fds.back().revents != 0) return;
    for (size_t i = 0; i + 1 < fds.size(); ++i) {
      if ((fds[i].revents & POLLIN) == 0) continue;
      const int client = accept4(fds[i].fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      // Nothing may end this thread but the stop: a command that throws is a bug, reported.
      try {
        HandleConnection(client);
      } catch (const std::exception& e) {
        Log(LogLevel::kError, "control: command failed: %s", e.what());
      }
      close(client);
    }
  }
}

void ControlServer::HandleConnection(int fd) {
  SetTimeouts(fd, kCommandTimeoutSeconds);
  std::string received;
  size_t newline = std::string::npos;
  char buffer[4096];
  while (newline == std::string::npos && received.size() <= kMaxControlLine) {
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return;
    received.append(buffer, static_cast<size_t>(n));
    newline = received.find('\n');
  }
  if (newline == std::string::npos) return WriteAll(fd, "error command line too long\n");
  const std::string line = received.substr(0, newline);
  if (!absl::StartsWith(line, kControlMagic)) {
    return WriteAll(fd, "error wrong version: expected rebound-control's or unbound-control's\n");
  }
  const std::string command = line.substr(sizeof(kControlMagic) - 1);
  std::string body = received.substr(newline + 1);
  SetTimeouts(fd, kTransferTimeoutSeconds);
  if (CommandTakesData(command.substr(0, command.find(' ')))) {
    // The data runs to the end of the client's side.
    for (;;) {
      const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
      if (n < 0) return WriteAll(fd, "error the data did not arrive in time\n");
      if (n == 0) break;
      body.append(buffer, static_cast<size_t>(n));
      if (body.size() > kMaxControlBody) return WriteAll(fd, "error the data is too large\n");
    }
  }
  Log(LogLevel::kOps, "control: %s", command);
  WriteAll(fd, commands_.Run(command, body));
}

}  // namespace rebound
