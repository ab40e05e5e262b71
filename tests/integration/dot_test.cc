// DNS over TLS (RFC 7858) served by the real daemon on an interface whose port is tls-port (and
// one on a tls-additional-port), with a certificate from a test CA, asked by real clients:
//   - dig +tls and kdig, both verifying the certificate against the CA and the name, get the
//     answers (records, RCODE, flags) that DNS over TCP would give;
//   - several queries on one connection are all answered, kdig's one after another and the
//     test's own client's pipelined in one TLS record, and a quick answer is not held up behind
//     a slow one (RFC 7766 6.2.1.1);
//   - ALPN "dot" is selected, a client offering only other protocols fails the handshake;
//   - access-control refuse is answered REFUSED over TLS and deny closes the connection before
//     the handshake, as on TCP;
//   - a plain DNS over TCP client on the TLS port gets no answer, and a TLS connection that sends
//     no query is closed at tcp-idle-timeout.
// REBOUND_UNDER_TEST=path runs them against another build (how they were checked to fail
// without the change).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/common/temp_dir.h"
#include "tests/common/test_ca.h"
#include "tests/integration/fixture/client_from.h"
#include "tests/integration/fixture/dns_client.h"
#include "tests/integration/fixture/hierarchy_names.h"
#include "tests/integration/fixture/rebound_process.h"
#include "tests/integration/fixture/scripted_auth_server.h"
#include "tests/integration/fixture/subprocess.h"
#include "tests/integration/fixture/suite_servers_test.h"

namespace rebound::integration {
namespace {

namespace n = names;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kRebound[] = "127.0.0.10";
constexpr uint16_t kTlsPort = 853;
constexpr uint16_t kAdditionalTlsPort = 8853;
constexpr char kTlsName[] = "dot.test";  // the certificate's DNS name
constexpr absl::Duration kTcpIdleTimeout = absl::Milliseconds(2000);
constexpr char kAllowedClient[] = "127.0.0.20";
constexpr char kDeniedNetblock[] = "127.0.0.32/29";
constexpr char kDeniedClient[] = "127.0.0.33";
constexpr char kRefusedNetblock[] = "127.0.0.40/29";
constexpr char kRefusedClient[] = "127.0.0.41";
constexpr char kMissing[] = "no-such-name.alpha.test.";

std::string ReboundBinary() {
  const char* other = std::getenv("REBOUND_UNDER_TEST");
  return other != nullptr ? other : REBOUND_BINARY;
}

// A TCP connection from `source` to `server` (blocking); -1 on failure.
int ConnectFrom(absl::string_view source, const Endpoint& server) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const Endpoint from = EndpointAt(source, 0);
  if (fd < 0) return -1;
  if (bind(fd, from.sockaddr_ptr(), from.sockaddr_len()) != 0 ||
      connect(fd, server.sockaddr_ptr(), server.sockaddr_len()) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

std::vector<uint8_t> Framed(const std::vector<uint8_t>& message) {
  std::vector<uint8_t> framed = {static_cast<uint8_t>(message.size() >> 8),
                                 static_cast<uint8_t>(message.size())};
  framed.insert(framed.end(), message.begin(), message.end());
  return framed;
}

// The test's own DNS over TLS client (OpenSSL, blocking): it verifies the server's certificate
// against the CA and kTlsName, may offer ALPN protocols, and sends and reads framed messages
// (RFC 7858 3.3) in whatever pieces the test wants.
class DotClient {
 public:
  // `alpn` in wire form (RFC 7301 3.1), "" to offer none.
  DotClient(absl::string_view source, const Endpoint& server, const std::string& ca_file,
            const std::string& alpn = "")
      : fd_(ConnectFrom(source, server)) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(ctx_, ca_file.c_str(), nullptr);
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    if (!alpn.empty()) {
      SSL_CTX_set_alpn_protos(ctx_, reinterpret_cast<const unsigned char*>(alpn.data()),
                              alpn.size());
    }
    ssl_ = SSL_new(ctx_);
    SSL_set_tlsext_host_name(ssl_, kTlsName);
    SSL_set1_host(ssl_, kTlsName);
    if (fd_ < 0) return;
    // Each Send goes out at once, not after the delayed ACK of the one before (Nagle).
    const int on = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    SetReceiveTimeout(absl::Seconds(5));
    SSL_set_fd(ssl_, fd_);
    ERR_clear_error();
    established_ = SSL_connect(ssl_) == 1;
  }
  ~DotClient() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
    if (fd_ >= 0) close(fd_);
  }
  DotClient(const DotClient&) = delete;
  DotClient& operator=(const DotClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  bool established() const { return established_; }
  std::string alpn() const {
    const unsigned char* data = nullptr;
    unsigned int length = 0;
    SSL_get0_alpn_selected(ssl_, &data, &length);
    return std::string(reinterpret_cast<const char*>(data), length);
  }

  // Sends `bytes` in one TLS record.
  bool Send(const std::vector<uint8_t>& bytes) {
    return SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size())) ==
           static_cast<int>(bytes.size());
  }

  // The next framed message, or nullopt when none came whole within `timeout` or the server
  // closed the connection.
  std::optional<std::vector<uint8_t>> Receive(absl::Duration timeout) {
    const absl::Time deadline = absl::Now() + timeout;
    for (;;) {
      if (buffer_.size() >= 2) {
        const size_t length = (size_t{buffer_[0]} << 8) | buffer_[1];
        if (buffer_.size() >= 2 + length) {
          std::vector<uint8_t> message(buffer_.begin() + 2, buffer_.begin() + 2 + length);
          buffer_.erase(buffer_.begin(), buffer_.begin() + 2 + length);
          return message;
        }
      }
      const absl::Duration left = deadline - absl::Now();
      if (left <= absl::ZeroDuration()) return std::nullopt;
      SetReceiveTimeout(left);
      uint8_t chunk[4096];
      const int got = SSL_read(ssl_, chunk, sizeof chunk);
      if (got <= 0) return std::nullopt;
      buffer_.insert(buffer_.end(), chunk, chunk + got);
    }
  }

  // True when the server closes the connection (close_notify or TCP) within `wait`.
  bool ClosedWithin(absl::Duration wait) {
    SetReceiveTimeout(wait);
    uint8_t chunk[256];
    const int got = SSL_read(ssl_, chunk, sizeof chunk);
    if (got > 0) return false;
    const int error = SSL_get_error(ssl_, got);
    return error == SSL_ERROR_ZERO_RETURN ||
           (error == SSL_ERROR_SYSCALL && errno != EAGAIN && errno != EWOULDBLOCK);
  }

 private:
  void SetReceiveTimeout(absl::Duration timeout) {
    const timeval tv = absl::ToTimeval(std::max(timeout, absl::Milliseconds(1)));
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }

  int fd_;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  bool established_ = false;
  std::vector<uint8_t> buffer_;
};

struct DotServers {
  std::unique_ptr<testing::TempDir> dir;
  std::string ca_file;
  testing::TestLeaf leaf;
  // ns1.blackhole.test.: takes every query and answers none, for a slow question.
  std::unique_ptr<ScriptedAuthServer> black_hole;
  std::unique_ptr<Subprocess> rebound;
};

class DotTest : public SuiteServersTest<DotServers> {
 public:
  static void SetUpTestSuite() {
    // OpenSSL writes to the socket with write(2): a server that closed at accept must fail the
    // handshake, not kill the test with SIGPIPE.
    signal(SIGPIPE, SIG_IGN);
    StartSuite({"bash", "nsd", "openssl", "dig", "kdig"}, false, &Start);
  }

  static absl::Status Start(DotServers& s) {
    absl::StatusOr<testing::TempDir> dir = testing::TempDir::Create("rebound-dot-");
    if (!dir.ok()) return dir.status();
    s.dir = std::make_unique<testing::TempDir>(*std::move(dir));
    absl::StatusOr<testing::TestCa> ca = testing::TestCa::Create(s.dir->path());
    if (!ca.ok()) return ca.status();
    s.ca_file = ca->cert_file();
    absl::StatusOr<testing::TestLeaf> leaf = ca->IssueLeaf(kTlsName, {kRebound});
    if (!leaf.ok()) return leaf.status();
    s.leaf = *leaf;
    absl::StatusOr<std::unique_ptr<ScriptedAuthServer>> hole =
        ScriptedAuthServer::Start(EndpointAt(n::kBlackholeServer));
    if (!hole.ok()) return hole.status();
    s.black_hole = *std::move(hole);
    const std::string config = absl::StrCat(
        RecursiveServerConfig(hierarchy(), kRebound), "  interface: ", kRebound, "@", kTlsPort,
        "\n", "  interface: ", kRebound, "@", kAdditionalTlsPort, "\n",
        "  tls-additional-port: ", kAdditionalTlsPort, "\n", "  tls-service-key: \"",
        s.leaf.key_file, "\"\n", "  ssl-service-pem: \"", s.leaf.cert_file, "\"\n",
        "  num-threads: 1\n", "  tcp-idle-timeout: ", absl::ToInt64Milliseconds(kTcpIdleTimeout),
        "\n", "  access-control: ", kDeniedNetblock, " deny\n",
        "  access-control: ", kRefusedNetblock, " refuse\n");
    return MoveInto(
        StartRebound(ReboundBinary(), hierarchy(), "rebound-dot", config, EndpointAt(kRebound)),
        &s.rebound);
  }

 protected:
  void TearDown() override {
    if (IsSkipped() || servers().rebound == nullptr) return;
    if (HasFailure()) std::cerr << "rebound log: " << servers().rebound->log_path() << "\n";
    EXPECT_TRUE(servers().rebound->Running()) << "rebound died:\n" << servers().rebound->LogTail();
  }

  // Runs a client program to its end and returns what it printed (also when it failed: dig
  // exits non-zero when it gets no answer, and the test looks at why).
  static std::string Run(const std::vector<std::string>& argv) {
    static int runs = 0;
    const std::string log = absl::StrCat(hierarchy().dir(), "/dot-client-", ++runs, ".log");
    const absl::Status status = RunToCompletion(argv, log, absl::Seconds(20));
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    std::cout << "$";
    for (const std::string& word : argv) std::cout << " " << word;
    std::cout << "\n" << text.str() << (status.ok() ? "" : status.ToString()) << "\n";
    return text.str();
  }

  // dig over TLS to kRebound, verifying the certificate as `tls_name`.
  static std::string Dig(absl::string_view source, const std::string& name, const char* type,
                         uint16_t port = kTlsPort, absl::string_view tls_name = kTlsName) {
    return Run({"dig", "+tls", absl::StrCat("+tls-ca=", servers().ca_file),
                absl::StrCat("+tls-hostname=", tls_name), "+tries=1", "+time=5", "-b",
                std::string(source), absl::StrCat("@", kRebound), "-p", absl::StrCat(port), name,
                type});
  }

  // kdig over TLS to kRebound, verifying the certificate; `queries` are name and type words,
  // several of them asked over one connection (+keepopen).
  static std::string Kdig(const std::vector<std::string>& queries, uint16_t port = kTlsPort) {
    std::vector<std::string> argv = {"kdig",
                                     absl::StrCat("+tls-ca=", servers().ca_file),
                                     absl::StrCat("+tls-hostname=", kTlsName),
                                     "+keepopen",
                                     "+retry=0",
                                     "+timeout=5",
                                     "-b",
                                     kAllowedClient,
                                     absl::StrCat("@", kRebound),
                                     "-p",
                                     absl::StrCat(port)};
    argv.insert(argv.end(), queries.begin(), queries.end());
    return Run(argv);
  }

  // The answer in `wire` to the query with `id`: its RCODE and its A records.
  static void ExpectAnswer(const std::vector<uint8_t>& wire, uint16_t id, ldns_pkt_rcode rcode,
                           std::vector<std::string> addresses) {
    LdnsPktPtr reply = ParseReply(wire);
    ASSERT_NE(reply, nullptr);
    EXPECT_EQ(ldns_pkt_id(reply.get()), id);
    EXPECT_EQ(ldns_pkt_get_rcode(reply.get()), rcode) << PacketToString(reply.get());
    EXPECT_TRUE(ldns_pkt_qr(reply.get()));
    EXPECT_TRUE(ldns_pkt_ra(reply.get()));
    EXPECT_EQ(RdataStrings(reply.get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A), addresses);
  }
};

TEST_F(DotTest, DigOverTlsVerifiesTheCertificateAndGetsTheAnswers) {
  const std::string found = Dig(kAllowedClient, std::string(n::kV4Only), "A");
  EXPECT_THAT(found, HasSubstr(absl::StrCat("SERVER: ", kRebound, "#853(", kRebound, ") (TLS)")));
  EXPECT_THAT(found, HasSubstr("status: NOERROR"));
  EXPECT_THAT(found, HasSubstr(";; flags: qr rd ra;"));
  EXPECT_THAT(found, HasSubstr("ANSWER: 1,"));
  EXPECT_THAT(found, ContainsRegex(
                         absl::StrCat("v4only\\.alpha\\.test\\.\t+[0-9]+\tIN\tA\t", n::kV4OnlyA)));
  const std::string missing = Dig(kAllowedClient, kMissing, "A");
  EXPECT_THAT(missing, HasSubstr("status: NXDOMAIN"));
  EXPECT_THAT(missing, HasSubstr(";; flags: qr rd ra;"));
  EXPECT_THAT(missing, HasSubstr("ANSWER: 0, AUTHORITY: 1,"));
  EXPECT_THAT(missing, HasSubstr("\tIN\tSOA\t"));
}

// The certificate is the one tls-service-pem names: a client that expects another name fails.
TEST_F(DotTest, DigRejectsTheCertificateForAnotherName) {
  const std::string out = Dig(kAllowedClient, std::string(n::kV4Only), "A", kTlsPort, "other.test");
  EXPECT_THAT(out, Not(HasSubstr("status:")));
  EXPECT_THAT(out, HasSubstr("certificate"));
}

TEST_F(DotTest, KdigAsksTwoQuestionsOverOneConnection) {
  const std::string out =
      Kdig({std::string(n::kV4Only), "A", std::string(n::kDualStack), "AAAA", "+stats"});
  EXPECT_THAT(out, HasSubstr(";; TLS session (TLS1."));
  EXPECT_THAT(out, ContainsRegex(absl::StrCat("v4only\\.alpha\\.test\\.\\s+[0-9]+\\s+IN"
                                              "\\s+A\\s+",
                                              n::kV4OnlyA)));
  EXPECT_THAT(out, ContainsRegex("dual\\.alpha\\.test\\.\\s+[0-9]+\\s+IN\\s+AAAA\\s+"));
  // One status line per answer, both NOERROR with RA.
  size_t noerrors = 0;
  for (size_t at = out.find("status: NOERROR"); at != std::string::npos;
       at = out.find("status: NOERROR", at + 1)) {
    ++noerrors;
  }
  EXPECT_EQ(noerrors, 2u);
  EXPECT_THAT(out, HasSubstr(";; Flags: qr rd ra;"));
  // kdig says TCP for a TLS connection, after the TLS session line.
  EXPECT_THAT(out, HasSubstr(absl::StrCat(";; From ", kRebound, "@853(TCP)")));
}

TEST_F(DotTest, TlsAdditionalPortServesDnsOverTls) {
  const std::string out = Kdig({std::string(n::kV4Only), "A"}, kAdditionalTlsPort);
  EXPECT_THAT(out, HasSubstr("status: NOERROR"));
  EXPECT_THAT(out, HasSubstr(";; TLS session (TLS1."));
  EXPECT_THAT(out, HasSubstr(absl::StrCat(";; From ", kRebound, "@8853(TCP)")));
  EXPECT_THAT(out, HasSubstr(n::kV4OnlyA));
}

// Two queries in one TLS record, as a pipelining client sends them: both are answered.
TEST_F(DotTest, PipelinedQueriesAreBothAnswered) {
  DotClient client(kAllowedClient, EndpointAt(kRebound, kTlsPort), servers().ca_file);
  ASSERT_TRUE(client.established());
  std::vector<uint8_t> both = Framed(QueryMessage(n::kV4Only, LDNS_RR_TYPE_A, 101));
  const std::vector<uint8_t> second = Framed(QueryMessage(kMissing, LDNS_RR_TYPE_A, 102));
  both.insert(both.end(), second.begin(), second.end());
  ASSERT_TRUE(client.Send(both));
  std::vector<std::vector<uint8_t>> answers;
  for (int i = 0; i < 2; ++i) {
    std::optional<std::vector<uint8_t>> answer = client.Receive(absl::Seconds(5));
    ASSERT_TRUE(answer.has_value()) << "answer " << i + 1 << " of 2 did not come";
    answers.push_back(*std::move(answer));
  }
  // Either order is right (RFC 7766 6.2.1.1).
  LdnsPktPtr first = ParseReply(answers[0]);
  ASSERT_NE(first, nullptr);
  if (ldns_pkt_id(first.get()) == 102) std::swap(answers[0], answers[1]);
  ExpectAnswer(answers[0], 101, LDNS_RCODE_NOERROR, {std::string(n::kV4OnlyA)});
  ExpectAnswer(answers[1], 102, LDNS_RCODE_NXDOMAIN, {});
}

// RFC 7766 6.2.1.1: a quick answer is sent as soon as it is ready, not after a slow one asked
// before it on the same connection (the black hole never answers rebound).
TEST_F(DotTest, AQuickAnswerOvertakesASlowOne) {
  DotClient client(kAllowedClient, EndpointAt(kRebound, kTlsPort), servers().ca_file);
  ASSERT_TRUE(client.established());
  ASSERT_TRUE(client.Send(Framed(QueryMessage(n::kBlackholeWww, LDNS_RR_TYPE_A, 201))));
  ASSERT_TRUE(client.Send(Framed(QueryMessage(n::kV4Only, LDNS_RR_TYPE_A, 202))));
  const absl::Time sent = absl::Now();
  std::optional<std::vector<uint8_t>> quick = client.Receive(absl::Seconds(3));
  ASSERT_TRUE(quick.has_value()) << "no answer within 3 s";
  std::cout << "the quick answer came after " << absl::Now() - sent << "\n";
  ExpectAnswer(*quick, 202, LDNS_RCODE_NOERROR, {std::string(n::kV4OnlyA)});
  // The slow one is answered too, once rebound gives up on the black hole.
  std::optional<std::vector<uint8_t>> slow = client.Receive(absl::Seconds(30));
  ASSERT_TRUE(slow.has_value()) << "the slow question was never answered";
  std::cout << "the slow answer came after " << absl::Now() - sent << "\n";
  ExpectAnswer(*slow, 201, LDNS_RCODE_SERVFAIL, {});
}

TEST_F(DotTest, AlpnDotIsSelectedAndOtherProtocolsAreRefused) {
  static const std::string kDot(
      "\x03"
      "dot",
      4);
  static const std::string kH2AndDot(
      "\x02"
      "h2"
      "\x03"
      "dot",
      7);
  static const std::string kH2(
      "\x02"
      "h2",
      3);
  DotClient dot(kAllowedClient, EndpointAt(kRebound, kTlsPort), servers().ca_file, kDot);
  ASSERT_TRUE(dot.established());
  EXPECT_EQ(dot.alpn(), "dot");
  DotClient both(kAllowedClient, EndpointAt(kRebound, kTlsPort), servers().ca_file, kH2AndDot);
  ASSERT_TRUE(both.established());
  EXPECT_EQ(both.alpn(), "dot");
  // RFC 7301 3.2: no protocol in common is a fatal no_application_protocol alert.
  DotClient h2(kAllowedClient, EndpointAt(kRebound, kTlsPort), servers().ca_file, kH2);
  EXPECT_TRUE(h2.connected());
  EXPECT_FALSE(h2.established());
}

// access-control refuse: the client gets REFUSED over TLS, as over TCP.
TEST_F(DotTest, RefusedClientIsAnsweredRefused) {
  const std::string out = Dig(kRefusedClient, std::string(n::kV4Only), "A");
  EXPECT_THAT(out, HasSubstr("(TLS)"));
  EXPECT_THAT(out, HasSubstr("status: REFUSED"));
  EXPECT_THAT(out, HasSubstr("ANSWER: 0,"));
}

// access-control deny: closed at accept, before a byte of the handshake, as on TCP; a client
// the rules allow gets through on the same port.
TEST_F(DotTest, DeniedClientIsClosedBeforeTheHandshake) {
  DotClient allowed(kAllowedClient, EndpointAt(kRebound, kTlsPort), servers().ca_file);
  EXPECT_TRUE(allowed.established());
  DotClient denied(kDeniedClient, EndpointAt(kRebound, kTlsPort), servers().ca_file);
  EXPECT_TRUE(denied.connected());
  EXPECT_FALSE(denied.established());
  EXPECT_THAT(Dig(kDeniedClient, std::string(n::kV4Only), "A"), Not(HasSubstr("status:")));
}

// A plain DNS over TCP query on the TLS port is not DNS over TLS: the connection ends without a
// DNS answer (at most a TLS alert comes back).
TEST_F(DotTest, PlainTcpClientOnTheTlsPortGetsNoAnswer) {
  const int fd = ConnectFrom(kAllowedClient, EndpointAt(kRebound, kTlsPort));
  ASSERT_GE(fd, 0) << std::strerror(errno);
  const std::vector<uint8_t> query = Framed(QueryMessage(n::kV4Only, LDNS_RR_TYPE_A, 301));
  ASSERT_EQ(send(fd, query.data(), query.size(), MSG_NOSIGNAL), static_cast<ssize_t>(query.size()));
  std::vector<uint8_t> received;
  bool closed = false;
  const absl::Time start = absl::Now();
  while (!closed && absl::Now() - start < kTcpIdleTimeout + absl::Seconds(1)) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    uint8_t chunk[4096];
    const ssize_t got = recv(fd, chunk, sizeof chunk, 0);
    if (got <= 0) closed = true;
    if (got > 0) received.insert(received.end(), chunk, chunk + got);
  }
  close(fd);
  EXPECT_TRUE(closed) << "the connection stayed open";
  std::cout << "a plain TCP query on the TLS port got " << received.size()
            << " bytes back and the connection " << (closed ? "closed" : "stayed open") << "\n";
  // Whatever came back is not a framed DNS answer to the query.
  if (received.size() >= 2) {
    const size_t length = (size_t{received[0]} << 8) | received[1];
    if (received.size() >= 2 + length) {
      LdnsPktPtr reply =
          ParseReply(std::vector<uint8_t>(received.begin() + 2, received.begin() + 2 + length));
      EXPECT_TRUE(reply == nullptr || ldns_pkt_id(reply.get()) != 301) << "a DNS answer came";
    }
  }
}

// A TLS connection that sends no query holds its slot no longer than tcp-idle-timeout, the
// handshake included, as a TCP connection.
TEST_F(DotTest, IdleTlsConnectionIsClosedAtTheIdleTimeout) {
  const absl::Time opened = absl::Now();
  DotClient idle(kAllowedClient, EndpointAt(kRebound, kTlsPort), servers().ca_file);
  ASSERT_TRUE(idle.established());
  EXPECT_TRUE(idle.ClosedWithin(kTcpIdleTimeout + absl::Milliseconds(800)));
  const absl::Duration lifetime = absl::Now() - opened;
  std::cout << "an idle TLS connection was closed after " << lifetime << "\n";
  EXPECT_GE(lifetime, kTcpIdleTimeout - absl::Milliseconds(300));
  EXPECT_LE(lifetime, kTcpIdleTimeout + absl::Milliseconds(800));
}

}  // namespace
}  // namespace rebound::integration
