// rebound-control: sends one command to a running rebound over its control channel and prints
// the answer; unbound-control's usage, commands and exit codes (man/rebound-control.8).
#include <getopt.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "resolver/config/config.h"
#include "resolver/control/control_protocol.h"
#include "resolver/control/control_stream.h"
#include "resolver/control/control_tls.h"
#include "resolver/core/endpoint.h"

namespace rebound {
namespace {

// How long rebound-control waits for the daemon: to connect, for the TLS handshake, and for each
// read or write of a command. unbound-control waits for ever; rebound-control runs from cron and
// monitoring, where a daemon that accepts and never answers must not hang it.
constexpr int kTimeoutSeconds = 30;
// The same for the commands that may take long before they answer: reload waits up to 60 s for
// the daemon's main thread (DaemonControl::Reload), load_cache and the bulk commands go through
// all their data first, dump_cache walks the whole cache.
constexpr int kLongCommandTimeoutSeconds = 300;

bool TakesLong(const std::string& command) {
  return command == "reload" || command == "dump_cache" || CommandTakesData(command);
}

void PrintUsage(std::FILE* to) {
  std::fprintf(to,
               "usage: rebound-control [-c file] [-s server[@port]] [-q] [-t seconds] command "
               "[args]\n"
               "  -c file    rebound's config file (default %s): its remote-control: clause\n"
               "  -s server  a control-interface (an IP address or a socket path) instead\n"
               "  -q         quiet: print nothing for a command that succeeds\n"
               "  -t seconds how long to wait to connect and for each read or write (default\n"
               "             %d; %d for reload, dump_cache, load_cache and the bulk commands)\n"
               "  -h         this help\n"
               "commands: status stats stats_noreset reload verbosity flush flush_type flush_zone\n"
               "  flush_negative flush_infra flush_bogus list_forwards list_stubs\n"
               "  list_local_zones list_local_data bootstrap_status dump_cache load_cache\n"
               "  local_zone local_zone_remove local_data local_data_remove local_zones\n"
               "  local_zones_remove local_datas local_datas_remove forward_add forward_remove\n"
               "  stub_add stub_remove lookup dump_requestlist flush_requestlist\n",
               REBOUND_CONFIG_FILE, kTimeoutSeconds, kLongCommandTimeoutSeconds);
}

// Bounds every call on `fd` to `seconds`: connect(2) (Linux applies SO_SNDTIMEO to it, for TCP
// and unix sockets alike), the TLS handshake, each read and write.
void SetTimeouts(int fd, int seconds) {
  const timeval tv{.tv_sec = seconds, .tv_usec = 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

// What went wrong, in words; a timeout says how long was waited and how to wait longer.
std::string Reason(const std::string& error, int seconds) {
  return error == "timed out" ? absl::StrCat("timed out after ", seconds, " seconds (see -t)")
                              : error;
}

// Why connect(2) failed. On a timeout it gives EINPROGRESS (TCP: no SYN-ACK, such as a listener
// whose queue is full) or EAGAIN (a socket file whose listener's queue is full).
std::string ConnectFailure(int seconds) {
  if (errno == EINPROGRESS || errno == EAGAIN) return Reason("timed out", seconds);
  return std::strerror(errno);
}

// A connected stream to `interface` (a socket path, or an address with control-port), or -1
// with the reason in `error`; each call on it is bounded to `seconds`, connecting included.
int Connect(const std::string& interface, uint16_t port, int seconds, std::string* error) {
  if (!interface.empty() && interface.front() == '/') {
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    SetTimeouts(fd, seconds);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (interface.size() >= sizeof addr.sun_path) {
      *error = "socket path too long";
      close(fd);
      return -1;
    }
    std::memcpy(addr.sun_path, interface.data(), interface.size());
    if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
      *error = absl::StrCat("connect ", interface, ": ", ConnectFailure(seconds));
      close(fd);
      return -1;
    }
    return fd;
  }
  absl::StatusOr<Endpoint> server = Endpoint::Parse(interface, port);
  if (!server.ok()) {
    *error = std::string(server.status().message());
    return -1;
  }
  const int fd = socket(server->family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
  SetTimeouts(fd, seconds);
  if (connect(fd, server->sockaddr_ptr(), server->sockaddr_len()) != 0) {
    *error = absl::StrCat("connect ", server->ToString(), ": ", ConnectFailure(seconds));
    close(fd);
    return -1;
  }
  return fd;
}

// load_cache's data, or a bulk command's lines: standard input, whole.
std::string ReadStdin() {
  std::string data;
  char buffer[65536];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, stdin)) > 0;) data.append(buffer, n);
  return data;
}

// Prints the daemon's answer as it arrives (a dump_cache is as large as the cache); with `quiet`,
// only an answer that is an error (begins with "error", as unbound-control judges). The exit
// code.
int PrintAnswer(ControlStream& stream, bool quiet, int seconds) {
  constexpr absl::string_view kError = "error";
  std::string head;  // the answer's first bytes, until they say whether it is an error
  bool judged = false;
  bool failed = false;
  auto print = [&](absl::string_view text) {
    if (!quiet || failed) std::fwrite(text.data(), 1, text.size(), stdout);
  };
  char buffer[65536];
  ssize_t n;
  while ((n = stream.Read(buffer, sizeof buffer)) > 0) {
    const absl::string_view piece(buffer, static_cast<size_t>(n));
    if (judged) {
      print(piece);
      continue;
    }
    head.append(piece.data(), piece.size());
    if (head.size() < kError.size()) continue;
    judged = true;
    failed = absl::StartsWith(head, kError);
    print(head);
  }
  if (!judged) {
    failed = absl::StartsWith(head, kError);
    print(head);
  }
  std::fflush(stdout);
  if (n < 0) {
    // A TLS 1.3 server that refuses our certificate says so after our handshake has finished.
    std::fprintf(stderr, "rebound-control: error: read: %s\n",
                 Reason(stream.error(), seconds).c_str());
    return 1;
  }
  return failed ? 1 : 0;
}

// Sends the command (and its data) over `stream` and prints the answer; the exit code.
int Exchange(ControlStream& stream, const std::vector<std::string>& words, bool tls, bool quiet,
             int seconds) {
  std::string request = absl::StrCat(kControlMagic, absl::StrJoin(words, " "), "\n");
  const bool sends_data = CommandTakesData(words[0]);
  if (sends_data) request += ReadStdin();
  // unbound-control ends a bulk command's lines with a 0x04 line; load_cache's with the dump's
  // own EOF line.
  if (sends_data && words[0] != "load_cache") request += kControlDataEnd;
  if (!stream.WriteAll(request)) {
    std::fprintf(stderr, "rebound-control: error: send: %s\n",
                 Reason(stream.error(), seconds).c_str());
    return 1;
  }
  // Over a plain stream the half-close ends load_cache's data. Over TLS the dump's EOF line does,
  // as with unbound-control, whose servers read no further: a close_notify they leave unread
  // would make their close reset the connection under the answer. Data without that line is
  // ended by close_notify, which rebound reads.
  if (!tls || (words[0] == "load_cache" && !absl::EndsWith(request, "\nEOF\n"))) {
    stream.FinishWriting();
  }
  return PrintAnswer(stream, quiet, seconds);
}

// Connects to `interface` (with TLS when the clause says so), sends the command and prints the
// answer, each step bounded by `timeout` seconds (0: the defaults); the exit code.
int Send(const RemoteControlConfig& control, const std::string& interface, uint16_t port,
         const std::vector<std::string>& words, bool quiet, int timeout) {
  const int connect_seconds = timeout > 0 ? timeout : kTimeoutSeconds;
  const int command_seconds =
      timeout > 0 ? timeout : (TakesLong(words[0]) ? kLongCommandTimeoutSeconds : kTimeoutSeconds);
  std::string error;
  const int fd = Connect(interface, port, connect_seconds, &error);
  if (fd < 0) {
    std::fprintf(stderr, "rebound-control: error: %s\n", error.c_str());
    // unbound-control: `status` of a server that is not running exits 3.
    return words[0] == "status" ? 3 : 1;
  }
  ControlStream stream(fd);
  const bool tls = ControlUsesTls(control, interface);
  if (tls) {
    absl::StatusOr<ControlSslCtx> context = MakeControlClientContext(control);
    if (!context.ok()) {
      std::fprintf(stderr, "rebound-control: error: %s\n",
                   std::string(context.status().message()).c_str());
      return 1;
    }
    if (absl::Status s = stream.ConnectTls(context->get()); !s.ok()) {
      std::fprintf(stderr, "rebound-control: error: TLS with %s: %s\n", interface.c_str(),
                   Reason(std::string(s.message()), connect_seconds).c_str());
      return 1;
    }
  }
  stream.SetTimeouts(command_seconds);
  return Exchange(stream, words, tls, quiet, command_seconds);
}

int Main(int argc, char** argv) {
  std::string config_path = REBOUND_CONFIG_FILE;
  std::string server;
  bool quiet = false;
  int timeout = 0;  // -t: every wait; 0: the defaults
  // unbound-control's options are -c -s -q -h; -t is rebound-control's own.
  for (int opt; (opt = getopt(argc, argv, "+c:s:qt:h")) != -1;) {
    switch (opt) {
      case 'c':
        config_path = optarg;
        break;
      case 's':
        server = optarg;
        break;
      case 'q':
        quiet = true;
        break;
      case 't':
        if (!absl::SimpleAtoi(optarg, &timeout) || timeout <= 0) {
          std::fprintf(stderr, "rebound-control: -t wants a number of seconds above 0\n");
          return 1;
        }
        break;
      case 'h':
        PrintUsage(stdout);
        return 0;
      default:
        PrintUsage(stderr);
        return 1;
    }
  }
  if (optind >= argc) {
    PrintUsage(stderr);
    return 1;
  }
  const std::vector<std::string> words(argv + optind, argv + argc);
  std::vector<std::string> warnings;  // the daemon reports them; the client needs the clause only
  absl::StatusOr<Config> config = LoadConfigFile(config_path, &warnings);
  if (!config.ok()) {
    std::fprintf(stderr, "rebound-control: %s\n", std::string(config.status().message()).c_str());
    return 1;
  }
  const RemoteControlConfig& control = config->remote_control;
  uint16_t port = control.port;
  if (!server.empty() && server.front() != '/') {
    if (size_t at = server.rfind('@'); at != std::string::npos) {
      port = static_cast<uint16_t>(std::atoi(server.c_str() + at + 1));
      server.resize(at);
    }
  }
  const std::string interface = server.empty() ? control.Interfaces().front() : server;
  return Send(control, interface, port, words, quiet, timeout);
}

}  // namespace
}  // namespace rebound

int main(int argc, char** argv) {
  // OpenSSL writes with write(2): a daemon that refused the certificate and closed must make
  // the write fail (and the command exit 1 with the reason), not kill the process.
  signal(SIGPIPE, SIG_IGN);
  return rebound::Main(argc, argv);
}
