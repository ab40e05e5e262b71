// HttpsServer against clients that are not HttpsConnection: one without h2, one that never
// finishes its handshake, one that does not speak HTTP/2 after all. Each runs on a thread of its
// own with blocking sockets while the test thread runs the server's loop.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

#include "tests/unit/tls/https_test_fixture.h"
#include "tls/openssl_error.h"

namespace rebound::testing {
namespace {

using ::testing::HasSubstr;

using HttpsServerTest = HttpsTest;

int ConnectTcp(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval limit{5, 0};  // nothing here may hang the test
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

struct RawTlsOutcome {
  bool connected = false;
  bool handshake_ok = false;
  std::string handshake_error;
  std::string alpn;
  bool closed_by_server = false;  // read returned end of stream (or close_notify) after that
};

// A plain OpenSSL client (no verification: the server's behaviour is under test) that offers
// `alpn_wire` (empty: no ALPN extension), sends `after_handshake`, then reads until the server
// closes or 5 s pass.
RawTlsOutcome RawTlsClient(uint16_t port, const std::string& alpn_wire,
                           const std::string& after_handshake) {
  RawTlsOutcome outcome;
  const int fd = ConnectTcp(port);
  if (fd < 0) return outcome;
  outcome.connected = true;
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (!alpn_wire.empty()) {
    SSL_CTX_set_alpn_protos(ctx, reinterpret_cast<const unsigned char*>(alpn_wire.data()),
                            alpn_wire.size());
  }
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  if (SSL_connect(ssl) == 1) {
    outcome.handshake_ok = true;
    const unsigned char* protocol = nullptr;
    unsigned int length = 0;
    SSL_get0_alpn_selected(ssl, &protocol, &length);
    if (protocol != nullptr) outcome.alpn.assign(reinterpret_cast<const char*>(protocol), length);
    if (!after_handshake.empty()) SSL_write(ssl, after_handshake.data(), after_handshake.size());
    char buffer[4096];
    for (;;) {
      const int n = SSL_read(ssl, buffer, sizeof buffer);
      if (n > 0) continue;  // e.g. the server's SETTINGS and GOAWAY
      const int error = SSL_get_error(ssl, n);
      // ZERO_RETURN: close_notify; SYSCALL with errno 0: a plain TCP close.
      outcome.closed_by_server =
          error == SSL_ERROR_ZERO_RETURN || (error == SSL_ERROR_SYSCALL && errno != EAGAIN);
      break;
    }
  } else {
    outcome.handshake_error = DrainOpenSslErrors();
  }
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  close(fd);
  return outcome;
}

TEST_F(HttpsServerTest, ClientOfferingOnlyHttp11FailsTheHandshake) {
  int handled = 0;
  auto server =
      StartServer(RelayLeaf(), [&handled](const HttpsRequest&, HttpsResponder) { ++handled; });
  ASSERT_NE(server, nullptr);
  const uint16_t port = server->local_addresses().front().port();
  std::atomic<bool> done = false;
  RawTlsOutcome outcome;
  std::thread client([&] {
    outcome = RawTlsClient(port, std::string("\x08http/1.1", 9), "");
    done = true;
  });
  EXPECT_TRUE(RunUntil([&] { return done.load(); }));
  client.join();
  EXPECT_TRUE(outcome.connected);
  EXPECT_FALSE(outcome.handshake_ok);
  EXPECT_THAT(outcome.handshake_error, HasSubstr("no application protocol"));
  EXPECT_TRUE(RunUntil([&] { return server->connections() == 0; }));
  EXPECT_EQ(handled, 0);
}

TEST_F(HttpsServerTest, ClientWithoutAlpnIsClosedAfterTheHandshake) {
  auto server = StartServer(RelayLeaf(), EchoPathHandler());
  ASSERT_NE(server, nullptr);
  const uint16_t port = server->local_addresses().front().port();
  std::atomic<bool> done = false;
  RawTlsOutcome outcome;
  std::thread client([&] {
    outcome = RawTlsClient(port, "", "GET / HTTP/1.1\r\nHost: relay.test\r\n\r\n");
    done = true;
  });
  EXPECT_TRUE(RunUntil([&] { return done.load(); }));
  client.join();
  EXPECT_TRUE(outcome.handshake_ok) << outcome.handshake_error;
  EXPECT_EQ(outcome.alpn, "");
  EXPECT_TRUE(outcome.closed_by_server);
  EXPECT_TRUE(RunUntil([&] { return server->connections() == 0; }));
}

TEST_F(HttpsServerTest, ClientThatDoesNotSpeakHttp2IsClosed) {
  int handled = 0;
  auto server =
      StartServer(RelayLeaf(), [&handled](const HttpsRequest&, HttpsResponder) { ++handled; });
  ASSERT_NE(server, nullptr);
  const uint16_t port = server->local_addresses().front().port();
  std::atomic<bool> done = false;
  RawTlsOutcome outcome;
  std::thread client([&] {
    // ALPN says h2, but no connection preface follows (RFC 9113 3.4).
    outcome = RawTlsClient(port, std::string("\x02h2", 3), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    done = true;
  });
  EXPECT_TRUE(RunUntil([&] { return done.load(); }));
  client.join();
  EXPECT_TRUE(outcome.handshake_ok) << outcome.handshake_error;
  EXPECT_EQ(outcome.alpn, "h2");
  EXPECT_TRUE(outcome.closed_by_server);
  EXPECT_EQ(handled, 0);
}

TEST_F(HttpsServerTest, HandshakeThatNeverCompletesIsDroppedByTheIdleTimeout) {
  HttpsServerOptions options;
  options.idle_timeout = absl::Milliseconds(150);
  auto server = StartServer(RelayLeaf(), EchoPathHandler(), options);
  ASSERT_NE(server, nullptr);
  const uint16_t port = server->local_addresses().front().port();
  std::atomic<bool> done = false;
  ssize_t received = -2;
  absl::Duration waited;
  std::thread client([&] {
    const int fd = ConnectTcp(port);
    const absl::Time start = absl::Now();
    char byte;
    received = fd < 0 ? -3 : recv(fd, &byte, 1, 0);  // sends nothing, waits for the close
    waited = absl::Now() - start;
    if (fd >= 0) close(fd);
    done = true;
  });
  EXPECT_TRUE(RunUntil([&] { return done.load(); }));
  client.join();
  EXPECT_EQ(received, 0);  // orderly close by the server
  EXPECT_GE(waited, absl::Milliseconds(100));
  EXPECT_LT(waited, absl::Seconds(2));
  EXPECT_EQ(server->connections(), 0u);
}

}  // namespace
}  // namespace rebound::testing
