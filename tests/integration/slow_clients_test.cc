// Clients that hold TCP and HTTPS connections instead of using them (issue 15, item 4), and the
// per-listener access rules of item 7, against the real daemon:
//   - a connection dripping a query a byte at a time is closed when the whole message has not
//     come within tcp-idle-timeout, however often a byte arrives;
//   - five dripping connections from one netblock hold no more than its tcp-connection-limit, and
//     DNS over TCP from others is answered meanwhile; HTTPS connections count against it too;
//   - as the slots fill, connections that send nothing are closed sooner, and with every slot
//     taken a client with a query replaces the one that has waited longest (RFC 7766 6.2.3);
//   - the same over HTTPS: HTTP/2 bytes in one TLS record each do not keep a connection;
//   - access-control deny (TCP) and deny or refuse (HTTPS) close the connection at accept;
//   - interface-action opens one interface to clients access-control does not cover, and only
//     that one.
// Each test prints what it measured. REBOUND_UNDER_TEST=path runs them against another build
// (how they were checked to fail without the fix).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <memory>
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
#include "tests/integration/fixture/subprocess.h"
#include "tests/integration/fixture/suite_servers_test.h"

namespace rebound::integration {
namespace {

namespace n = names;

constexpr char kRebound[] = "127.0.0.10";
constexpr uint16_t kHttpsPort = 8443;
// Small limits, so that a test reaches them quickly.
constexpr int kIncomingNumTcp = 5;
constexpr absl::Duration kTcpIdleTimeout = absl::Milliseconds(2000);
// The attacker's netblock and its tcp-connection-limit.
constexpr char kDripNetblock[] = "127.0.0.64/26";
constexpr char kDripClient[] = "127.0.0.70";
constexpr int kDripNetblockLimit = 2;
constexpr char kDeniedNetblock[] = "127.0.0.32/29";
constexpr char kDeniedClient[] = "127.0.0.33";
constexpr char kRefusedNetblock[] = "127.0.0.40/29";
constexpr char kRefusedClient[] = "127.0.0.41";
// A "public" client and two interfaces no access-control line covers (TEST-NET-1, added to the
// namespace's loopback): interface-action allows the first, the second keeps the default.
constexpr char kPublicClient[] = "192.0.2.1";
constexpr char kOpenInterface[] = "192.0.2.53";
constexpr char kClosedInterface[] = "192.0.2.54";

std::string ReboundBinary() {
  const char* other = std::getenv("REBOUND_UNDER_TEST");
  return other != nullptr ? other : REBOUND_BINARY;
}

// A TCP connection from `source` (port 0: any) to `server`; -1 on failure.
int ConnectFrom(const Endpoint& source, const Endpoint& server) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (bind(fd, source.sockaddr_ptr(), source.sockaddr_len()) != 0 ||
      connect(fd, server.sockaddr_ptr(), server.sockaddr_len()) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// True once the server has closed (or reset) the connection; waits up to `wait` for it.
bool ClosedByPeer(int fd, absl::Duration wait = absl::ZeroDuration()) {
  pollfd p{fd, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(wait))) <= 0) return false;
  // What the server sent before closing (a GOAWAY, a close_notify) is read and dropped.
  char buffer[4096];
  for (;;) {
    const ssize_t got = recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
    if (got > 0) continue;
    return got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
  }
}

// How long after `since` the server closed `fd`, waiting up to `limit`; nullopt if it did not.
std::optional<absl::Duration> ClosedAfter(int fd, absl::Time since, absl::Duration limit) {
  while (absl::Now() - since < limit) {
    if (ClosedByPeer(fd, absl::Milliseconds(10))) return absl::Now() - since;
  }
  return std::nullopt;
}

// A length-prefixed query, as a TCP client sends it.
std::vector<uint8_t> FramedQuery(absl::string_view name, uint16_t id) {
  std::vector<uint8_t> query = QueryMessage(name, LDNS_RR_TYPE_A, id);
  std::vector<uint8_t> framed = {static_cast<uint8_t>(query.size() >> 8),
                                 static_cast<uint8_t>(query.size())};
  framed.insert(framed.end(), query.begin(), query.end());
  return framed;
}

// Connections that each send one more byte of a query every `interval`, as the audit's attacker.
class Drippers {
 public:
  void Add(int fd) { connections_.push_back({fd, FramedQuery(n::kV4Only, 7), 0, false}); }
  // One byte more on every connection still open; notes those the server closed.
  void Drip() {
    for (Connection& c : connections_) {
      if (c.closed) continue;
      if (ClosedByPeer(c.fd) ||
          (c.sent < c.message.size() && send(c.fd, &c.message[c.sent], 1, MSG_NOSIGNAL) != 1)) {
        c.closed = true;
        continue;
      }
      ++c.sent;
    }
  }
  int open() const {
    return static_cast<int>(std::count_if(connections_.begin(), connections_.end(),
                                          [](const Connection& c) { return !c.closed; }));
  }
  ~Drippers() {
    for (Connection& c : connections_) close(c.fd);
  }

 private:
  struct Connection {
    int fd;
    std::vector<uint8_t> message;
    size_t sent;
    bool closed;
  };
  std::vector<Connection> connections_;
};

struct SlowClientServers {
  std::unique_ptr<testing::TempDir> dir;
  testing::TestLeaf leaf;
  std::unique_ptr<Subprocess> rebound;
};

class SlowClientsTest : public SuiteServersTest<SlowClientServers> {
 public:
  static void SetUpTestSuite() { StartSuite({"bash", "nsd", "openssl", "ip"}, false, &Start); }

  static absl::Status Start(SlowClientServers& s) {
    for (const char* address : {kPublicClient, kOpenInterface, kClosedInterface}) {
      if (absl::Status st =
              RunToCompletion({"ip", "addr", "add", absl::StrCat(address, "/32"), "dev", "lo"},
                              hierarchy().dir() + "/ip-addr.log", absl::Seconds(5));
          !st.ok()) {
        return st;
      }
    }
    absl::StatusOr<testing::TestLeaf> leaf =
        testing::MakeServerPki("rebound-slow-clients-", "relay.test", {kRebound}, &s.dir);
    if (!leaf.ok()) return leaf.status();
    s.leaf = *leaf;
    const std::string config = absl::StrCat(
        RecursiveServerConfig(hierarchy(), kRebound), "  interface: ", kRebound, "@", kHttpsPort,
        "\n", "  interface: ", kOpenInterface, "\n", "  interface: ", kClosedInterface, "\n",
        "  interface: ", kOpenInterface, "@", kHttpsPort, "\n", "  interface: ", kClosedInterface,
        "@", kHttpsPort, "\n", "  https-port: ", kHttpsPort, "\n", "  tls-service-key: \"",
        s.leaf.key_file, "\"\n", "  tls-service-pem: \"", s.leaf.cert_file, "\"\n",
        "  num-threads: 1\n", "  incoming-num-tcp: ", kIncomingNumTcp, "\n",
        "  tcp-idle-timeout: ", absl::ToInt64Milliseconds(kTcpIdleTimeout), "\n",
        "  tcp-connection-limit: ", kDripNetblock, " ", kDripNetblockLimit, "\n",
        "  access-control: ", kDeniedNetblock, " deny\n", "  access-control: ", kRefusedNetblock,
        " refuse\n", "  interface-action: ", kOpenInterface, " allow\n",
        "  interface-action: ", kOpenInterface, "@", kHttpsPort, " allow\n");
    return MoveInto(StartRebound(ReboundBinary(), hierarchy(), "rebound-slow-clients", config,
                                 EndpointAt(kRebound)),
                    &s.rebound);
  }

 protected:
  void TearDown() override {
    if (IsSkipped() || servers().rebound == nullptr) return;
    if (HasFailure()) std::cerr << "rebound log: " << servers().rebound->log_path() << "\n";
    EXPECT_TRUE(servers().rebound->Running()) << "rebound died:\n" << servers().rebound->LogTail();
    // Let every connection a test left behind time out before the next test counts slots.
    absl::SleepFor(kTcpIdleTimeout + absl::Milliseconds(300));
  }

  // One DNS over TCP query from `source`, as dig +tcp asks it: the answer's RCODE, or -1.
  static int TcpRcode(absl::string_view source, absl::string_view server = kRebound) {
    absl::StatusOr<std::vector<uint8_t>> reply =
        ExchangeFrom(EndpointAt(source, 0), EndpointAt(server),
                     QueryMessage(n::kV4Only, LDNS_RR_TYPE_A, 99), /*tcp=*/true, absl::Seconds(2));
    if (!reply.ok()) return -1;
    LdnsPktPtr packet = ParseReply(*reply);
    return packet == nullptr ? -1 : ldns_pkt_get_rcode(packet.get());
  }
};

// The audit's attack on one connection: a query sent a byte every 250 ms would take 10 s. The
// connection must go at tcp-idle-timeout from its opening, the bytes notwithstanding.
TEST_F(SlowClientsTest, DrippingConnectionIsClosedAtTheMessageDeadline) {
  Drippers drip;
  const int fd = ConnectFrom(EndpointAt("127.0.0.1", 0), EndpointAt(kRebound));
  ASSERT_GE(fd, 0) << std::strerror(errno);
  const absl::Time opened = absl::Now();
  drip.Add(fd);
  std::optional<absl::Duration> lifetime;
  while (!lifetime && absl::Now() - opened < 4 * kTcpIdleTimeout) {
    drip.Drip();
    if (drip.open() == 0) lifetime = absl::Now() - opened;
    absl::SleepFor(absl::Milliseconds(250));
  }
  std::cout << "slow drip: a connection sending a byte every 250 ms was closed after "
            << (lifetime ? absl::FormatDuration(*lifetime) : "never (4 idle timeouts)")
            << " (tcp-idle-timeout: " << kTcpIdleTimeout << ")\n";
  ASSERT_TRUE(lifetime.has_value()) << "the drip kept the connection open";
  EXPECT_GE(*lifetime, kTcpIdleTimeout - absl::Milliseconds(300));
  EXPECT_LE(*lifetime, kTcpIdleTimeout + absl::Milliseconds(600));
}

// A TLS client that completes the handshake (ALPN h2, no certificate check: the test only
// needs the connection) and then sends the HTTP/2 preface a byte per TLS record, each record
// reaching the server as plaintext of its own.
class TlsDripper {
 public:
  explicit TlsDripper(int fd) : fd_(fd) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    static const unsigned char kH2[] = {2, 'h', '2'};
    SSL_CTX_set_alpn_protos(ctx_, kH2, sizeof kH2);
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    established_ = SSL_connect(ssl_) == 1;
  }
  ~TlsDripper() {
    SSL_free(ssl_);
    SSL_CTX_free(ctx_);
    close(fd_);
  }
  bool established() const { return established_; }
  // One more byte; false once the server has closed the connection.
  bool Drip() {
    static constexpr char kPreface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    if (ClosedByPeer(fd_)) return false;
    if (sent_ >= sizeof kPreface - 1) return true;
    return SSL_write(ssl_, &kPreface[sent_++], 1) == 1;
  }

 private:
  int fd_;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  bool established_ = false;
  size_t sent_ = 0;
};

TEST_F(SlowClientsTest, DrippingHttpsConnectionIsClosedAtTheRequestDeadline) {
  const int fd = ConnectFrom(EndpointAt("127.0.0.1", 0), EndpointAt(kRebound, kHttpsPort));
  ASSERT_GE(fd, 0) << std::strerror(errno);
  const absl::Time opened = absl::Now();
  TlsDripper drip(fd);
  ASSERT_TRUE(drip.established());
  std::optional<absl::Duration> lifetime;
  while (!lifetime && absl::Now() - opened < 4 * kTcpIdleTimeout) {
    if (!drip.Drip()) lifetime = absl::Now() - opened;
    absl::SleepFor(absl::Milliseconds(250));
  }
  std::cout << "slow drip (HTTPS): a connection sending a TLS record of one byte every 250 ms "
            << "was closed after "
            << (lifetime ? absl::FormatDuration(*lifetime) : "never (4 idle timeouts)")
            << " (tcp-idle-timeout: " << kTcpIdleTimeout << ")\n";
  ASSERT_TRUE(lifetime.has_value()) << "the drip kept the connection open";
  EXPECT_LE(*lifetime, kTcpIdleTimeout + absl::Milliseconds(600));
}

// Five dripping connections from one netblock, with incoming-num-tcp 5: only its
// tcp-connection-limit (2) is held, and dig +tcp from elsewhere is answered throughout.
TEST_F(SlowClientsTest, FiveDrippingConnectionsDoNotKeepTcpClientsOut) {
  Drippers drip;
  for (int i = 0; i < 5; ++i) {
    const int fd = ConnectFrom(EndpointAt(kDripClient, 0), EndpointAt(kRebound));
    ASSERT_GE(fd, 0) << std::strerror(errno);
    drip.Add(fd);
  }
  absl::SleepFor(absl::Milliseconds(100));
  drip.Drip();
  const int held = drip.open();
  int answered = 0;
  constexpr int kQueries = 6;
  for (int i = 0; i < kQueries; ++i) {
    if (TcpRcode("127.0.0.1") == LDNS_RCODE_NOERROR) ++answered;
    drip.Drip();
    absl::SleepFor(absl::Milliseconds(150));
  }
  std::cout << "5 dripping connections from " << kDripClient
            << " (tcp-connection-limit: " << kDripNetblock << " " << kDripNetblockLimit
            << ", incoming-num-tcp: " << kIncomingNumTcp << "): " << held << " held; " << answered
            << " of " << kQueries << " TCP queries from 127.0.0.1 answered meanwhile\n";
  EXPECT_EQ(held, kDripNetblockLimit);
  EXPECT_EQ(answered, kQueries);
}

// The netblock's count covers DNS over TCP and HTTPS together: with its two TCP connections
// open, 127.0.0.70's HTTPS connection is closed at accept; with one closed, it is let in.
TEST_F(SlowClientsTest, TcpConnectionLimitCountsHttpsConnectionsToo) {
  std::vector<int> tcp;
  for (int i = 0; i < kDripNetblockLimit; ++i) {
    tcp.push_back(ConnectFrom(EndpointAt(kDripClient, 0), EndpointAt(kRebound)));
    ASSERT_GE(tcp.back(), 0) << std::strerror(errno);
  }
  auto https_closed_at_once = [] {
    const int fd = ConnectFrom(EndpointAt(kDripClient, 0), EndpointAt(kRebound, kHttpsPort));
    const bool closed = fd >= 0 && ClosedAfter(fd, absl::Now(), absl::Milliseconds(300));
    if (fd >= 0) close(fd);
    return closed;
  };
  const bool at_limit = https_closed_at_once();
  close(tcp.back());
  tcp.pop_back();
  absl::SleepFor(absl::Milliseconds(50));
  const bool below_limit = https_closed_at_once();
  for (int fd : tcp) close(fd);
  std::cout << "tcp-connection-limit " << kDripNetblockLimit << " for " << kDripNetblock
            << ": HTTPS from " << kDripClient << " with " << kDripNetblockLimit
            << " TCP connections open closed at accept: " << at_limit << "; with "
            << kDripNetblockLimit - 1 << ": " << below_limit << "\n";
  EXPECT_TRUE(at_limit);
  EXPECT_FALSE(below_limit);
}

// RFC 7766 6.2.3: with four of five slots taken by connections that send nothing, each is closed
// well before tcp-idle-timeout, and the slots are free again for clients with a query.
TEST_F(SlowClientsTest, SilentConnectionsAreClosedSoonerAsTheSlotsFill) {
  std::vector<int> fds;
  std::vector<absl::Time> opened;
  for (int i = 0; i < kIncomingNumTcp - 1; ++i) {
    const int fd =
        ConnectFrom(EndpointAt(absl::StrCat("127.0.0.", 2 + i), 0), EndpointAt(kRebound));
    ASSERT_GE(fd, 0) << std::strerror(errno);
    fds.push_back(fd);
    opened.push_back(absl::Now());
  }
  absl::Duration longest;
  int closed = 0;
  for (size_t i = 0; i < fds.size(); ++i) {
    std::optional<absl::Duration> lifetime = ClosedAfter(fds[i], opened[i], 2 * kTcpIdleTimeout);
    if (lifetime) {
      ++closed;
      longest = std::max(longest, *lifetime);
    }
    close(fds[i]);
  }
  std::cout << "pressure: " << fds.size() << " silent connections of " << kIncomingNumTcp
            << " slots: " << closed << " closed, the last after " << longest
            << " (tcp-idle-timeout: " << kTcpIdleTimeout << ")\n";
  EXPECT_EQ(closed, static_cast<int>(fds.size()));
  EXPECT_LT(longest, kTcpIdleTimeout / 2);
  EXPECT_EQ(TcpRcode("127.0.0.1"), LDNS_RCODE_NOERROR);
}

// Every slot taken by silent connections from addresses no tcp-connection-limit covers
// (127.0.1.x): a client with a query gets in at once, by replacing the connection that has
// waited longest (RFC 7766 6.2.3), here well before the pressure wait would free a slot.
TEST_F(SlowClientsTest, AClientWithAQueryReplacesTheLongestWaitingConnection) {
  std::vector<int> fds;
  for (int i = 0; i < kIncomingNumTcp; ++i) {
    fds.push_back(
        ConnectFrom(EndpointAt(absl::StrCat("127.0.1.", 1 + i), 0), EndpointAt(kRebound)));
    ASSERT_GE(fds.back(), 0) << std::strerror(errno);
  }
  absl::SleepFor(absl::Milliseconds(100));  // past kMinWaitBeforeEviction, within the wait
  int held = 0;
  for (int fd : fds) held += ClosedByPeer(fd) ? 0 : 1;
  const absl::Time asked = absl::Now();
  const int rcode = TcpRcode("127.0.0.1");
  const absl::Duration took = absl::Now() - asked;
  int held_after = 0;
  for (int fd : fds) held_after += ClosedByPeer(fd) ? 0 : 1;
  for (int fd : fds) close(fd);
  std::cout << "full slots: " << held << " of " << kIncomingNumTcp
            << " held by silent connections; a TCP query got rcode " << rcode << " in " << took
            << "; " << held_after << " silent connections left\n";
  EXPECT_EQ(held, kIncomingNumTcp);
  EXPECT_EQ(rcode, LDNS_RCODE_NOERROR);
  EXPECT_LT(took, absl::Milliseconds(100));
}

// access-control at accept: a denied client's TCP connection is closed before it sends a byte;
// a refused one gets REFUSED and then loses the connection quickly.
TEST_F(SlowClientsTest, DeniedAndRefusedTcpClientsDoNotHoldConnections) {
  const int denied = ConnectFrom(EndpointAt(kDeniedClient, 0), EndpointAt(kRebound));
  ASSERT_GE(denied, 0) << std::strerror(errno);
  const absl::Time denied_at = absl::Now();
  std::optional<absl::Duration> denied_closed = ClosedAfter(denied, denied_at, 2 * kTcpIdleTimeout);
  close(denied);

  EXPECT_EQ(TcpRcode(kRefusedClient), LDNS_RCODE_REFUSED);
  const int refused = ConnectFrom(EndpointAt(kRefusedClient, 0), EndpointAt(kRebound));
  ASSERT_GE(refused, 0) << std::strerror(errno);
  const absl::Time refused_at = absl::Now();
  std::optional<absl::Duration> refused_closed =
      ClosedAfter(refused, refused_at, 2 * kTcpIdleTimeout);
  close(refused);
  auto text = [](const std::optional<absl::Duration>& d) {
    return d ? absl::FormatDuration(*d) : std::string("never");
  };
  std::cout << "access-control at accept (TCP): denied client closed after " << text(denied_closed)
            << ", refused client's silent connection after " << text(refused_closed) << "\n";
  ASSERT_TRUE(denied_closed.has_value());
  EXPECT_LT(*denied_closed, absl::Milliseconds(100));
  ASSERT_TRUE(refused_closed.has_value());
  EXPECT_LT(*refused_closed, absl::Milliseconds(500));
}

// HTTPS: deny and refuse are closed at accept, with no TLS handshake; an allowed client's
// connection stays open for its handshake.
TEST_F(SlowClientsTest, HttpsClosesDeniedAndRefusedClientsAtAccept) {
  const Endpoint https = EndpointAt(kRebound, kHttpsPort);
  struct Case {
    const char* client;
    bool closed_at_once;
  };
  for (const Case& c :
       {Case{kDeniedClient, true}, Case{kRefusedClient, true}, Case{"127.0.0.1", false}}) {
    const int fd = ConnectFrom(EndpointAt(c.client, 0), https);
    ASSERT_GE(fd, 0) << std::strerror(errno);
    const absl::Time at = absl::Now();
    std::optional<absl::Duration> closed = ClosedAfter(fd, at, absl::Milliseconds(300));
    close(fd);
    std::cout << "https from " << c.client << ": "
              << (closed ? absl::StrCat("closed after ", absl::FormatDuration(*closed))
                         : std::string("open for the handshake"))
              << "\n";
    EXPECT_EQ(closed.has_value(), c.closed_at_once) << c.client;
  }
}

// interface-action: a client that no access-control line covers is served on the interface
// opened to it (UDP, TCP and HTTPS), and refused on the others, port 53 included.
TEST_F(SlowClientsTest, InterfaceActionOpensOnlyItsInterface) {
  const Endpoint source = EndpointAt(kPublicClient, 0);
  auto rcode = [&](absl::string_view server, bool tcp) {
    absl::StatusOr<std::vector<uint8_t>> reply =
        ExchangeFrom(source, EndpointAt(server), QueryMessage(n::kV4Only, LDNS_RR_TYPE_A, 5), tcp,
                     absl::Seconds(3));
    if (!reply.ok()) return -1;
    LdnsPktPtr packet = ParseReply(*reply);
    return packet == nullptr ? -1 : static_cast<int>(ldns_pkt_get_rcode(packet.get()));
  };
  std::string rcodes;
  for (bool tcp : {false, true}) {
    const int open = rcode(kOpenInterface, tcp);
    const int closed = rcode(kClosedInterface, tcp);
    const int port53 = rcode(kRebound, tcp);
    absl::StrAppend(&rcodes, tcp ? "; TCP " : "UDP ", "rcode ", open, " on ", kOpenInterface, ", ",
                    closed, " on ", kClosedInterface, ", ", port53, " on ", kRebound);
    EXPECT_EQ(open, LDNS_RCODE_NOERROR) << "tcp " << tcp;
    EXPECT_EQ(closed, LDNS_RCODE_REFUSED) << "tcp " << tcp;
    EXPECT_EQ(port53, LDNS_RCODE_REFUSED) << "tcp " << tcp;
  }
  // HTTPS: the closed interface turns the public client away at accept.
  const int open_fd = ConnectFrom(source, EndpointAt(kOpenInterface, kHttpsPort));
  const int closed_fd = ConnectFrom(source, EndpointAt(kClosedInterface, kHttpsPort));
  ASSERT_GE(open_fd, 0);
  ASSERT_GE(closed_fd, 0);
  const absl::Time at = absl::Now();
  const bool closed_closed = ClosedAfter(closed_fd, at, absl::Milliseconds(300)).has_value();
  const bool open_closed = ClosedAfter(open_fd, at, absl::Milliseconds(300)).has_value();
  close(open_fd);
  close(closed_fd);
  std::cout << "interface-action (" << kOpenInterface << " allow), client " << kPublicClient << ": "
            << rcodes << " (0 NOERROR, 5 REFUSED, -1 none); HTTPS closed at accept on "
            << kClosedInterface << ": " << closed_closed << ", on " << kOpenInterface << ": "
            << open_closed << "\n";
  EXPECT_TRUE(closed_closed);
  EXPECT_FALSE(open_closed);
}

}  // namespace
}  // namespace rebound::integration
