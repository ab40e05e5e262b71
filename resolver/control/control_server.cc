#include "resolver/control/control_server.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "resolver/control/control_protocol.h"
#include "resolver/core/endpoint.h"
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

// A client has this long to close once its output is written (ControlStream::Close).
constexpr int kLingerSeconds = 2;
// How long a stop waits for the connection being served to end before cutting it short.
constexpr absl::Duration kStopGrace = absl::Seconds(1);

// unbound's dump_cache text ends with this line; unbound-control sends load_cache's data and
// waits for the answer without closing its side, so the line ends the data as it does for
// unbound (daemon/remote.c load_cache). rebound-control's half-close ends it too.
bool DataEnded(absl::string_view command, absl::string_view data) {
  if (command == "load_cache") return data == "EOF\n" || absl::EndsWith(data, "\nEOF\n");
  return data == kControlDataEnd || absl::EndsWith(data, absl::StrCat("\n", kControlDataEnd));
}

}  // namespace

absl::StatusOr<std::unique_ptr<ControlServer>> ControlServer::Bind(
    const RemoteControlConfig& config, std::optional<std::pair<uid_t, gid_t>> owner,
    ControlTarget* target) {
  std::unique_ptr<ControlServer> server(new ControlServer(target));
  const std::vector<std::string> interfaces = config.Interfaces();
  if (std::ranges::any_of(interfaces, [&](const std::string& interface) {
        return ControlUsesTls(config, interface);
      })) {
    absl::StatusOr<ControlSslCtx> tls = MakeControlServerContext(config);
    if (!tls.ok()) {
      return absl::Status(tls.status().code(),
                          absl::StrCat("remote-control: ", tls.status().message()));
    }
    server->tls_context_ = *std::move(tls);
  }
  for (const std::string& interface : interfaces) {
    const bool file = IsControlSocketPath(interface);
    absl::StatusOr<int> fd =
        file ? BindSocketFile(interface, owner) : BindAddress(interface, config.port);
    if (!fd.ok()) return fd.status();
    server->listeners_.push_back(*fd);
    server->listener_tls_.push_back(ControlUsesTls(config, interface));
    if (file) server->socket_files_.push_back(interface);
  }
  server->stop_fd_ = eventfd(0, EFD_CLOEXEC);
  if (server->stop_fd_ < 0) return Errno("eventfd");
  return server;
}

ControlServer::~ControlServer() {
  {
    absl::MutexLock lock(&client_mu_);
    stopping_ = true;
    // A command under way has a moment to end (a pending reload is being told that rebound
    // stops); one still waiting on its client after that is cut short.
    client_mu_.AwaitWithTimeout(absl::Condition(this, &ControlServer::Idle), kStopGrace);
    if (client_fd_ >= 0) shutdown(client_fd_, SHUT_RDWR);
  }
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
      if ((fds[i].revents & POLLIN) != 0) ServeOne(fds[i].fd, listener_tls_[i]);
    }
  }
}

void ControlServer::ServeOne(int listener, bool tls) {
  sockaddr_storage peer{};
  socklen_t peer_length = sizeof peer;
  const int client =
      accept4(listener, reinterpret_cast<sockaddr*>(&peer), &peer_length, SOCK_CLOEXEC);
  if (client < 0) return;
  ControlStream stream(client);
  {
    absl::MutexLock lock(&client_mu_);
    if (stopping_) return;  // the stream closes it
    client_fd_ = client;
  }
  Converse(stream, tls, peer);
  absl::MutexLock lock(&client_mu_);
  client_fd_ = -1;
  stream.CloseNow();
}

void ControlServer::Converse(ControlStream& stream, bool tls, const sockaddr_storage& peer) {
  // The handshake is bounded as the command is: a client that never finishes it holds the
  // others back kCommandTimeoutSeconds at most.
  stream.SetTimeouts(kCommandTimeoutSeconds);
  if (tls) {
    if (absl::Status s = stream.AcceptTls(tls_context_.get()); !s.ok()) {
      // A client without a certificate signed by the server key, or not speaking TLS: refused
      // unanswered, as unbound does, and logged so that the operator can tell why (once a
      // second at most: anyone who reaches the port can cause it).
      static RateLimiter limiter;
      if (limiter.Allow()) {
        Log(LogLevel::kOps, "control: refused %s: %s",
            Endpoint::FromSockaddr(reinterpret_cast<const sockaddr*>(&peer)).ToString(),
            s.message());
      }
      return;
    }
  }
  // Nothing may end this thread but the stop: a command that throws is a bug, reported.
  try {
    HandleConnection(stream);
  } catch (const std::exception& e) {
    Log(LogLevel::kError, "control: command failed: %s", e.what());
  }
  stream.Drain(kLingerSeconds);
}

void ControlServer::HandleConnection(ControlStream& stream) {
  std::string received;
  size_t newline = std::string::npos;
  char buffer[4096];
  while (newline == std::string::npos && received.size() <= kMaxControlLine) {
    const ssize_t n = stream.Read(buffer, sizeof buffer);
    if (n <= 0) return;
    received.append(buffer, static_cast<size_t>(n));
    newline = received.find('\n');
  }
  if (newline == std::string::npos) {
    stream.WriteAll("error command line too long\n");
    return;
  }
  const std::string line = received.substr(0, newline);
  if (!absl::StartsWith(line, kControlMagic)) {
    stream.WriteAll("error wrong version: expected rebound-control's or unbound-control's\n");
    return;
  }
  // unbound-control puts a space before each word, so its command follows two spaces.
  const std::string command(
      absl::StripLeadingAsciiWhitespace(absl::string_view(line).substr(sizeof(kControlMagic) - 1)));
  std::string body = received.substr(newline + 1);
  stream.SetTimeouts(kTransferTimeoutSeconds);
  const std::string first_word = command.substr(0, command.find(' '));
  if (CommandTakesData(first_word)) {
    // The data runs to its end line (the dump's EOF, or a bulk command's 0x04 line, as
    // unbound-control sends them) or the end of the client's side.
    while (!DataEnded(first_word, body)) {
      const ssize_t n = stream.Read(buffer, sizeof buffer);
      if (n < 0) {
        stream.WriteAll("error the data did not arrive in time\n");
        return;
      }
      if (n == 0) break;
      body.append(buffer, static_cast<size_t>(n));
      if (body.size() > kMaxControlBody) {
        stream.WriteAll("error the data is too large\n");
        return;
      }
    }
  }
  // A bulk command's end line is framing, not one of its lines.
  if (absl::EndsWith(body, kControlDataEnd)) body.resize(body.size() - strlen(kControlDataEnd));
  Log(LogLevel::kOps, "control: %s", command);
  // Each piece goes out as it comes (dump_cache's in bounded pieces), each write bounded by
  // kTransferTimeoutSeconds: a client that stops reading ends the command.
  commands_.Run(command, body,
                [&stream](absl::string_view piece) { return stream.WriteAll(piece); });
}

}  // namespace rebound
