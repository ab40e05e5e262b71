// The control channel over TLS with client certificates (remote-control: control-use-cert: yes
// on an IP interface), as unbound does it: keys from the real unbound-control-setup and from
// tools/rebound-control-setup; rebound-control and the real unbound-control talking to rebound,
// rebound-control talking to the real unbound; clients without the right certificate, and plain
// TCP, get nothing.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "tests/integration/fixture/dns_client.h"
#include "tests/integration/fixture/hierarchy_names.h"
#include "tests/integration/fixture/hierarchy_test_base.h"
#include "tests/integration/fixture/rebound_process.h"
#include "tests/integration/fixture/shell_command.h"
#include "tests/integration/fixture/subprocess.h"

namespace rebound::integration {
namespace {

namespace n = names;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kListen[] = "127.0.0.19";
constexpr uint16_t kControlPort = 8953;
// The reference unbound's control channel, on its own address.
constexpr char kUnboundControl[] = "127.0.0.53";
constexpr uint16_t kUnboundControlPort = 8954;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The four files of one control PKI, named as the tool that made them names them.
struct ControlKeys {
  std::string server_key, server_cert, control_key, control_cert;
};

ControlKeys KeysIn(const std::string& dir, const std::string& prefix) {
  return {absl::StrCat(dir, "/", prefix, "_server.key"),
          absl::StrCat(dir, "/", prefix, "_server.pem"),
          absl::StrCat(dir, "/", prefix, "_control.key"),
          absl::StrCat(dir, "/", prefix, "_control.pem")};
}

// A remote-control: clause on `address`@`port` with TLS and `keys`: what the daemon reads and,
// as unbound.conf syntax, what unbound-control and rebound-control read.
std::string ControlClause(const std::string& address, uint16_t port, const ControlKeys& keys) {
  return absl::StrCat("remote-control:\n  control-enable: yes\n  control-interface: ", address,
                      "\n  control-port: ", port, "\n  server-key-file: \"", keys.server_key,
                      "\"\n  server-cert-file: \"", keys.server_cert, "\"\n  control-key-file: \"",
                      keys.control_key, "\"\n  control-cert-file: \"", keys.control_cert, "\"\n");
}

int ConnectTcp(const std::string& address, uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  inet_pton(AF_INET, address.c_str(), &addr.sin_addr);
  const timeval tv{.tv_sec = 10, .tv_usec = 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// A client of the test's own: TLS to `address`@`port` trusting `trusted` and presenting no
// certificate, then unbound-control's request for `status`; what came back, decrypted.
std::string StatusWithoutClientCertificate(const std::string& address, uint16_t port,
                                           const std::string& trusted) {
  const int fd = ConnectTcp(address, port);
  if (fd < 0) return "connect failed";
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_load_verify_locations(ctx, trusted.c_str(), nullptr);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  std::string output;
  if (SSL_connect(ssl) == 1) {
    const std::string request = "UBCT1 status\n";
    SSL_write(ssl, request.data(), static_cast<int>(request.size()));
    char buffer[4096];
    for (int got; (got = SSL_read(ssl, buffer, sizeof buffer)) > 0;) output.append(buffer, got);
  }
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  close(fd);
  return output;
}

// unbound-control's request in the clear to a TLS port: every byte that came back.
std::string StatusInTheClear(const std::string& address, uint16_t port) {
  const int fd = ConnectTcp(address, port);
  if (fd < 0) return "connect failed";
  const std::string request = "UBCT1 status\n";
  send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string output;
  char buffer[4096];
  for (ssize_t got; (got = recv(fd, buffer, sizeof buffer, 0)) > 0;) output.append(buffer, got);
  close(fd);
  return output;
}

class ControlTlsTest : public HierarchyTestBase {
 public:
  static void SetUpTestSuite() {
    StartSharedHierarchy({"bash", "nsd", "unbound", "unbound-control-setup", "openssl"}, false);
  }

 protected:
  void SetUp() override {
    HierarchyTestBase::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    // unbound's own tool, and ours, each in a directory of its own.
    unbound_keys_dir_ = absl::StrCat(hierarchy().dir(), "/unbound-control-keys");
    rebound_keys_dir_ = absl::StrCat(hierarchy().dir(), "/rebound-control-keys");
    ASSERT_EQ(
        std::system(absl::StrCat("mkdir -p ", unbound_keys_dir_, " && unbound-control-setup -d ",
                                 unbound_keys_dir_, " >/dev/null 2>&1")
                        .c_str()),
        0);
    ASSERT_EQ(std::system(
                  absl::StrCat(REBOUND_CONTROL_SETUP, " -d ", rebound_keys_dir_, " >/dev/null 2>&1")
                      .c_str()),
              0);
    unbound_keys_ = KeysIn(unbound_keys_dir_, "unbound");
    rebound_keys_ = KeysIn(rebound_keys_dir_, "rebound");
    StartReboundWith(unbound_keys_);
  }

  void TearDown() override { hierarchy().StopUnbound().IgnoreError(); }

  void StartReboundWith(const ControlKeys& keys) {
    rebound_.reset();
    rebound_config_ = absl::StrCat(hierarchy().dir(), "/control-tls.conf");
    absl::StatusOr<std::unique_ptr<Subprocess>> rebound =
        StartRebound(REBOUND_BINARY, hierarchy(), "control-tls",
                     absl::StrCat(RecursiveServerConfig(hierarchy(), kListen),
                                  ControlClause(kListen, kControlPort, keys)),
                     EndpointAt(kListen));
    ASSERT_TRUE(rebound.ok()) << rebound.status();
    rebound_ = *std::move(rebound);
  }

  // A configuration for a control tool alone: its remote-control: clause.
  std::string ToolConfig(const std::string& name, const std::string& clause) const {
    const std::string path = absl::StrCat(hierarchy().dir(), "/", name, ".conf");
    std::ofstream(path) << clause;
    return path;
  }

  CommandResult Rebound(const std::string& command, const std::string& stdin_file = "") {
    return RunCommand(absl::StrCat(REBOUND_CONTROL_BINARY, " -c ", rebound_config_, " ", command),
                      stdin_file);
  }

  std::string unbound_keys_dir_, rebound_keys_dir_, rebound_config_;
  ControlKeys unbound_keys_, rebound_keys_;
  std::unique_ptr<Subprocess> rebound_;
};

TEST_F(ControlTlsTest, ReboundControlGetsStatusAndStatsOverTls) {
  const CommandResult status = Rebound("status");
  EXPECT_EQ(status.exit_code, 0) << rebound_->LogTail();
  EXPECT_THAT(status.output, HasSubstr(") is running...\n"));
  ASSERT_TRUE(Query(EndpointAt(kListen), n::kV4Only, LDNS_RR_TYPE_A).ok());
  const CommandResult stats = Rebound("stats_noreset");
  EXPECT_EQ(stats.exit_code, 0);
  EXPECT_THAT(stats.output, HasSubstr("total.num.queries="));
  EXPECT_THAT(rebound_->LogTail(), Not(HasSubstr("control: refused")));
}

// unbound-control-setup's files made by our own script instead: the same trust, the same result.
TEST_F(ControlTlsTest, KeysFromReboundControlSetupWorkAsWell) {
  StartReboundWith(rebound_keys_);
  const CommandResult status = Rebound("status");
  EXPECT_EQ(status.exit_code, 0) << rebound_->LogTail();
  EXPECT_THAT(status.output, HasSubstr(") is running...\n"));
}

// The real unbound-control, configured as for an unbound, runs rebound's commands: the same
// "UBCT1 " framing, certificates and close. load_cache's data ends at the dump's EOF line, as
// unbound-control does not close its side.
TEST_F(ControlTlsTest, UnboundControlTalksToRebound) {
  const std::string config =
      ToolConfig("unbound-control-to-rebound", ControlClause(kListen, kControlPort, unbound_keys_));
  const std::string tool = absl::StrCat("unbound-control -c ", config, " ");
  const CommandResult status = RunCommand(tool + "status");
  EXPECT_EQ(status.exit_code, 0) << rebound_->LogTail();
  EXPECT_THAT(status.output, HasSubstr("rebound (pid "));
  ASSERT_TRUE(Query(EndpointAt(kListen), n::kV4Only, LDNS_RR_TYPE_A).ok());
  EXPECT_EQ(RunCommand(tool + "flush_type v4only.alpha.test A").output, "ok\n");

  ASSERT_TRUE(Query(EndpointAt(kListen), n::kV4Only, LDNS_RR_TYPE_A).ok());
  const CommandResult dump = RunCommand(tool + "dump_cache");
  ASSERT_EQ(dump.exit_code, 0);
  EXPECT_THAT(dump.output, HasSubstr("v4only.alpha.test."));
  const std::string file = absl::StrCat(hierarchy().dir(), "/control-tls.dump");
  std::ofstream(file) << dump.output;
  const auto start = std::chrono::steady_clock::now();
  const CommandResult load = RunCommand(tool + "load_cache", file);
  EXPECT_EQ(load.output, "ok\n") << rebound_->LogTail();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10))
      << "the data's end was not seen: the daemon waited for a close that never came";
}

// rebound-control, given an unbound.conf-style remote-control: clause, runs the real unbound's
// commands over its TLS channel.
TEST_F(ControlTlsTest, ReboundControlTalksToUnbound) {
  ASSERT_TRUE(hierarchy()
                  .StartUnbound(ReferenceResolverEndpoint(),
                                ControlClause(kUnboundControl, kUnboundControlPort, unbound_keys_))
                  .ok());
  const std::string config =
      ToolConfig("rebound-control-to-unbound",
                 ControlClause(kUnboundControl, kUnboundControlPort, unbound_keys_));
  const std::string tool = absl::StrCat(REBOUND_CONTROL_BINARY, " -c ", config, " ");
  const CommandResult status = RunCommand(tool + "status");
  EXPECT_EQ(status.exit_code, 0);
  EXPECT_THAT(status.output, HasSubstr("unbound (pid "));
  ASSERT_TRUE(Query(ReferenceResolverEndpoint(), n::kV4Only, LDNS_RR_TYPE_A).ok());
  const CommandResult stats = RunCommand(tool + "stats_noreset");
  EXPECT_THAT(stats.output, HasSubstr("total.num.queries="));
  // load_cache to unbound: the data ends at its EOF line, with no close_notify that unbound
  // would leave unread.
  const CommandResult dump = RunCommand(tool + "dump_cache");
  ASSERT_EQ(dump.exit_code, 0);
  const std::string file = absl::StrCat(hierarchy().dir(), "/unbound-tls.dump");
  std::ofstream(file) << dump.output;
  EXPECT_EQ(RunCommand(tool + "load_cache", file).output, "ok\n");
}

// Without a certificate, with one that another server key signed, or without TLS at all: no
// command runs and nothing of the answer comes back; the daemon logs each refusal and serves
// the right client after them.
TEST_F(ControlTlsTest, ClientsWithoutTheServersCertificateGetNothing) {
  // The log is shared by the suite's tests: this one's part follows `logged_before`.
  const std::string log_file = absl::StrCat(hierarchy().dir(), "/control-tls.log");
  const size_t logged_before = ReadFile(log_file).size();
  EXPECT_EQ(StatusWithoutClientCertificate(kListen, kControlPort, unbound_keys_.server_cert), "");

  // rebound-control with the control certificate of another PKI (our script's), trusting the
  // right server certificate.
  ControlKeys foreign = unbound_keys_;
  foreign.control_key = rebound_keys_.control_key;
  foreign.control_cert = rebound_keys_.control_cert;
  const std::string config =
      ToolConfig("foreign-control", ControlClause(kListen, kControlPort, foreign));
  const CommandResult refused =
      RunCommand(absl::StrCat(REBOUND_CONTROL_BINARY, " -c ", config, " status"));
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.output, "");

  // The request in the clear: at most a TLS alert record (content type 21) comes back.
  const std::string clear = StatusInTheClear(kListen, kControlPort);
  EXPECT_THAT(clear, Not(HasSubstr("running")));
  if (!clear.empty()) {
    EXPECT_EQ(clear[0], '\x15') << clear;
  }

  const std::string log = ReadFile(log_file).substr(logged_before);
  EXPECT_THAT(log, HasSubstr("control: refused 127.0.0.1"));
  EXPECT_THAT(log, HasSubstr("certificate"));
  EXPECT_THAT(log, Not(HasSubstr("control: status")));
  EXPECT_EQ(Rebound("status").exit_code, 0);
}

// The files are read at start, as root: one missing, or not what it should be, stops the start
// with the file named.
TEST_F(ControlTlsTest, AMissingOrBadFileStopsTheStartNamingIt) {
  rebound_.reset();
  ControlKeys missing = unbound_keys_;
  missing.server_key = absl::StrCat(unbound_keys_dir_, "/nonexistent.key");
  ControlKeys bad = unbound_keys_;
  bad.server_cert = unbound_keys_.server_key;  // a key where the certificate belongs
  const std::string log_file = absl::StrCat(hierarchy().dir(), "/control-tls-bad.log");
  for (const auto& [keys, expected] :
       {std::pair{missing, absl::StrCat("server-key-file ", missing.server_key,
                                        ": No such file or directory")},
        std::pair{bad, absl::StrCat("server-cert-file ", bad.server_cert, ": ")}}) {
    const size_t logged_before = ReadFile(log_file).size();
    absl::StatusOr<std::unique_ptr<Subprocess>> rebound =
        StartRebound(REBOUND_BINARY, hierarchy(), "control-tls-bad",
                     absl::StrCat(RecursiveServerConfig(hierarchy(), kListen),
                                  ControlClause(kListen, kControlPort, keys)),
                     EndpointAt(kListen), absl::Seconds(2));
    EXPECT_FALSE(rebound.ok());
    EXPECT_THAT(ReadFile(log_file).substr(logged_before), HasSubstr(expected));
  }
}

}  // namespace
}  // namespace rebound::integration
