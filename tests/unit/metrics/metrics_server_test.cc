#include "resolver/metrics/metrics_server.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace rebound {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

Endpoint LoopbackAnyPort() {
  sockaddr_in v4{};
  v4.sin_family = AF_INET;
  v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return Endpoint::FromSockaddr(reinterpret_cast<sockaddr*>(&v4));
}

int Connect(const Endpoint& server) {
  const int fd = socket(server.family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd >= 0 && connect(fd, server.sockaddr_ptr(), server.sockaddr_len()) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

struct Received {
  std::string bytes;
  bool closed = false;  // the server closed (EOF or reset) before the timeout
};

// Everything the server sends on `fd` until it closes or `timeout` passes.
Received ReadAll(int fd, absl::Duration timeout) {
  Received received;
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    const int ms = static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
    if (poll(&p, 1, std::max(ms, 1)) <= 0) continue;
    char buffer[4096];
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) {
      received.closed = true;
      break;
    }
    received.bytes.append(buffer, static_cast<size_t>(n));
  }
  return received;
}

Received Exchange(const Endpoint& server, absl::string_view request,
                  absl::Duration timeout = absl::Seconds(3)) {
  const int fd = Connect(server);
  if (fd < 0) return {};
  if (!request.empty()) (void)!write(fd, request.data(), request.size());
  Received received = ReadAll(fd, timeout);
  close(fd);
  return received;
}

class MetricsServerTest : public ::testing::Test {
 protected:
  void StartServer(AccessControlList acl, MetricsServerOptions options = {}) {
    server_ = std::make_unique<MetricsServer>(
        std::vector<Endpoint>{LoopbackAnyPort()}, std::move(acl),
        [this] {
          ++reports_;
          StatsReport report;
          report.total.queries = 42;
          return report;
        },
        options);
    ASSERT_TRUE(server_->Listen().ok());
    server_->Start();
    ASSERT_EQ(server_->BoundAddresses().size(), 1u);
    address_ = server_->BoundAddresses()[0];
  }

  std::atomic<int> reports_ = 0;
  std::unique_ptr<MetricsServer> server_;
  Endpoint address_;
};

TEST_F(MetricsServerTest, ServesThePageFromTheReportFunctionAndCloses) {
  StartServer(AccessControlList{});  // the defaults allow loopback
  const Received got = Exchange(address_, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(got.closed);
  EXPECT_THAT(got.bytes, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_THAT(got.bytes, HasSubstr("\nrebound_queries_total 42\n"));
  EXPECT_EQ(reports_, 1);
  EXPECT_THAT(Exchange(address_, "DELETE /metrics HTTP/1.1\r\n\r\n").bytes,
              StartsWith("HTTP/1.1 405 "));
  EXPECT_THAT(Exchange(address_, "GET /x HTTP/1.1\r\n\r\n").bytes, StartsWith("HTTP/1.1 404 "));
  EXPECT_THAT(Exchange(address_, "hello\r\n\r\n").bytes, StartsWith("HTTP/1.1 400 "));
}

TEST_F(MetricsServerTest, ARequestSentByteByByteIsServed) {
  StartServer(AccessControlList{});
  const int fd = Connect(address_);
  ASSERT_GE(fd, 0);
  for (char c : std::string("GET /metrics HTTP/1.1\r\n\r\n")) {
    ASSERT_EQ(write(fd, &c, 1), 1);
    absl::SleepFor(absl::Milliseconds(1));
  }
  EXPECT_THAT(ReadAll(fd, absl::Seconds(3)).bytes, StartsWith("HTTP/1.1 200 OK\r\n"));
  close(fd);
}

TEST_F(MetricsServerTest, ClientsAccessControlRefusesOrDeniesAreClosedWithoutAWord) {
  for (absl::string_view action : {"refuse", "deny"}) {
    AccessControlList acl;
    ASSERT_TRUE(acl.Add("127.0.0.0/8", *ParseAccessAction(action)).ok());
    StartServer(std::move(acl));
    const Received got = Exchange(address_, "GET /metrics HTTP/1.1\r\n\r\n");
    EXPECT_TRUE(got.closed) << action;
    EXPECT_EQ(got.bytes, "") << action;
    EXPECT_EQ(reports_, 0) << action;
  }
}

TEST_F(MetricsServerTest, NewAccessControlRulesApplyToTheNextConnection) {
  StartServer(AccessControlList{});
  AccessControlList refuse;
  ASSERT_TRUE(refuse.Add("127.0.0.1", AccessAction::kRefuse).ok());
  server_->SetAccessControl(std::move(refuse));
  EXPECT_EQ(Exchange(address_, "GET /metrics HTTP/1.1\r\n\r\n").bytes, "");
}

TEST_F(MetricsServerTest, AClientThatSendsNothingIsClosedAtTheDeadline) {
  StartServer(AccessControlList{}, {.deadline = absl::Milliseconds(200)});
  const absl::Time start = absl::Now();
  const Received got = Exchange(address_, "GET /metrics HTTP/1.1\r\n", absl::Seconds(5));
  EXPECT_TRUE(got.closed);
  EXPECT_EQ(got.bytes, "");
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
}

TEST_F(MetricsServerTest, AnOversizedHeadIs431) {
  StartServer(AccessControlList{}, {.max_request_bytes = 512});
  const std::string big = "GET /metrics HTTP/1.1\r\nX: " + std::string(4000, 'a') + "\r\n\r\n";
  const Received got = Exchange(address_, big);
  EXPECT_THAT(got.bytes, StartsWith("HTTP/1.1 431 "));
  EXPECT_EQ(reports_, 0);
}

TEST_F(MetricsServerTest, ConnectionsBeyondTheLimitAreClosedAtOnce) {
  StartServer(AccessControlList{}, {.max_connections = 2});
  const int first = Connect(address_);
  const int second = Connect(address_);
  ASSERT_GE(first, 0);
  ASSERT_GE(second, 0);
  absl::SleepFor(absl::Milliseconds(100));  // both accepted
  const Received third = Exchange(address_, "GET /metrics HTTP/1.1\r\n\r\n", absl::Seconds(2));
  EXPECT_TRUE(third.closed);
  EXPECT_EQ(third.bytes, "");
  close(first);
  close(second);
  absl::SleepFor(absl::Milliseconds(100));  // their slots free again
  EXPECT_THAT(Exchange(address_, "GET /metrics HTTP/1.1\r\n\r\n").bytes,
              StartsWith("HTTP/1.1 200 OK\r\n"));
}

TEST_F(MetricsServerTest, AnAddressInUseIsAnErrorNamingIt) {
  StartServer(AccessControlList{});
  MetricsServer second({address_}, AccessControlList{}, [] { return StatsReport{}; });
  const absl::Status listened = second.Listen();
  EXPECT_FALSE(listened.ok());
  EXPECT_THAT(std::string(listened.message()),
              HasSubstr(absl::StrCat("metrics-interface: cannot listen on ", address_.ToString())));
}

TEST_F(MetricsServerTest, StopsWithAConnectionOpen) {
  StartServer(AccessControlList{});
  const int fd = Connect(address_);
  ASSERT_GE(fd, 0);
  absl::SleepFor(absl::Milliseconds(50));
  server_->Stop();
  EXPECT_TRUE(ReadAll(fd, absl::Seconds(2)).closed);
  close(fd);
}

}  // namespace
}  // namespace rebound
