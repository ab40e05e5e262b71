// H2ServerSession without sockets: a client session of nghttp2's own writes the frames, the
// server session reads them. What is checked here is what a hostile client can do with streams
// (issue 15 item 5, "rapid reset", CVE-2023-44487).
#include "tls/h2_server_session.h"

#include <gtest/gtest.h>
#include <nghttp2/nghttp2.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/support/h2_test_client.h"

namespace rebound {
namespace {

using H2Client = testing::H2TestClient;

std::unique_ptr<H2ServerSession> Server() {
  absl::StatusOr<std::unique_ptr<H2ServerSession>> server = H2ServerSession::Create({});
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? *std::move(server) : nullptr;
}

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

// HEADERS and RST_STREAM in one read: the request never reaches the handler.
TEST(H2ServerSessionTest, ARequestResetInTheSameReadIsNeverHandedOut) {
  auto server = Server();
  H2Client client;
  const int32_t kept = client.Get("/dns-query?dns=kept");
  const int32_t reset = client.Get("/dns-query?dns=reset");
  std::string read = client.Output();  // nghttp2 drops a reset of a request it has not sent
  client.Reset(reset);
  read += client.Output();
  ASSERT_TRUE(server->Receive(read, kT0).ok());
  std::vector<H2ServerSession::Received> requests = server->TakeRequests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].stream_id, kept);
  EXPECT_EQ(server->awaiting_reply(), 1u);
  EXPECT_TRUE(server->TakeAbandoned().empty());
}

// A request reset after it was handed out is reported, so its lookup can stop.
TEST(H2ServerSessionTest, ARequestResetWhileBeingAnsweredIsReportedAbandoned) {
  auto server = Server();
  H2Client client;
  const int32_t stream = client.Get("/dns-query?dns=slow");
  ASSERT_TRUE(server->Receive(client.Output(), kT0).ok());
  ASSERT_EQ(server->TakeRequests().size(), 1u);
  EXPECT_TRUE(server->AwaitsReply(stream));
  client.Reset(stream);
  ASSERT_TRUE(server->Receive(client.Output(), kT0).ok());
  EXPECT_EQ(server->TakeAbandoned(), std::vector<int32_t>{stream});
  EXPECT_FALSE(server->AwaitsReply(stream));
  EXPECT_EQ(server->awaiting_reply(), 0u);
  EXPECT_FALSE(server->Respond(stream, HttpsReply{200, "text/plain", "late", 0}));
}

// 600 HEADERS+RST_STREAM pairs in one go: reading stops at the first reset past the burst,
// nothing of it is handed out, and the client is told ENHANCE_YOUR_CALM.
TEST(H2ServerSessionTest, RapidResetEndsTheConnectionWithEnhanceYourCalm) {
  auto server = Server();
  H2Client client;
  std::string pairs;
  for (int i = 0; i < 600; ++i) {
    const int32_t stream = client.Get("/dns-query?dns=flood");
    pairs += client.Output();  // HEADERS (nghttp2 drops a reset of a request it has not sent)
    client.Reset(stream);
    pairs += client.Output();  // RST_STREAM
  }
  const absl::Status status = server->Receive(pairs, kT0);
  EXPECT_TRUE(absl::IsResourceExhausted(status)) << status;
  EXPECT_TRUE(server->TakeRequests().empty());
  EXPECT_EQ(server->awaiting_reply(), 0u) << "requests never handed out still counted";
  std::string out;
  ASSERT_TRUE(server->TakeOutput(&out).ok());
  client.Read(out);
  EXPECT_EQ(client.goaway_code(), NGHTTP2_ENHANCE_YOUR_CALM);
}

// The same resets spread out at the refill rate are an ordinary (if odd) client.
TEST(H2ServerSessionTest, ResetsAtTheRefillRateAreAllowed) {
  auto server = Server();
  H2Client client;
  absl::Time now = kT0;
  for (int i = 0; i < 300; ++i) {
    const int32_t stream = client.Get("/dns-query?dns=paced");
    std::string read = client.Output();
    client.Reset(stream);
    read += client.Output();
    now += absl::Milliseconds(100);  // 10 a second: the default refill
    ASSERT_TRUE(server->Receive(read, now).ok()) << "reset " << i;
    server->TakeRequests();
  }
  EXPECT_EQ(client.goaway_code(), -1);
}

}  // namespace
}  // namespace rebound
