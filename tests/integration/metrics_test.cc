// The Prometheus listener (issue 17): metrics-interface on 127.0.0.1 and ::1 serves /metrics
// (GET and HEAD) in the text format promtool accepts, with figures that count the questions
// asked over the NSD hierarchy; 404, 405 and 400 for the rest; nothing at all for a client that
// access-control refuses or denies; and it goes on serving, under the new rules, after SIGHUP.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "tests/integration/fixture/bound_socket.h"
#include "tests/integration/fixture/dns_client.h"
#include "tests/integration/fixture/hierarchy_names.h"
#include "tests/integration/fixture/hierarchy_test_base.h"
#include "tests/integration/fixture/rebound_process.h"
#include "tests/integration/fixture/subprocess.h"

namespace rebound::integration {
namespace {

namespace n = names;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kListen[] = "127.0.0.17";
constexpr uint16_t kMetricsPort = 9167;
// Clients the config names: one refused, one denied (127/8 is allowed by the base config).
constexpr char kRefusedClient[] = "127.0.66.1";
constexpr char kDeniedClient[] = "127.0.77.1";
// Not in the hierarchy: alpha.test. says NXDOMAIN.
constexpr char kMissingName[] = "no-such-name.alpha.test.";

Endpoint MetricsV4() { return EndpointAt("127.0.0.1", kMetricsPort); }
Endpoint MetricsV6() { return EndpointAt("::1", kMetricsPort); }

struct HttpReply {
  bool connected = false;
  bool closed = false;  // the server closed the connection before our timeout
  std::string raw;      // every byte the server sent
  std::string head;     // up to the blank line
  std::string body;
};

// Sends `request` over a fresh TCP connection (from `source` when given) and reads until the
// server closes: a small HTTP client of our own, so the source address is ours to choose.
HttpReply HttpExchange(const Endpoint& server, absl::string_view request,
                       std::optional<Endpoint> source = std::nullopt) {
  HttpReply reply;
  const int fd = socket(server.family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return reply;
  if (source.has_value()) {
    source->set_port(0);
    (void)!bind(fd, source->sockaddr_ptr(), source->sockaddr_len());
  }
  reply.connected = connect(fd, server.sockaddr_ptr(), server.sockaddr_len()) == 0;
  if (reply.connected) {
    (void)!write(fd, request.data(), request.size());
    const absl::Time deadline = absl::Now() + absl::Seconds(5);
    while (absl::Now() < deadline) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      char buffer[8192];
      const ssize_t got = read(fd, buffer, sizeof buffer);
      if (got <= 0) {
        reply.closed = true;
        break;
      }
      reply.raw.append(buffer, static_cast<size_t>(got));
    }
  }
  close(fd);
  const size_t end = reply.raw.find("\r\n\r\n");
  if (end != std::string::npos) {
    reply.head = reply.raw.substr(0, end + 2);
    reply.body = reply.raw.substr(end + 4);
  }
  return reply;
}

HttpReply Get(const Endpoint& server, absl::string_view path = "/metrics") {
  return HttpExchange(server, absl::StrCat("GET ", path, " HTTP/1.1\r\nHost: rebound\r\n\r\n"));
}

// The value of the sample `series` (name with its labels, as printed), -1 when it is missing.
double SampleValue(const std::string& page, absl::string_view series) {
  for (absl::string_view line : absl::StrSplit(page, '\n')) {
    if (!absl::ConsumePrefix(&line, series) || !absl::ConsumePrefix(&line, " ")) continue;
    double value = 0;
    return absl::SimpleAtod(line, &value) ? value : -1;
  }
  return -1;
}

// Whether process `pid` has a handler for `signo` (SigCgt in /proc/PID/status, proc(5)).
bool Catches(pid_t pid, int signo) {
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  for (std::string line; std::getline(status, line);) {
    absl::string_view rest = line;
    uint64_t mask = 0;
    if (absl::ConsumePrefix(&rest, "SigCgt:\t") && absl::SimpleHexAtoi(rest, &mask)) {
      return (mask >> (signo - 1)) & 1;
    }
  }
  return false;
}

class MetricsTest : public HierarchyTestBase {
 public:
  static void SetUpTestSuite() { StartSharedHierarchy({"bash", "nsd", "promtool"}, false); }

 protected:
  static std::string Config(absl::string_view extra = "") {
    return absl::StrCat(RecursiveServerConfig(hierarchy(), kListen),
                        "  metrics-interface: ", MetricsV4().ToString(),
                        "\n  metrics-interface: ", MetricsV6().ToString(),
                        "\n  access-control: ", kRefusedClient,
                        "/32 refuse\n  access-control: ", kDeniedClient, "/32 deny\n", extra);
  }

  void SetUp() override {
    HierarchyTestBase::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    absl::StatusOr<std::unique_ptr<Subprocess>> started =
        StartRebound(REBOUND_BINARY, hierarchy(), "metrics", Config(), EndpointAt(kListen));
    ASSERT_TRUE(started.ok()) << started.status();
    rebound_ = *std::move(started);
  }

  // `page` checked by Prometheus' own checker (format and lint).
  absl::Status Promtool(const std::string& page) {
    const std::string path = absl::StrCat(hierarchy().dir(), "/metrics-page.txt");
    std::ofstream(path) << page;
    return RunToCompletion({"sh", "-c", "exec promtool check metrics < \"$0\"", path},
                           absl::StrCat(hierarchy().dir(), "/promtool.log"), absl::Seconds(20));
  }

  // Asks `name`/`type` of rebound and expects `rcode`.
  void Ask(absl::string_view name, ldns_rr_type type, ldns_pkt_rcode rcode) {
    absl::StatusOr<LdnsPktPtr> reply = Query(EndpointAt(kListen), name, type);
    ASSERT_TRUE(reply.ok()) << name << ": " << reply.status();
    ASSERT_EQ(ldns_pkt_get_rcode(reply->get()), rcode) << name;
  }

  std::unique_ptr<Subprocess> rebound_;
};

TEST_F(MetricsTest, ServesThePageOnIpv4AndIpv6InAFormatPromtoolAccepts) {
  for (const Endpoint& server : {MetricsV4(), MetricsV6()}) {
    const HttpReply reply = Get(server);
    ASSERT_TRUE(reply.connected) << server.ToString();
    EXPECT_TRUE(reply.closed) << "Connection: close, and closed";
    EXPECT_THAT(reply.head, StartsWith("HTTP/1.1 200 OK\r\n"));
    EXPECT_THAT(reply.head, HasSubstr("\r\nContent-Type: text/plain; version=0.0.4"));
    EXPECT_THAT(reply.head, HasSubstr(absl::StrCat("\r\nContent-Length: ", reply.body.size())));
    EXPECT_THAT(reply.body, HasSubstr("\n# TYPE rebound_resolution_duration_seconds histogram\n"));
    EXPECT_EQ(SampleValue(reply.body, "rebound_bootstrap_mode"), 0);  // bootstrap: no
    EXPECT_GT(SampleValue(reply.body, "rebound_process_start_time_seconds"), 1.7e9);
    absl::Status checked = Promtool(reply.body);
    EXPECT_TRUE(checked.ok()) << checked;
  }
}

TEST_F(MetricsTest, HeadIsTheHeadAloneAndTheRestIs404Or405Or400) {
  const HttpReply head = HttpExchange(MetricsV4(), "HEAD /metrics HTTP/1.1\r\n\r\n");
  EXPECT_THAT(head.head, StartsWith("HTTP/1.1 200 OK\r\n"));
  EXPECT_EQ(head.body, "");
  EXPECT_THAT(Get(MetricsV4(), "/").head, StartsWith("HTTP/1.1 404 Not Found\r\n"));
  EXPECT_THAT(Get(MetricsV6(), "/metrics/x").head, StartsWith("HTTP/1.1 404 Not Found\r\n"));
  const HttpReply post =
      HttpExchange(MetricsV4(), "POST /metrics HTTP/1.1\r\nContent-Length: 2\r\n\r\nhi");
  EXPECT_THAT(post.head, StartsWith("HTTP/1.1 405 Method Not Allowed\r\n"));
  EXPECT_THAT(post.head, HasSubstr("\r\nAllow: GET, HEAD\r\n"));
  EXPECT_THAT(HttpExchange(MetricsV4(), "\x16\x03\x01\x02\x05hello\r\n\r\n").head,
              StartsWith("HTTP/1.1 400 Bad Request\r\n"));
  EXPECT_TRUE((*rebound_).Running());
}

TEST_F(MetricsTest, AClientAccessControlRefusesOrDeniesGetsNothing) {
  for (const char* client : {kRefusedClient, kDeniedClient}) {
    const HttpReply reply =
        HttpExchange(MetricsV4(), "GET /metrics HTTP/1.1\r\n\r\n", EndpointAt(client, 0));
    EXPECT_TRUE(reply.connected) << client;
    EXPECT_TRUE(reply.closed) << client << ": closed at once";
    EXPECT_EQ(reply.raw, "") << client;
  }
  // An allowed client on the same listener still gets the page.
  EXPECT_THAT(
      HttpExchange(MetricsV4(), "GET /metrics HTTP/1.1\r\n\r\n", EndpointAt("127.0.0.5", 0)).head,
      StartsWith("HTTP/1.1 200 OK\r\n"));
}

TEST_F(MetricsTest, AfterSighupItServesUnderTheNewAccessControl) {
  std::ofstream(absl::StrCat(hierarchy().dir(), "/metrics.conf"))
      << Config("  access-control: 127.0.0.1/32 refuse\n") << "\n"
      << kHierarchyLocalZones;
  // rebound answers before it catches SIGHUP; until it does, the signal would kill it.
  const absl::Time caught = absl::Now() + absl::Seconds(5);
  while (!Catches(rebound_->pid(), SIGHUP) && absl::Now() < caught) {
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_TRUE(rebound_->Signal(SIGHUP).ok());
  // The reload is done once 127.0.0.1 is turned away; ::1 is still allowed.
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  HttpReply v4;
  do {
    absl::SleepFor(absl::Milliseconds(100));
    v4 = Get(MetricsV4());
  } while (!v4.raw.empty() && absl::Now() < deadline);
  EXPECT_EQ(v4.raw, "") << rebound_->LogTail();
  EXPECT_THAT(Get(MetricsV6()).head, StartsWith("HTTP/1.1 200 OK\r\n")) << rebound_->LogTail();
  EXPECT_TRUE(rebound_->Running());
}

TEST_F(MetricsTest, AMetricsInterfaceThatCannotBeBoundStopsTheStartNamingIt) {
  // Another program holds the port already.
  const Endpoint taken = EndpointAt("127.0.0.1", kMetricsPort + 1);
  absl::StatusOr<int> holder = BoundSocket(taken, SOCK_STREAM);
  ASSERT_TRUE(holder.ok()) << holder.status();
  absl::StatusOr<std::unique_ptr<Subprocess>> second =
      StartRebound(REBOUND_BINARY, hierarchy(), "metrics-taken",
                   absl::StrCat(RecursiveServerConfig(hierarchy(), "127.0.0.18"),
                                "  metrics-interface: ", taken.ToString(), "\n"),
                   EndpointAt("127.0.0.18"), absl::Seconds(3));
  close(*holder);
  EXPECT_FALSE(second.ok());
  EXPECT_THAT(std::string(second.status().message()),
              HasSubstr(absl::StrCat("metrics-interface: cannot listen on ", taken.ToString())));
}

// The figures count what was asked.
TEST_F(MetricsTest, TheFiguresCountTheQuestionsAsked) {
  const std::string before = Get(MetricsV4()).body;
  ASSERT_NE(before, "");
  // 3 AAAA and 2 A questions of names that exist, 1 TXT of one that does not: 3 distinct
  // questions (3 cache misses, each a resolution), then 3 repeats (3 cache hits).
  for (int i = 0; i < 3; ++i) Ask(n::kDualStack, LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR);
  for (int i = 0; i < 2; ++i) Ask(n::kV4Only, LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR);
  Ask(kMissingName, LDNS_RR_TYPE_TXT, LDNS_RCODE_NXDOMAIN);
  const std::string after = Get(MetricsV6()).body;
  ASSERT_TRUE(Promtool(after).ok());
  auto delta = [&](absl::string_view series) {
    EXPECT_GE(SampleValue(before, series), 0) << series << " is missing";
    return SampleValue(after, series) - SampleValue(before, series);
  };
  EXPECT_EQ(delta("rebound_queries_total"), 6);
  EXPECT_EQ(delta("rebound_queries_by_type_total{type=\"AAAA\"}"), 3);
  EXPECT_EQ(delta("rebound_queries_by_type_total{type=\"A\"}"), 2);
  EXPECT_EQ(delta("rebound_queries_by_type_total{type=\"TXT\"}"), 1);
  EXPECT_EQ(delta("rebound_queries_by_class_total{class=\"IN\"}"), 6);
  EXPECT_EQ(delta("rebound_answers_total{rcode=\"NOERROR\"}"), 5);
  EXPECT_EQ(delta("rebound_answers_total{rcode=\"NXDOMAIN\"}"), 1);
  EXPECT_EQ(delta("rebound_cache_misses_total"), 3);
  EXPECT_EQ(delta("rebound_cache_hits_total"), 3);
  EXPECT_EQ(delta("rebound_resolution_duration_seconds_count"), 3);
  EXPECT_GT(delta("rebound_resolution_duration_seconds_sum"), 0);
  EXPECT_GT(SampleValue(after, "rebound_cache_entries{cache=\"rrset\"}"), 0);
  EXPECT_GT(SampleValue(after, "rebound_process_resident_memory_bytes"), 0);
  EXPECT_EQ(SampleValue(after, "rebound_requestlist_current{thread=\"0\"}"), 0);
}

}  // namespace
}  // namespace rebound::integration
