// Shared by the tls/ tests: one libuv loop per test, a throw-away PKI made on first use (the
// openssl CLI is slow enough that each test makes only what it needs), and helpers to run the
// loop until something happened.
#ifndef REBOUND_TESTS_UNIT_TLS_HTTPS_TEST_FIXTURE_H_
#define REBOUND_TESTS_UNIT_TLS_HTTPS_TEST_FIXTURE_H_

#include <gtest/gtest.h>
#include <uv.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "resolver/core/endpoint.h"
#include "tests/common/temp_dir.h"
#include "tests/common/test_ca.h"
#include "tls/https_client.h"
#include "tls/https_server.h"
#include "tls/tls_context.h"

namespace rebound::testing {

class HttpsTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  uv_loop_t* loop() { return &loop_; }
  const std::string& dir() const { return dir_->path(); }

  // The trusted CA, and a second one the clients do not trust; made on first use.
  const TestCa& Ca();
  const TestCa& UnknownCa();
  // relay.test with IP SANs 127.0.0.1 and ::1, signed by Ca().
  const TestLeaf& RelayLeaf();
  // Any other leaf; fails the test (and returns empty paths) when openssl fails.
  TestLeaf IssueLeaf(TestCa& ca, const std::string& dns_name, const std::vector<std::string>& ips);

  // Contexts live as long as the test; null after a test failure.
  const TlsClientContext* ClientContext();  // trusts Ca()
  const TlsServerContext* ServerContext(const TestLeaf& leaf);

  // An HttpsServer on 127.0.0.1 (a free port) with `leaf`; null after a test failure.
  std::unique_ptr<HttpsServer> StartServer(const TestLeaf& leaf, HttpsHandler handler,
                                           HttpsServerOptions options = {});
  // A client for `server`'s first address.
  std::unique_ptr<HttpsConnection> ConnectTo(const HttpsServer& server,
                                             const std::string& tls_name = "relay.test");

  // A GET, with the loop run until its callback.
  absl::StatusOr<HttpsResponse> Fetch(HttpsConnection& connection, const std::string& path,
                                      absl::Duration timeout = absl::Seconds(3));

  // Runs the loop until done() (true) or `limit` passes (false).
  bool RunUntil(const std::function<bool()>& done, absl::Duration limit = absl::Seconds(5));
  void RunFor(absl::Duration duration);

  static Endpoint Loopback(uint16_t port);

 private:
  uv_loop_t loop_;
  std::optional<TempDir> dir_;
  std::optional<TestCa> ca_;
  std::optional<TestCa> unknown_ca_;
  std::optional<TestLeaf> relay_leaf_;
  std::vector<std::unique_ptr<TlsClientContext>> client_contexts_;
  std::vector<std::unique_ptr<TlsServerContext>> server_contexts_;
};

// An always-answering handler: 200, application/dns-message, the path as the body.
HttpsHandler EchoPathHandler();

}  // namespace rebound::testing

#endif  // REBOUND_TESTS_UNIT_TLS_HTTPS_TEST_FIXTURE_H_
