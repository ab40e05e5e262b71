// ControlStream over TLS with the contexts of control_tls.h, on a socket pair, with files made
// by tools/rebound-control-setup: the signed client is served, others are refused with the
// reason, and unusable files are named.
#include "resolver/control/control_tls.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>

#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "resolver/control/control_stream.h"
#include "tests/common/child_process.h"
#include "tests/common/temp_dir.h"
#include "tests/common/test_ca.h"

namespace rebound {
namespace {

using ::testing::HasSubstr;

// The remote-control: file options for the files rebound-control-setup made in `dir`.
RemoteControlConfig FilesIn(const std::string& dir) {
  RemoteControlConfig config;
  config.server_key_file = dir + "/rebound_server.key";
  config.server_cert_file = dir + "/rebound_server.pem";
  config.control_key_file = dir + "/rebound_control.key";
  config.control_cert_file = dir + "/rebound_control.pem";
  return config;
}

class ControlTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // As in the daemon and rebound-control: a write to a peer that closed fails instead.
    signal(SIGPIPE, SIG_IGN);
    if (!testing::CheckOpenSslCli().ok()) GTEST_SKIP() << "no openssl command";
    absl::StatusOr<testing::TempDir> dir = testing::TempDir::Create("control-tls-");
    ASSERT_TRUE(dir.ok());
    dir_ = std::make_unique<testing::TempDir>(*std::move(dir));
    for (const char* name : {"a", "b"}) {
      ASSERT_TRUE(testing::ChildProcess::Run(
                      {REBOUND_CONTROL_SETUP, "-d", absl::StrCat(dir_->path(), "/", name)},
                      absl::StrCat(dir_->path(), "/setup.log"))
                      .ok());
    }
    a_ = FilesIn(dir_->path() + "/a");
    b_ = FilesIn(dir_->path() + "/b");
  }

  struct Outcome {
    absl::Status server, client;
    std::string received_by_server, received_by_client;
  };

  // The daemon's side with `server` files, rebound-control's with `client` files: a
  // handshake, one line each way, and the daemon's orderly close.
  static Outcome Exchange(const RemoteControlConfig& server, const RemoteControlConfig& client) {
    int fds[2];
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    absl::StatusOr<ControlSslCtx> server_ctx = MakeControlServerContext(server);
    absl::StatusOr<ControlSslCtx> client_ctx = MakeControlClientContext(client);
    EXPECT_TRUE(server_ctx.ok()) << server_ctx.status();
    EXPECT_TRUE(client_ctx.ok()) << client_ctx.status();
    Outcome outcome;
    std::thread daemon([&] {
      ControlStream stream(fds[0]);
      stream.SetTimeouts(5);
      outcome.server = stream.AcceptTls(server_ctx->get());
      if (!outcome.server.ok()) return;
      char buffer[100];
      const ssize_t n = stream.Read(buffer, sizeof buffer);
      if (n > 0) outcome.received_by_server.assign(buffer, static_cast<size_t>(n));
      stream.WriteAll("ok\n");
      stream.Close(1);
    });
    {
      ControlStream stream(fds[1]);
      stream.SetTimeouts(5);
      outcome.client = stream.ConnectTls(client_ctx->get());
      if (outcome.client.ok() && stream.WriteAll("UBCT1 status\n")) {
        char buffer[100];
        for (ssize_t n; (n = stream.Read(buffer, sizeof buffer)) > 0;) {
          outcome.received_by_client.append(buffer, static_cast<size_t>(n));
        }
      }
    }  // closed: the daemon's Close stops waiting
    daemon.join();
    return outcome;
  }

  std::unique_ptr<testing::TempDir> dir_;
  RemoteControlConfig a_, b_;
};

TEST_F(ControlTlsTest, TheClientSignedWithTheServerKeyIsServed) {
  const Outcome outcome = Exchange(a_, a_);
  EXPECT_TRUE(outcome.server.ok()) << outcome.server;
  EXPECT_TRUE(outcome.client.ok()) << outcome.client;
  EXPECT_EQ(outcome.received_by_server, "UBCT1 status\n");
  EXPECT_EQ(outcome.received_by_client, "ok\n");
}

TEST_F(ControlTlsTest, AClientCertificateOfAnotherServerKeyIsRefused) {
  RemoteControlConfig foreign = a_;
  foreign.control_key_file = b_.control_key_file;
  foreign.control_cert_file = b_.control_cert_file;
  const Outcome outcome = Exchange(a_, foreign);
  EXPECT_FALSE(outcome.server.ok());
  EXPECT_THAT(outcome.server.message(), HasSubstr("certificate"));
  EXPECT_EQ(outcome.received_by_server, "");
  EXPECT_EQ(outcome.received_by_client, "");
}

TEST_F(ControlTlsTest, AServerNotMatchingServerCertFileIsNotTrusted) {
  const Outcome outcome = Exchange(b_, a_);
  EXPECT_FALSE(outcome.client.ok());
  EXPECT_THAT(outcome.client.message(), HasSubstr("certificate verify failed"));
  EXPECT_EQ(outcome.received_by_server, "");
}

TEST_F(ControlTlsTest, UnusableFilesAreNamed) {
  RemoteControlConfig missing = a_;
  missing.server_key_file = dir_->path() + "/none.key";
  EXPECT_THAT(MakeControlServerContext(missing).status().message(),
              HasSubstr(absl::StrCat("server-key-file ", missing.server_key_file,
                                     ": No such file or directory")));
  RemoteControlConfig mismatched = a_;
  mismatched.server_key_file = b_.server_key_file;
  const std::string mismatch(MakeControlServerContext(mismatched).status().message());
  EXPECT_THAT(mismatch, HasSubstr(absl::StrCat("server-key-file ", b_.server_key_file, ": ")));
  EXPECT_THAT(mismatch, HasSubstr("key values mismatch"));
  RemoteControlConfig not_a_certificate = a_;
  not_a_certificate.control_cert_file = a_.control_key_file;
  EXPECT_THAT(MakeControlClientContext(not_a_certificate).status().message(),
              HasSubstr(absl::StrCat("control-cert-file ", a_.control_key_file, ": ")));
}

}  // namespace
}  // namespace rebound
