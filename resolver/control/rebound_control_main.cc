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
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "resolver/config/config.h"
#include "resolver/control/control_protocol.h"
#include "resolver/control/control_stream.h"
#include "resolver/control/control_tls.h"
#include "resolver/core/endpoint.h"

namespace rebound {
namespace {

void PrintUsage(std::FILE* to) {
  std::fprintf(to,
               "usage: rebound-control [-c file] [-s server[@port]] [-q] command [args]\n"
               "  -c file    rebound's config file (default %s): its remote-control: clause\n"
               "  -s server  a control-interface (an IP address or a socket path) instead\n"
               "  -q         quiet: print nothing for a command that succeeds\n"
               "  -h         this help\n"
               "commands: status stats stats_noreset reload verbosity flush flush_type flush_zone\n"
               "  flush_negative flush_infra flush_bogus list_forwards list_stubs\n"
               "  list_local_zones list_local_data bootstrap_status dump_cache load_cache\n"
               "  local_zone local_zone_remove local_data local_data_remove local_zones\n"
               "  local_zones_remove local_datas local_datas_remove forward_add forward_remove\n"
               "  stub_add stub_remove lookup dump_requestlist flush_requestlist\n",
               REBOUND_CONFIG_FILE);
}

// A connected stream to `interface` (a socket path, or an address with control-port), or -1
// with the reason in `error`.
int Connect(const std::string& interface, uint16_t port, std::string* error) {
  if (!interface.empty() && interface.front() == '/') {
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (interface.size() >= sizeof addr.sun_path) {
      *error = "socket path too long";
      close(fd);
      return -1;
    }
    std::memcpy(addr.sun_path, interface.data(), interface.size());
    if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
      *error = absl::StrCat("connect ", interface, ": ", std::strerror(errno));
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
  if (connect(fd, server->sockaddr_ptr(), server->sockaddr_len()) != 0) {
    *error = absl::StrCat("connect ", server->ToString(), ": ", std::strerror(errno));
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

// Sends the command (and its data) over `stream` and prints the answer; the exit code.
int Exchange(ControlStream& stream, const std::vector<std::string>& words, bool tls, bool quiet) {
  std::string request = absl::StrCat(kControlMagic, absl::StrJoin(words, " "), "\n");
  const bool sends_data = CommandTakesData(words[0]);
  if (sends_data) request += ReadStdin();
  // unbound-control ends a bulk command's lines with a 0x04 line; load_cache's with the dump's
  // own EOF line.
  if (sends_data && words[0] != "load_cache") request += kControlDataEnd;
  if (!stream.WriteAll(request)) {
    std::fprintf(stderr, "rebound-control: error: send: %s\n", stream.error().c_str());
    return 1;
  }
  // Over a plain stream the half-close ends load_cache's data. Over TLS the dump's EOF line does,
  // as with unbound-control, whose servers read no further: a close_notify they leave unread
  // would make their close reset the connection under the answer. Data without that line is
  // ended by close_notify, which rebound reads.
  if (!tls || (words[0] == "load_cache" && !absl::EndsWith(request, "\nEOF\n"))) {
    stream.FinishWriting();
  }
  std::string output;
  char buffer[65536];
  ssize_t n;
  while ((n = stream.Read(buffer, sizeof buffer)) > 0)
    output.append(buffer, static_cast<size_t>(n));
  const bool failed = absl::StartsWith(output, "error");
  if (!quiet || failed) std::fwrite(output.data(), 1, output.size(), stdout);
  if (n < 0) {
    // A TLS 1.3 server that refuses our certificate says so after our handshake has finished.
    std::fprintf(stderr, "rebound-control: error: read: %s\n", stream.error().c_str());
    return 1;
  }
  return failed ? 1 : 0;
}

int Main(int argc, char** argv) {
  std::string config_path = REBOUND_CONFIG_FILE;
  std::string server;
  bool quiet = false;
  for (int opt; (opt = getopt(argc, argv, "+c:s:qh")) != -1;) {
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
  std::string error;
  const int fd = Connect(interface, port, &error);
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
                   std::string(s.message()).c_str());
      return 1;
    }
  }
  return Exchange(stream, words, tls, quiet);
}

}  // namespace
}  // namespace rebound

int main(int argc, char** argv) {
  // OpenSSL writes with write(2): a daemon that refused the certificate and closed must make
  // the write fail (and the command exit 1 with the reason), not kill the process.
  signal(SIGPIPE, SIG_IGN);
  return rebound::Main(argc, argv);
}
