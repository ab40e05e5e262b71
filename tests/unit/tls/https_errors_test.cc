// What an HttpsConnection reports when the server cannot be trusted or reached, or does not
// answer: each failure with its own status code, and never a fallback to an unverified link.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>
#include <string>

#include "tests/unit/tls/https_test_fixture.h"

namespace rebound::testing {
namespace {

using ::testing::HasSubstr;

using HttpsErrorsTest = HttpsTest;

// A TCP socket bound to a free loopback port; listening (the kernel completes handshakes, but
// nobody ever reads) or not (connections are refused). Closed on destruction.
class RawSocket {
 public:
  explicit RawSocket(bool listen_too) : fd_(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&address), length), 0);
    EXPECT_EQ(getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length), 0);
    if (listen_too) {
      EXPECT_EQ(listen(fd_, 8), 0);
    }
    port_ = ntohs(address.sin_port);
  }
  ~RawSocket() { close(fd_); }
  uint16_t port() const { return port_; }

 private:
  int fd_;
  uint16_t port_ = 0;
};

TEST_F(HttpsErrorsTest, CertificateForAnotherNameIsPermissionDenied) {
  auto server =
      StartServer(IssueLeaf(const_cast<TestCa&>(Ca()), "other.test", {}), EchoPathHandler());
  ASSERT_NE(server, nullptr);
  auto client = ConnectTo(*server, "relay.test");
  absl::StatusOr<HttpsResponse> response = Fetch(*client, "/");
  EXPECT_EQ(response.status().code(), absl::StatusCode::kPermissionDenied) << response.status();
  EXPECT_THAT(response.status().message(), HasSubstr("hostname mismatch"));
  EXPECT_THAT(response.status().message(), HasSubstr("relay.test"));
  EXPECT_FALSE(client->connected());
}

TEST_F(HttpsErrorsTest, CertificateFromAnUnknownCaIsPermissionDenied) {
  auto server = StartServer(
      IssueLeaf(const_cast<TestCa&>(UnknownCa()), "relay.test", {"127.0.0.1"}), EchoPathHandler());
  ASSERT_NE(server, nullptr);
  auto client = ConnectTo(*server, "relay.test");
  absl::StatusOr<HttpsResponse> response = Fetch(*client, "/");
  EXPECT_EQ(response.status().code(), absl::StatusCode::kPermissionDenied) << response.status();
  EXPECT_THAT(response.status().message(), HasSubstr("unable to get local issuer certificate"));
  EXPECT_THAT(response.status().message(), HasSubstr("relay.test"));
  // A second try fails the same way: there is no fallback to an unverified connection.
  absl::StatusOr<HttpsResponse> again = Fetch(*client, "/");
  EXPECT_EQ(again.status().code(), absl::StatusCode::kPermissionDenied) << again.status();
}

TEST_F(HttpsErrorsTest, IpLiteralNameMustMatchAnIpSan) {
  auto server = StartServer(RelayLeaf(), EchoPathHandler());
  ASSERT_NE(server, nullptr);

  auto by_v4 = ConnectTo(*server, "127.0.0.1");
  absl::StatusOr<HttpsResponse> v4 = Fetch(*by_v4, "/v4");
  ASSERT_TRUE(v4.ok()) << v4.status();
  EXPECT_EQ(v4->body, "/v4");

  // The certificate names ::1 too; the name is checked, not the address connected to.
  auto by_v6 = ConnectTo(*server, "::1");
  absl::StatusOr<HttpsResponse> v6 = Fetch(*by_v6, "/v6");
  ASSERT_TRUE(v6.ok()) << v6.status();

  auto wrong = ConnectTo(*server, "127.0.0.2");
  absl::StatusOr<HttpsResponse> mismatch = Fetch(*wrong, "/");
  EXPECT_EQ(mismatch.status().code(), absl::StatusCode::kPermissionDenied) << mismatch.status();
  EXPECT_THAT(mismatch.status().message(), HasSubstr("IP address mismatch"));
  EXPECT_THAT(mismatch.status().message(), HasSubstr("127.0.0.2"));
}

TEST_F(HttpsErrorsTest, RefusedConnectionIsUnavailable) {
  RawSocket not_listening(/*listen_too=*/false);
  HttpsConnection client(loop(), ClientContext(), Loopback(not_listening.port()), "relay.test");
  absl::StatusOr<HttpsResponse> response = Fetch(client, "/");
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable) << response.status();
  EXPECT_THAT(response.status().message(), HasSubstr("refused"));
}

TEST_F(HttpsErrorsTest, ServerThatNeverSpeaksIsDeadlineExceeded) {
  RawSocket silent(/*listen_too=*/true);
  HttpsConnection client(loop(), ClientContext(), Loopback(silent.port()), "relay.test");
  const absl::Time start = absl::Now();
  absl::StatusOr<HttpsResponse> response = Fetch(client, "/", absl::Milliseconds(150));
  const absl::Duration took = absl::Now() - start;
  EXPECT_EQ(response.status().code(), absl::StatusCode::kDeadlineExceeded) << response.status();
  EXPECT_GE(took, absl::Milliseconds(150));
  EXPECT_LT(took, absl::Milliseconds(600));
  EXPECT_FALSE(client.connected());
}

TEST_F(HttpsErrorsTest, SlowHandlerIsDeadlineExceededAndTheConnectionStays) {
  std::vector<HttpsResponder> pending;
  auto server =
      StartServer(RelayLeaf(), [&pending](const HttpsRequest& request, HttpsResponder respond) {
        if (request.path == "/slow") {
          pending.push_back(std::move(respond));
        } else {
          respond(HttpsReply{200, "text/plain", "fast", 0});
        }
      });
  ASSERT_NE(server, nullptr);
  auto client = ConnectTo(*server);
  ASSERT_TRUE(Fetch(*client, "/warm-up").ok());
  absl::StatusOr<HttpsResponse> slow = Fetch(*client, "/slow", absl::Milliseconds(100));
  EXPECT_EQ(slow.status().code(), absl::StatusCode::kDeadlineExceeded) << slow.status();
  absl::StatusOr<HttpsResponse> fast = Fetch(*client, "/fast");
  ASSERT_TRUE(fast.ok()) << fast.status();
  EXPECT_EQ(fast->body, "fast");
}

TEST_F(HttpsErrorsTest, ConnectionLimitClosesTheExtraConnection) {
  HttpsServerOptions options;
  options.max_connections = 1;
  auto server = StartServer(RelayLeaf(), EchoPathHandler(), options);
  ASSERT_NE(server, nullptr);
  auto first = ConnectTo(*server);
  ASSERT_TRUE(Fetch(*first, "/first").ok());
  auto second = ConnectTo(*server);
  absl::StatusOr<HttpsResponse> refused = Fetch(*second, "/second");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnavailable) << refused.status();
  EXPECT_EQ(server->connections(), 1u);
  EXPECT_TRUE(Fetch(*first, "/first-again").ok());
}

}  // namespace
}  // namespace rebound::testing
