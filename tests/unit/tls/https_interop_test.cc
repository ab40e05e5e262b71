// Interoperability with independent HTTP/2 implementations, when they are installed: curl
// (libcurl + nghttp2) as a client of HttpsServer, and unbound's DNS-over-HTTPS service as the
// server for HttpsConnection (RFC 8484 4.1: a GET with ?dns=<base64url wire query, ID 0>).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "resolver/wire/ldns_ptr.h"
#include "tests/common/child_process.h"
#include "tests/common/skip_or_fail.h"
#include "tests/unit/tls/https_test_fixture.h"

namespace rebound::testing {
namespace {

using ::testing::HasSubstr;

using HttpsInteropTest = HttpsTest;

constexpr char kDnsMessage[] = "application/dns-message";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A loopback TCP port nobody listens on right now (the kernel's pick, released again).
uint16_t FreeLoopbackPort() {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  bind(fd, reinterpret_cast<sockaddr*>(&address), length);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

bool AcceptsTcp(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  close(fd);
  return ok;
}

class CurlAgainstHttpsServer : public HttpsInteropTest {
 protected:
  void SetUp() override {
    HttpsInteropTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    REBOUND_SKIP_OR_FAIL_UNLESS_OK(CheckInPath("curl"));
    server_ = StartServer(RelayLeaf(), [this](const HttpsRequest& request, HttpsResponder respond) {
      requests_.push_back(request);
      respond(HttpsReply{200, kDnsMessage, std::string("\x00\x01\x02", 3), 300});
    });
    ASSERT_NE(server_, nullptr);
  }
  void TearDown() override {
    server_.reset();
    HttpsInteropTest::TearDown();
  }

  // Runs curl against the server with the loop running; returns curl's exit code.
  int Curl(const std::vector<std::string>& extra_args, const std::string& path) {
    const uint16_t port = server_->local_addresses().front().port();
    std::vector<std::string> argv = {"curl",
                                     "--silent",
                                     "--show-error",
                                     "--max-time",
                                     "5",
                                     "--cacert",
                                     Ca().cert_file(),
                                     "--resolve",
                                     absl::StrCat("relay.test:", port, ":127.0.0.1"),
                                     "--dump-header",
                                     headers_file(),
                                     "--output",
                                     body_file()};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    argv.push_back(absl::StrCat("https://relay.test:", port, path));
    absl::StatusOr<ChildProcess> curl = ChildProcess::Start(argv, dir() + "/curl.log");
    EXPECT_TRUE(curl.ok()) << curl.status();
    if (!curl.ok()) return -1;
    EXPECT_TRUE(RunUntil([&] { return !curl->Running(); }, absl::Seconds(10)));
    curl_log_ = curl->Log();
    return curl->Wait();
  }

  std::string headers_file() const { return dir() + "/headers.txt"; }
  std::string body_file() const { return dir() + "/body.bin"; }

  std::unique_ptr<HttpsServer> server_;
  std::vector<HttpsRequest> requests_;
  std::string curl_log_;
};

TEST_F(CurlAgainstHttpsServer, GetOverHttp2WithCacheControl) {
  ASSERT_EQ(Curl({"--http2"}, "/dns-query?dns=AAABAAABAAAAAAAAA3d3dwR0ZXN0AAABAAE"), 0)
      << curl_log_;
  const std::string headers = ReadFile(headers_file());
  EXPECT_THAT(headers, HasSubstr("HTTP/2 200"));
  EXPECT_THAT(headers, HasSubstr("content-type: application/dns-message"));
  EXPECT_THAT(headers, HasSubstr("content-length: 3"));
  EXPECT_THAT(headers, HasSubstr("cache-control: max-age=300"));
  EXPECT_EQ(ReadFile(body_file()), std::string("\x00\x01\x02", 3));
  ASSERT_EQ(requests_.size(), 1u);
  EXPECT_EQ(requests_[0].method, "GET");
  EXPECT_EQ(requests_[0].path, "/dns-query?dns=AAABAAABAAAAAAAAA3d3dwR0ZXN0AAABAAE");
}

TEST_F(CurlAgainstHttpsServer, PostOverHttp2) {
  const std::string query("\x00\x00\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x01",
                          17);
  std::ofstream(dir() + "/query.bin", std::ios::binary) << query;
  ASSERT_EQ(Curl({"--http2", "--data-binary", "@" + dir() + "/query.bin", "--header",
                  "content-type: application/dns-message"},
                 "/dns-query"),
            0)
      << curl_log_;
  EXPECT_THAT(ReadFile(headers_file()), HasSubstr("HTTP/2 200"));
  ASSERT_EQ(requests_.size(), 1u);
  EXPECT_EQ(requests_[0].method, "POST");
  EXPECT_EQ(requests_[0].content_type, kDnsMessage);
  EXPECT_EQ(requests_[0].body, query);
}

TEST_F(CurlAgainstHttpsServer, Http11IsRefused) {
  EXPECT_NE(Curl({"--http1.1"}, "/dns-query?dns=AAAB"), 0) << curl_log_;
  EXPECT_THAT(curl_log_, HasSubstr("no application protocol"));  // RFC 7301 3.2
  EXPECT_TRUE(requests_.empty());
}

// unbound 1.17 serves DoH with libnghttp2: another server implementation, another TLS setup.
TEST_F(HttpsInteropTest, FetchesFromUnboundDnsOverHttps) {
  REBOUND_SKIP_OR_FAIL_UNLESS_OK(CheckInPath("unbound"));
  const TestLeaf& leaf = RelayLeaf();
  const uint16_t port = FreeLoopbackPort();
  const std::string conf = dir() + "/unbound.conf";
  std::ofstream(conf) << "server:\n"
                      << "  verbosity: 1\n"
                      << "  num-threads: 1\n"
                      << "  interface: 127.0.0.1@" << port << "\n"
                      << "  https-port: " << port << "\n"
                      << "  tls-service-key: \"" << leaf.key_file << "\"\n"
                      << "  tls-service-pem: \"" << leaf.cert_file << "\"\n"
                      << "  do-ip6: no\n"
                      << "  do-udp: no\n"
                      << "  so-reuseport: no\n"
                      << "  access-control: 127.0.0.0/8 allow\n"
                      << "  username: \"\"\n"
                      << "  chroot: \"\"\n"
                      << "  directory: \"" << dir() << "\"\n"
                      << "  pidfile: \"" << dir() << "/unbound.pid\"\n"
                      << "  logfile: \"\"\n"
                      << "  use-syslog: no\n"
                      << "  do-daemonize: no\n"
                      << "  do-not-query-localhost: no\n"
                      << "  module-config: \"iterator\"\n"
                      << "  local-zone: \"doh.test.\" static\n"
                      << "  local-data: \"www.doh.test. 300 IN A 192.0.2.53\"\n"
                      << "remote-control:\n"
                      << "  control-enable: no\n";
  absl::StatusOr<ChildProcess> unbound =
      ChildProcess::Start({"unbound", "-d", "-c", conf}, dir() + "/unbound.log");
  ASSERT_TRUE(unbound.ok()) << unbound.status();
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (!AcceptsTcp(port) && unbound->Running() && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_TRUE(unbound->Running()) << unbound->Log();
  ASSERT_TRUE(AcceptsTcp(port)) << unbound->Log();

  // RFC 8484 4.1: ID 0 for cache friendliness, base64url without padding.
  LdnsPktPtr query(ldns_pkt_query_new(ldns_dname_new_frm_str("www.doh.test."), LDNS_RR_TYPE_A,
                                      LDNS_RR_CLASS_IN, LDNS_RD));
  ldns_pkt_set_id(query.get(), 0);
  uint8_t* wire = nullptr;
  size_t size = 0;
  ASSERT_EQ(ldns_pkt2wire(&wire, query.get(), &size), LDNS_STATUS_OK);
  const std::string encoded =
      absl::WebSafeBase64Escape(absl::string_view(reinterpret_cast<char*>(wire), size));
  LDNS_FREE(wire);

  HttpsConnection client(loop(), ClientContext(), Loopback(port), "relay.test");
  absl::StatusOr<HttpsResponse> response = Fetch(client, "/dns-query?dns=" + encoded);
  ASSERT_TRUE(response.ok()) << response.status() << "\n" << unbound->Log();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->content_type, kDnsMessage);
  ldns_pkt* parsed = nullptr;
  ASSERT_EQ(ldns_wire2pkt(&parsed, reinterpret_cast<const uint8_t*>(response->body.data()),
                          response->body.size()),
            LDNS_STATUS_OK);
  LdnsPktPtr answer(parsed);
  EXPECT_EQ(ldns_pkt_id(answer.get()), 0);
  EXPECT_EQ(ldns_pkt_get_rcode(answer.get()), LDNS_RCODE_NOERROR);
  ASSERT_EQ(ldns_pkt_ancount(answer.get()), 1);
  const ldns_rr* a = ldns_rr_list_rr(ldns_pkt_answer(answer.get()), 0);
  ASSERT_EQ(ldns_rr_get_type(a), LDNS_RR_TYPE_A);
  char* address = ldns_rdf2str(ldns_rr_rdf(a, 0));
  EXPECT_STREQ(address, "192.0.2.53");
  free(address);

  // A POST of the same query on the same connection (RFC 8484 4.1, second form).
  std::optional<absl::StatusOr<HttpsResponse>> posted;
  std::string body;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(encoded, &body));
  client.Post("/dns-query", kDnsMessage, body, absl::Seconds(3),
              [&](absl::StatusOr<HttpsResponse> r) { posted = std::move(r); });
  ASSERT_TRUE(RunUntil([&] { return posted.has_value(); }));
  ASSERT_TRUE(posted->ok()) << posted->status();
  EXPECT_EQ((*posted)->status, 200);
  EXPECT_EQ((*posted)->body, response->body);
  EXPECT_EQ(client.connections_opened(), 1u);
}

}  // namespace
}  // namespace rebound::testing
