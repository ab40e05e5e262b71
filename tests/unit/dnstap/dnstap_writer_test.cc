#include "resolver/dnstap/dnstap_writer.h"

#include <memory>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace rebound {
namespace {

DnstapConfig AllMessagesTo(const std::string& path) {
  return DnstapConfig{.enable = true,
                      .socket_path = path,
                      .send_identity = true,
                      .send_version = true,
                      .log_resolver_query = true,
                      .log_resolver_response = true,
                      .log_client_query = true,
                      .log_client_response = true,
                      .log_forwarder_query = true,
                      .log_forwarder_response = true};
}

TEST(DnstapWriterTest, OneSinkPerWorker) {
  absl::StatusOr<std::unique_ptr<DnstapWriter>> writer =
      DnstapWriter::Start(AllMessagesTo("/nonexistent/dnstap.sock"), "rebound test", 3);
  ASSERT_TRUE(writer.ok()) << writer.status();
  EXPECT_NE((*writer)->ForWorker(0), nullptr);
  EXPECT_NE((*writer)->ForWorker(2), nullptr);
  EXPECT_NE((*writer)->ForWorker(0), (*writer)->ForWorker(1));
  EXPECT_EQ((*writer)->ForWorker(3), nullptr);
}

// No collector: logging must neither fail nor wait. Far more messages than a queue holds are
// submitted; each call returns at once, and the writer stops promptly.
TEST(DnstapWriterTest, NoCollectorNeverBlocks) {
  absl::StatusOr<std::unique_ptr<DnstapWriter>> writer =
      DnstapWriter::Start(AllMessagesTo("/nonexistent/dnstap.sock"), "rebound test", 1);
  ASSERT_TRUE(writer.ok()) << writer.status();
  DnstapSink* sink = (*writer)->ForWorker(0);
  const std::vector<uint8_t> query(40, 0x55);
  absl::StatusOr<Endpoint> client = Endpoint::Parse("127.0.0.1@5000", 53);
  ASSERT_TRUE(client.ok());
  const absl::Time start = absl::Now();
  for (int i = 0; i < 100000; ++i) {
    sink->ClientQuery(query, *client, Endpoint(), DnstapProtocol::kUdp, absl::Now());
  }
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
  const absl::Time stop = absl::Now();
  writer->reset();
  EXPECT_LT(absl::Now() - stop, absl::Seconds(5));
}

}  // namespace
}  // namespace rebound
