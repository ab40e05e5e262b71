#include "tests/unit/tls/https_test_fixture.h"

#include <signal.h>

#include <utility>

#include "tests/common/skip_or_fail.h"

namespace rebound::testing {

void HttpsTest::SetUp() {
  // A write to a connection the peer has reset raises SIGPIPE (libuv writes with write(2)); the
  // daemon must ignore it, and so must the tests.
  signal(SIGPIPE, SIG_IGN);
  ASSERT_EQ(uv_loop_init(&loop_), 0);
  REBOUND_SKIP_OR_FAIL_UNLESS_OK(CheckOpenSslCli());
  absl::StatusOr<TempDir> dir = TempDir::Create("rebound-tls-test-");
  ASSERT_TRUE(dir.ok()) << dir.status();
  dir_.emplace(*std::move(dir));
}

void HttpsTest::TearDown() {
  // Everything the test made is gone by now; its handles close within a few iterations. A
  // handle still open afterwards is a leak in the code under test.
  for (int i = 0; i < 100 && uv_loop_alive(&loop_); ++i) uv_run(&loop_, UV_RUN_NOWAIT);
  std::vector<std::string> leaked;
  uv_walk(
      &loop_,
      [](uv_handle_t* handle, void* arg) {
        static_cast<std::vector<std::string>*>(arg)->push_back(uv_handle_type_name(handle->type));
        if (!uv_is_closing(handle)) uv_close(handle, nullptr);
      },
      &leaked);
  EXPECT_TRUE(leaked.empty()) << "libuv handles left open: " << leaked.size() << ", first a "
                              << (leaked.empty() ? "" : leaked.front());
  uv_run(&loop_, UV_RUN_NOWAIT);
  EXPECT_EQ(uv_loop_close(&loop_), 0);
}

const TestCa& HttpsTest::Ca() {
  if (!ca_) {
    absl::StatusOr<TestCa> ca = TestCa::Create(dir(), "ca");
    EXPECT_TRUE(ca.ok()) << ca.status();
    if (ca.ok()) ca_.emplace(*std::move(ca));
  }
  return ca_.value();  // throws (a test failure) when openssl failed
}

const TestCa& HttpsTest::UnknownCa() {
  if (!unknown_ca_) {
    absl::StatusOr<TestCa> ca = TestCa::Create(dir(), "unknown-ca");
    EXPECT_TRUE(ca.ok()) << ca.status();
    if (ca.ok()) unknown_ca_.emplace(*std::move(ca));
  }
  return unknown_ca_.value();
}

TestLeaf HttpsTest::IssueLeaf(TestCa& ca, const std::string& dns_name,
                              const std::vector<std::string>& ips) {
  absl::StatusOr<TestLeaf> leaf = ca.IssueLeaf(dns_name, ips);
  EXPECT_TRUE(leaf.ok()) << leaf.status();
  return leaf.ok() ? *leaf : TestLeaf{};
}

const TestLeaf& HttpsTest::RelayLeaf() {
  if (!relay_leaf_) {
    relay_leaf_ = IssueLeaf(const_cast<TestCa&>(Ca()), "relay.test", {"127.0.0.1", "::1"});
  }
  return *relay_leaf_;
}

const TlsClientContext* HttpsTest::ClientContext() {
  absl::StatusOr<std::unique_ptr<TlsClientContext>> context =
      TlsClientContext::Create(Ca().cert_file());
  EXPECT_TRUE(context.ok()) << context.status();
  if (!context.ok()) return nullptr;
  client_contexts_.push_back(*std::move(context));
  return client_contexts_.back().get();
}

const TlsServerContext* HttpsTest::ServerContext(const TestLeaf& leaf) {
  absl::StatusOr<std::unique_ptr<TlsServerContext>> context =
      TlsServerContext::Create(leaf.key_file, leaf.cert_file);
  EXPECT_TRUE(context.ok()) << context.status();
  if (!context.ok()) return nullptr;
  server_contexts_.push_back(*std::move(context));
  return server_contexts_.back().get();
}

std::unique_ptr<HttpsServer> HttpsTest::StartServer(const TestLeaf& leaf, HttpsHandler handler,
                                                    HttpsServerOptions options) {
  const TlsServerContext* context = ServerContext(leaf);
  if (context == nullptr) return nullptr;
  auto server = std::make_unique<HttpsServer>(&loop_, context, options, std::move(handler));
  const absl::Status listening = server->Listen(Loopback(0), /*reuse_port=*/false);
  EXPECT_TRUE(listening.ok()) << listening;
  if (!listening.ok()) return nullptr;
  return server;
}

std::unique_ptr<HttpsConnection> HttpsTest::ConnectTo(const HttpsServer& server,
                                                      const std::string& tls_name) {
  return std::make_unique<HttpsConnection>(&loop_, ClientContext(),
                                           server.local_addresses().front(), tls_name);
}

absl::StatusOr<HttpsResponse> HttpsTest::Fetch(HttpsConnection& connection, const std::string& path,
                                               absl::Duration timeout) {
  std::optional<absl::StatusOr<HttpsResponse>> result;
  connection.Get(path, "application/dns-message", timeout,
                 [&result](absl::StatusOr<HttpsResponse> r) { result = std::move(r); });
  if (!RunUntil([&] { return result.has_value(); }, timeout + absl::Seconds(2))) {
    return absl::InternalError("the callback never ran");
  }
  return *std::move(result);
}

bool HttpsTest::RunUntil(const std::function<bool()>& done, absl::Duration limit) {
  // A ticking timer makes UV_RUN_ONCE return regularly, so `done` is checked even when nothing
  // else happens.
  uv_timer_t tick;
  uv_timer_init(&loop_, &tick);
  uv_timer_start(
      &tick, [](uv_timer_t*) {}, 2, 2);
  const absl::Time deadline = absl::Now() + limit;
  bool satisfied = false;
  while (!(satisfied = done()) && absl::Now() < deadline) uv_run(&loop_, UV_RUN_ONCE);
  uv_close(reinterpret_cast<uv_handle_t*>(&tick), nullptr);
  uv_run(&loop_, UV_RUN_NOWAIT);  // completes the close before `tick` leaves scope
  return satisfied;
}

void HttpsTest::RunFor(absl::Duration duration) {
  const absl::Time end = absl::Now() + duration;
  RunUntil([end] { return absl::Now() >= end; }, duration + absl::Seconds(1));
}

Endpoint HttpsTest::Loopback(uint16_t port) { return *Endpoint::Parse("127.0.0.1", port); }

HttpsHandler EchoPathHandler() {
  return [](const HttpsRequest& request, HttpsResponder respond) {
    respond(HttpsReply{200, "application/dns-message", request.path, 0});
  };
}

}  // namespace rebound::testing
