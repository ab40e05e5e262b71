// HttpsConnection against HttpsServer on one loop over loopback: what a request carries each way,
// many streams on one connection, answers that come later, reconnecting, cancelling.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/unit/tls/https_test_fixture.h"
#include "tls/loop_timer.h"

namespace rebound::testing {
namespace {

using ::testing::HasSubstr;

using RoundTripTest = HttpsTest;

TEST_F(RoundTripTest, GetCarriesPathAndReturnsStatusTypeAndBody) {
  std::vector<HttpsRequest> seen;
  auto server = StartServer(RelayLeaf(), [&seen](const HttpsRequest& request,
                                                 HttpsResponder respond) {
    seen.push_back(request);
    respond(HttpsReply{203, "application/dns-message", std::string("\x00\x01wire\xff", 7), 300});
  });
  ASSERT_NE(server, nullptr);
  auto client = ConnectTo(*server);

  absl::StatusOr<HttpsResponse> response = Fetch(*client, "/dns-query?dns=AAABAAAB");
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 203);
  EXPECT_EQ(response->content_type, "application/dns-message");
  EXPECT_EQ(response->body, std::string("\x00\x01wire\xff", 7));
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].path, "/dns-query?dns=AAABAAAB");
  EXPECT_EQ(seen[0].body, "");
  EXPECT_TRUE(seen[0].peer.IsLoopback()) << seen[0].peer.ToString();
  EXPECT_TRUE(client->connected());
}

TEST_F(RoundTripTest, PostCarriesBodyAndContentType) {
  std::vector<HttpsRequest> seen;
  auto server =
      StartServer(RelayLeaf(), [&seen](const HttpsRequest& request, HttpsResponder respond) {
        seen.push_back(request);
        respond(HttpsReply{200, "application/x-reversed",
                           std::string(request.body.rbegin(), request.body.rend()), 0});
      });
  ASSERT_NE(server, nullptr);
  auto client = ConnectTo(*server);

  std::string body;
  for (int i = 0; i < 3000; ++i) body.push_back(static_cast<char>(i % 251));  // NULs included
  std::optional<absl::StatusOr<HttpsResponse>> result;
  client->Post("/dns-query", "application/dns-message", body, absl::Seconds(3),
               [&](absl::StatusOr<HttpsResponse> r) { result = std::move(r); });
  ASSERT_TRUE(RunUntil([&] { return result.has_value(); }));
  ASSERT_TRUE(result->ok()) << result->status();
  EXPECT_EQ((*result)->status, 200);
  EXPECT_EQ((*result)->content_type, "application/x-reversed");
  EXPECT_EQ((*result)->body, std::string(body.rbegin(), body.rend()));
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].path, "/dns-query");
  EXPECT_EQ(seen[0].content_type, "application/dns-message");
  EXPECT_EQ(seen[0].body, body);
}

TEST_F(RoundTripTest, TwentyConcurrentRequestsShareOneConnection) {
  std::set<std::string> peers;
  auto server =
      StartServer(RelayLeaf(), [&peers](const HttpsRequest& request, HttpsResponder respond) {
        peers.insert(request.peer.ToString());
        respond(HttpsReply{200, "text/plain", request.path, 0});
      });
  ASSERT_NE(server, nullptr);
  auto client = ConnectTo(*server);

  std::map<int, absl::StatusOr<HttpsResponse>> results;
  for (int i = 0; i < 20; ++i) {
    client->Get(
        absl::StrCat("/q/", i), "text/plain", absl::Seconds(3),
        [&results, i](absl::StatusOr<HttpsResponse> r) { results.emplace(i, std::move(r)); });
  }
  ASSERT_TRUE(RunUntil([&] { return results.size() == 20; }));
  for (const auto& [i, result] : results) {
    ASSERT_TRUE(result.ok()) << i << ": " << result.status();
    EXPECT_EQ(result->body, absl::StrCat("/q/", i));
  }
  EXPECT_EQ(client->connections_opened(), 1u);
  EXPECT_EQ(peers.size(), 1u);  // one source address and port: one TCP connection
  EXPECT_EQ(server->connections(), 1u);
}

TEST_F(RoundTripTest, HandlerMayAnswerLater) {
  std::vector<HttpsResponder> pending;
  auto server = StartServer(RelayLeaf(), [&pending](const HttpsRequest&, HttpsResponder respond) {
    pending.push_back(std::move(respond));
  });
  ASSERT_NE(server, nullptr);
  auto client = ConnectTo(*server);
  LoopTimer later(loop(), [&pending] {
    for (HttpsResponder& respond : pending) respond(HttpsReply{200, "text/plain", "late", 0});
    pending.clear();
  });

  std::optional<absl::StatusOr<HttpsResponse>> result;
  const absl::Time start = absl::Now();
  client->Get("/slow", "", absl::Seconds(3),
              [&](absl::StatusOr<HttpsResponse> r) { result = std::move(r); });
  ASSERT_TRUE(RunUntil([&] { return pending.size() == 1; }));
  later.Start(absl::Milliseconds(80));
  ASSERT_TRUE(RunUntil([&] { return result.has_value(); }));
  ASSERT_TRUE(result->ok()) << result->status();
  EXPECT_EQ((*result)->body, "late");
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(80));
}

TEST_F(RoundTripTest, ResponderAfterTheServerIsGoneDoesNothing) {
  std::vector<HttpsResponder> pending;
  auto server = StartServer(RelayLeaf(), [&pending](const HttpsRequest&, HttpsResponder respond) {
    pending.push_back(std::move(respond));
  });
  ASSERT_NE(server, nullptr);
  auto client = ConnectTo(*server);
  std::optional<absl::StatusOr<HttpsResponse>> result;
  client->Get("/x", "", absl::Seconds(3),
              [&](absl::StatusOr<HttpsResponse> r) { result = std::move(r); });
  ASSERT_TRUE(RunUntil([&] { return pending.size() == 1; }));
  server.reset();
  pending[0](HttpsReply{200, "text/plain", "nobody listens", 0});  // must be a no-op
  ASSERT_TRUE(RunUntil([&] { return result.has_value(); }));
  EXPECT_EQ(result->status().code(), absl::StatusCode::kUnavailable) << result->status();
}

TEST_F(RoundTripTest, NextRequestReconnectsAfterTheServerRestarted) {
  auto server = StartServer(RelayLeaf(), EchoPathHandler());
  ASSERT_NE(server, nullptr);
  const Endpoint address = server->local_addresses().front();
  auto client = ConnectTo(*server);
  ASSERT_TRUE(Fetch(*client, "/one").ok());

  server.reset();  // closes the connection under the client's feet
  ASSERT_TRUE(RunUntil([&] { return !client->connected(); }));
  server = std::make_unique<HttpsServer>(loop(), ServerContext(RelayLeaf()), HttpsServerOptions{},
                                         EchoPathHandler());
  ASSERT_TRUE(server->Listen(address, false).ok());

  absl::StatusOr<HttpsResponse> again = Fetch(*client, "/two");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->body, "/two");
  EXPECT_EQ(client->connections_opened(), 2u);
}

// The client has not yet seen the close when it sends: the GET goes out on the dead connection
// and is sent once more on a new one; a POST, which may not be repeated blindly, fails.
TEST_F(RoundTripTest, GetRacingAServerCloseIsRetriedOnANewConnection) {
  auto server = StartServer(RelayLeaf(), EchoPathHandler());
  ASSERT_NE(server, nullptr);
  const Endpoint address = server->local_addresses().front();
  auto client = ConnectTo(*server);
  ASSERT_TRUE(Fetch(*client, "/one").ok());

  server = std::make_unique<HttpsServer>(loop(), ServerContext(RelayLeaf()), HttpsServerOptions{},
                                         EchoPathHandler());  // the old one closes its sockets
  ASSERT_TRUE(server->Listen(address, false).ok());
  ASSERT_TRUE(client->connected());  // not noticed yet
  std::optional<absl::StatusOr<HttpsResponse>> get;
  std::optional<absl::StatusOr<HttpsResponse>> post;
  client->Get("/two", "", absl::Seconds(3),
              [&](absl::StatusOr<HttpsResponse> r) { get = std::move(r); });
  client->Post("/three", "text/plain", "x", absl::Seconds(3),
               [&](absl::StatusOr<HttpsResponse> r) { post = std::move(r); });
  ASSERT_TRUE(RunUntil([&] { return get.has_value() && post.has_value(); }));
  ASSERT_TRUE(get->ok()) << get->status();
  EXPECT_EQ((*get)->body, "/two");
  EXPECT_EQ(post->status().code(), absl::StatusCode::kUnavailable) << post->status();
  EXPECT_EQ(client->connections_opened(), 2u);
}

TEST_F(RoundTripTest, IdleTimeoutSendsGoawayAndTheClientReconnects) {
  HttpsServerOptions options;
  options.idle_timeout = absl::Milliseconds(100);
  auto server = StartServer(RelayLeaf(), EchoPathHandler(), options);
  ASSERT_NE(server, nullptr);
  auto client = ConnectTo(*server);
  ASSERT_TRUE(Fetch(*client, "/one").ok());
  EXPECT_TRUE(client->connected());

  ASSERT_TRUE(RunUntil([&] { return !client->connected(); }, absl::Seconds(2)));
  EXPECT_EQ(server->connections(), 0u);
  absl::StatusOr<HttpsResponse> again = Fetch(*client, "/two");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(client->connections_opened(), 2u);
}

TEST_F(RoundTripTest, CancelledRequestNeverCallsBackAndTheConnectionStays) {
  std::map<std::string, HttpsResponder> pending;
  auto server =
      StartServer(RelayLeaf(), [&pending](const HttpsRequest& request, HttpsResponder respond) {
        pending.emplace(request.path, std::move(respond));
      });
  ASSERT_NE(server, nullptr);
  auto client = ConnectTo(*server);

  bool cancelled_called = false;
  std::optional<absl::StatusOr<HttpsResponse>> kept;
  const uint64_t cancelled =
      client->Get("/cancelled", "", absl::Seconds(3),
                  [&](absl::StatusOr<HttpsResponse>) { cancelled_called = true; });
  client->Get("/kept", "", absl::Seconds(3),
              [&](absl::StatusOr<HttpsResponse> r) { kept = std::move(r); });
  ASSERT_TRUE(RunUntil([&] { return pending.size() == 2; }));
  client->Cancel(cancelled);
  for (auto& [path, respond] : pending) respond(HttpsReply{200, "text/plain", path, 0});
  ASSERT_TRUE(RunUntil([&] { return kept.has_value(); }));
  ASSERT_TRUE(kept->ok()) << kept->status();
  EXPECT_EQ((*kept)->body, "/kept");

  // Cancelled before the connection is even up: nothing either.
  bool early_called = false;
  auto fresh = ConnectTo(*server);
  fresh->Cancel(fresh->Get("/early", "", absl::Seconds(1),
                           [&](absl::StatusOr<HttpsResponse>) { early_called = true; }));
  RunFor(absl::Milliseconds(100));
  EXPECT_FALSE(cancelled_called);
  EXPECT_FALSE(early_called);

  // The first connection still serves.
  pending.clear();
  std::optional<absl::StatusOr<HttpsResponse>> after;
  client->Get("/after", "", absl::Seconds(3),
              [&](absl::StatusOr<HttpsResponse> r) { after = std::move(r); });
  ASSERT_TRUE(RunUntil([&] { return pending.count("/after") == 1; }));
  pending.at("/after")(HttpsReply{200, "text/plain", "ok", 0});
  ASSERT_TRUE(RunUntil([&] { return after.has_value(); }));
  EXPECT_TRUE(after->ok()) << after->status();
  EXPECT_EQ(client->connections_opened(), 1u);
}

TEST_F(RoundTripTest, OversizedResponseBodyIsAnErrorAndTheConnectionStays) {
  auto server = StartServer(RelayLeaf(), [](const HttpsRequest& request, HttpsResponder respond) {
    const size_t size = request.path == "/big" ? HttpsConnection::kMaxResponseBody + 1
                                               : HttpsConnection::kMaxResponseBody;
    respond(HttpsReply{200, "application/octet-stream", std::string(size, 'x'), 0});
  });
  ASSERT_NE(server, nullptr);
  auto client = ConnectTo(*server);

  absl::StatusOr<HttpsResponse> big = Fetch(*client, "/big");
  EXPECT_EQ(big.status().code(), absl::StatusCode::kResourceExhausted) << big.status();
  absl::StatusOr<HttpsResponse> limit = Fetch(*client, "/limit");
  ASSERT_TRUE(limit.ok()) << limit.status();
  EXPECT_EQ(limit->body.size(), HttpsConnection::kMaxResponseBody);
  EXPECT_EQ(client->connections_opened(), 1u);
}

TEST_F(RoundTripTest, OversizedRequestBodyGets413WithoutReachingTheHandler) {
  int handled = 0;
  HttpsServerOptions options;
  options.max_request_body = 1000;
  auto server = StartServer(
      RelayLeaf(),
      [&handled](const HttpsRequest& request, HttpsResponder respond) {
        ++handled;
        respond(HttpsReply{200, "text/plain", std::to_string(request.body.size()), 0});
      },
      options);
  ASSERT_NE(server, nullptr);
  auto client = ConnectTo(*server);

  std::map<size_t, absl::StatusOr<HttpsResponse>> results;
  for (size_t size : {size_t{1000}, size_t{1001}, size_t{70000}}) {
    client->Post(
        "/dns-query", "application/dns-message", std::string(size, 'b'), absl::Seconds(3),
        [&results, size](absl::StatusOr<HttpsResponse> r) { results.emplace(size, std::move(r)); });
  }
  ASSERT_TRUE(RunUntil([&] { return results.size() == 3; }));
  ASSERT_TRUE(results.at(1000).ok()) << results.at(1000).status();
  EXPECT_EQ(results.at(1000)->status, 200);
  EXPECT_EQ(results.at(1000)->body, "1000");
  for (size_t size : {size_t{1001}, size_t{70000}}) {
    ASSERT_TRUE(results.at(size).ok()) << size << ": " << results.at(size).status();
    EXPECT_EQ(results.at(size)->status, 413) << size;
  }
  EXPECT_EQ(handled, 1);
  EXPECT_TRUE(Fetch(*client, "/still-up").ok());
  EXPECT_EQ(client->connections_opened(), 1u);
}

TEST_F(RoundTripTest, DestroyingTheClientAbandonsItsRequests) {
  std::vector<HttpsResponder> pending;
  auto server = StartServer(RelayLeaf(), [&pending](const HttpsRequest&, HttpsResponder respond) {
    pending.push_back(std::move(respond));
  });
  ASSERT_NE(server, nullptr);
  auto client = ConnectTo(*server);
  int called = 0;
  client->Get("/a", "", absl::Seconds(3), [&](absl::StatusOr<HttpsResponse>) { ++called; });
  client->Get("/b", "", absl::Seconds(3), [&](absl::StatusOr<HttpsResponse>) { ++called; });
  ASSERT_TRUE(RunUntil([&] { return pending.size() == 2; }));
  client.reset();
  for (HttpsResponder& respond : pending) respond(HttpsReply{200, "text/plain", "late", 0});
  RunUntil([&] { return server->connections() == 0; }, absl::Seconds(1));
  EXPECT_EQ(called, 0);
  EXPECT_EQ(server->connections(), 0u);
}

TEST_F(RoundTripTest, ACallbackMayDestroyTheClient) {
  auto server = StartServer(RelayLeaf(), EchoPathHandler());
  ASSERT_NE(server, nullptr);
  auto client = ConnectTo(*server);
  int called = 0;
  client->Get("/a", "", absl::Seconds(3), [&](absl::StatusOr<HttpsResponse>) {
    ++called;
    client.reset();
  });
  client->Get("/b", "", absl::Seconds(3), [&](absl::StatusOr<HttpsResponse>) {
    ++called;
    client.reset();
  });
  ASSERT_TRUE(RunUntil([&] { return client == nullptr; }));
  RunFor(absl::Milliseconds(50));
  EXPECT_EQ(called, 1);  // the other request was abandoned with the client
}

TEST_F(RoundTripTest, CallbacksNeverRunInsideGet) {
  auto server = StartServer(RelayLeaf(), EchoPathHandler());
  ASSERT_NE(server, nullptr);
  // An unusable name fails at once, but still from the loop.
  HttpsConnection broken(loop(), ClientContext(), server->local_addresses().front(), "");
  bool inside_get = false;
  std::optional<absl::StatusOr<HttpsResponse>> result;
  inside_get = true;
  broken.Get("/", "", absl::Seconds(1), [&](absl::StatusOr<HttpsResponse> r) {
    EXPECT_FALSE(inside_get);
    result = std::move(r);
  });
  inside_get = false;
  EXPECT_FALSE(result.has_value());
  ASSERT_TRUE(RunUntil([&] { return result.has_value(); }));
  EXPECT_EQ(result->status().code(), absl::StatusCode::kInvalidArgument) << result->status();
}

}  // namespace
}  // namespace rebound::testing
