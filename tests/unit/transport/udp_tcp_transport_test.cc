// UdpTcpTransport against fake servers on 127.0.0.1, all on the test's own libuv loop.
#include "resolver/transport/udp_tcp_transport.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "resolver/wire/ldns_ptr.h"

namespace rebound {
namespace {

constexpr char kName[] = "abcdefghijklmnopqrstuvwxyz.example.";

LdnsRdfPtr Name(const char* text) { return LdnsRdfPtr(ldns_dname_new_frm_str(text)); }

// The reply a well-behaved server sends to `query`: QR set, the question as received (case and
// all), one A record with `address`.
std::vector<uint8_t> ReplyTo(const std::vector<uint8_t>& query, const char* address,
                             bool truncated = false) {
  ldns_pkt* raw = nullptr;
  EXPECT_EQ(ldns_wire2pkt(&raw, query.data(), query.size()), LDNS_STATUS_OK);
  LdnsPktPtr reply(raw);
  ldns_pkt_set_qr(reply.get(), true);
  ldns_pkt_set_tc(reply.get(), truncated);
  ldns_pkt_set_edns_udp_size(reply.get(), 0);
  if (!truncated) {
    const ldns_rr* q = ldns_rr_list_rr(ldns_pkt_question(reply.get()), 0);
    ldns_rr* rr = ldns_rr_new();
    ldns_rr_set_owner(rr, ldns_rdf_clone(ldns_rr_owner(q)));
    ldns_rr_set_type(rr, LDNS_RR_TYPE_A);
    ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
    ldns_rr_set_ttl(rr, 60);
    ldns_rr_push_rdf(rr, ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A, address));
    ldns_pkt_push_rr(reply.get(), LDNS_SECTION_ANSWER, rr);
  }
  return PacketToWire(*reply);
}

// The A record of an answer, as text.
std::string AnswerAddress(const ldns_pkt& pkt) {
  const ldns_rr_list* answer = ldns_pkt_answer(&pkt);
  if (ldns_rr_list_rr_count(answer) != 1) return "(no single answer)";
  char* text = ldns_rdf2str(ldns_rr_rdf(ldns_rr_list_rr(answer, 0), 0));
  std::string result = text;
  free(text);
  return result;
}

uint16_t PortOf(const sockaddr_storage& addr) {
  return ntohs(reinterpret_cast<const sockaddr_in&>(addr).sin_port);
}

// A UDP socket on 127.0.0.1 that hands each datagram to `on_query`, from the loop.
class FakeUdpServer {
 public:
  using Handler = std::function<void(const std::vector<uint8_t>& query, const sockaddr_storage&)>;

  FakeUdpServer(uv_loop_t* loop, uint16_t port = 0) {
    uv_udp_init(loop, &handle_);
    handle_.data = this;
    sockaddr_in addr{};
    uv_ip4_addr("127.0.0.1", port, &addr);
    EXPECT_EQ(uv_udp_bind(&handle_, reinterpret_cast<const sockaddr*>(&addr), 0), 0);
    sockaddr_storage bound{};
    int size = sizeof bound;
    uv_udp_getsockname(&handle_, reinterpret_cast<sockaddr*>(&bound), &size);
    port_ = PortOf(bound);
    uv_udp_recv_start(
        &handle_,
        [](uv_handle_t* h, size_t, uv_buf_t* buf) {
          auto* self = static_cast<FakeUdpServer*>(h->data);
          *buf = uv_buf_init(self->buffer_.data(), self->buffer_.size());
        },
        [](uv_udp_t* h, ssize_t nread, const uv_buf_t* buf, const sockaddr* from, unsigned) {
          auto* self = static_cast<FakeUdpServer*>(h->data);
          if (nread <= 0 || from == nullptr) return;
          std::vector<uint8_t> query(buf->base, buf->base + nread);
          sockaddr_storage sender{};
          std::memcpy(&sender, from, sizeof(sockaddr_in));
          self->queries_.push_back(query);
          self->senders_.push_back(sender);
          if (self->on_query) self->on_query(query, sender);
        });
  }
  ~FakeUdpServer() { uv_close(reinterpret_cast<uv_handle_t*>(&handle_), nullptr); }

  void SendTo(const std::vector<uint8_t>& data, const sockaddr_storage& to) {
    int fd = -1;
    uv_fileno(reinterpret_cast<uv_handle_t*>(&handle_), &fd);
    sendto(fd, data.data(), data.size(), 0, reinterpret_cast<const sockaddr*>(&to),
           sizeof(sockaddr_in));
  }

  Endpoint endpoint() const { return *Endpoint::Parse("127.0.0.1", port_); }
  uint16_t port() const { return port_; }
  const std::vector<std::vector<uint8_t>>& queries() const { return queries_; }
  const std::vector<sockaddr_storage>& senders() const { return senders_; }

  Handler on_query;

 private:
  uv_udp_t handle_;
  uint16_t port_ = 0;
  std::array<char, 65536> buffer_;
  std::vector<std::vector<uint8_t>> queries_;
  std::vector<sockaddr_storage> senders_;
};

class UdpTcpTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    uv_loop_init(&loop_);
    transport_ = std::make_unique<UdpTcpTransport>(&loop_, UdpTcpTransportOptions{});
  }
  void TearDown() override {
    transport_.reset();
    servers_.clear();
    uv_run(&loop_, UV_RUN_DEFAULT);  // lets every close finish
    EXPECT_EQ(uv_loop_close(&loop_), 0) << "a handle was left open";
  }

  FakeUdpServer& Server(uint16_t port = 0) {
    servers_.push_back(std::make_unique<FakeUdpServer>(&loop_, port));
    return *servers_.back();
  }
  // A server that answers every query with an A record of `address`.
  FakeUdpServer& AnsweringServer(const char* address) {
    FakeUdpServer& server = Server();
    server.on_query = [&server, address](const std::vector<uint8_t>& query,
                                         const sockaddr_storage& from) {
      server.SendTo(ReplyTo(query, address), from);
    };
    return server;
  }

  UpstreamQuestion Question(const LdnsRdfPtr& name) {
    UpstreamQuestion q;
    q.name = name.get();
    q.type = LDNS_RR_TYPE_A;
    return q;
  }

  // Sends `q` and runs the loop until its callback has run (or `limit` has passed).
  absl::StatusOr<LdnsPktPtr> Ask(const Endpoint& server, const UpstreamQuestion& q,
                                 absl::Duration timeout = absl::Seconds(2)) {
    std::optional<absl::StatusOr<LdnsPktPtr>> result;
    transport_->Query(server, q, timeout,
                      [&](absl::StatusOr<LdnsPktPtr> r) { result = std::move(r); });
    RunUntil([&] { return result.has_value(); });
    if (!result.has_value()) return absl::InternalError("the callback never ran");
    return *std::move(result);
  }

  // Runs the loop until `done` (checked after every iteration) or 10 s. A 10 ms tick wakes the
  // loop, so that a condition on the clock is seen, and a loop that has nothing else to wait for
  // but a fake server's socket does not block for good.
  void RunUntil(const std::function<bool()>& done) {
    uv_timer_t tick;
    uv_timer_init(&loop_, &tick);
    uv_timer_start(
        &tick, [](uv_timer_t*) {}, 10, 10);
    const absl::Time limit = absl::Now() + absl::Seconds(10);
    while (!done() && absl::Now() < limit) uv_run(&loop_, UV_RUN_ONCE);
    uv_close(reinterpret_cast<uv_handle_t*>(&tick), nullptr);
    uv_run(&loop_, UV_RUN_NOWAIT);  // the close callback, before `tick` goes out of scope
  }

  uv_loop_t loop_;
  std::unique_ptr<UdpTcpTransport> transport_;
  std::vector<std::unique_ptr<FakeUdpServer>> servers_;
};

TEST_F(UdpTcpTransportTest, SendsAWellFormedQueryAndReturnsTheMatchingReply) {
  FakeUdpServer& server = AnsweringServer("192.0.2.1");
  LdnsRdfPtr name = Name(kName);
  UpstreamQuestion q = Question(name);
  q.recursion_desired = true;
  q.checking_disabled = true;
  q.dnssec_ok = true;
  absl::StatusOr<LdnsPktPtr> reply = Ask(server.endpoint(), q);
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(AnswerAddress(**reply), "192.0.2.1");
  EXPECT_EQ(transport_->in_flight(), 0u);

  ASSERT_EQ(server.queries().size(), 1u);
  ldns_pkt* raw = nullptr;
  ASSERT_EQ(ldns_wire2pkt(&raw, server.queries()[0].data(), server.queries()[0].size()),
            LDNS_STATUS_OK);
  LdnsPktPtr sent(raw);
  EXPECT_FALSE(ldns_pkt_qr(sent.get()));
  EXPECT_TRUE(ldns_pkt_rd(sent.get()));
  EXPECT_TRUE(ldns_pkt_cd(sent.get()));
  EXPECT_EQ(ldns_pkt_get_opcode(sent.get()), LDNS_PACKET_QUERY);
  EXPECT_EQ(ldns_pkt_qdcount(sent.get()), 1);
  const ldns_rr* question = ldns_rr_list_rr(ldns_pkt_question(sent.get()), 0);
  EXPECT_EQ(ldns_dname_compare(ldns_rr_owner(question), name.get()), 0);
  EXPECT_EQ(ldns_rr_get_type(question), LDNS_RR_TYPE_A);
  EXPECT_EQ(ldns_rr_get_class(question), LDNS_RR_CLASS_IN);
  EXPECT_EQ(ldns_pkt_edns_udp_size(sent.get()), 1232);
  EXPECT_TRUE(ldns_pkt_edns_do(sent.get()));
}

TEST_F(UdpTcpTransportTest, WithoutEdnsSendsNoOptRecord) {
  FakeUdpServer& server = AnsweringServer("192.0.2.1");
  LdnsRdfPtr name = Name(kName);
  UpstreamQuestion q = Question(name);
  q.edns = false;
  ASSERT_TRUE(Ask(server.endpoint(), q).ok());
  ASSERT_EQ(server.queries().size(), 1u);
  const std::vector<uint8_t>& wire = server.queries()[0];
  EXPECT_EQ((wire[10] << 8) | wire[11], 0) << "ARCOUNT";
  EXPECT_EQ(wire.size(), 12 + ldns_rdf_size(name.get()) + 4);
}

// RFC 5452 9.2: every query from its own random port; sockets in flight together cannot share
// one, and the ports spread over the range instead of counting up.
TEST_F(UdpTcpTransportTest, EveryQueryHasItsOwnRandomSourcePort) {
  constexpr int kQueries = 20;
  FakeUdpServer& server = Server();
  LdnsRdfPtr name = Name(kName);
  int answered = 0;
  server.on_query = [&](const std::vector<uint8_t>&, const sockaddr_storage&) {
    if (server.queries().size() < kQueries) return;
    // All in flight at once: now answer every one.
    for (size_t i = 0; i < server.queries().size(); ++i) {
      server.SendTo(ReplyTo(server.queries()[i], "192.0.2.1"), server.senders()[i]);
    }
  };
  for (int i = 0; i < kQueries; ++i) {
    transport_->Query(server.endpoint(), Question(name), absl::Seconds(5),
                      [&](absl::StatusOr<LdnsPktPtr> r) {
                        EXPECT_TRUE(r.ok()) << r.status();
                        ++answered;
                      });
  }
  RunUntil([&] { return answered == kQueries; });
  EXPECT_EQ(answered, kQueries);
  std::set<uint16_t> ports;
  for (const sockaddr_storage& s : server.senders()) ports.insert(PortOf(s));
  EXPECT_EQ(ports.size(), static_cast<size_t>(kQueries));
  EXPECT_GE(*ports.begin(), 1024);
  // 20 ports drawn from 1024..65535 fall within 2000 of each other with probability < 1e-20.
  EXPECT_GT(*ports.rbegin() - *ports.begin(), 2000);
  std::set<uint16_t> ids;
  for (const auto& query : server.queries()) ids.insert((query[0] << 8) | query[1]);
  EXPECT_GT(ids.size(), 1u) << "every query had the same ID";
}

// The poisoning defence: a reply from another port of the same address, or with another ID, is
// not taken; the real reply that follows is.
TEST_F(UdpTcpTransportTest, IgnoresRepliesFromAnotherPortOrWithAnotherId) {
  FakeUdpServer& server = Server();
  FakeUdpServer& spoofer = Server();
  server.on_query = [&](const std::vector<uint8_t>& query, const sockaddr_storage& from) {
    spoofer.SendTo(ReplyTo(query, "192.0.2.66"), from);  // right ID, wrong port
    std::vector<uint8_t> wrong_id = ReplyTo(query, "192.0.2.67");
    wrong_id[1] ^= 1;
    server.SendTo(wrong_id, from);  // right port, wrong ID
    server.SendTo(ReplyTo(query, "192.0.2.1"), from);
  };
  LdnsRdfPtr name = Name(kName);
  absl::StatusOr<LdnsPktPtr> reply = Ask(server.endpoint(), Question(name));
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(AnswerAddress(**reply), "192.0.2.1");
}

TEST_F(UdpTcpTransportTest, AReplyToAnotherQuestionIsNotTakenAndTheQueryTimesOut) {
  FakeUdpServer& server = Server();
  server.on_query = [&](const std::vector<uint8_t>& query, const sockaddr_storage& from) {
    std::vector<uint8_t> reply = ReplyTo(query, "192.0.2.1");
    reply[12 + 1] ^= 0x01;  // another first letter: 'a' becomes '`' or 'A' becomes '@'
    server.SendTo(reply, from);
  };
  LdnsRdfPtr name = Name(kName);
  const absl::Time start = absl::Now();
  absl::StatusOr<LdnsPktPtr> reply =
      Ask(server.endpoint(), Question(name), absl::Milliseconds(200));
  EXPECT_TRUE(absl::IsDeadlineExceeded(reply.status())) << reply.status();
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(190));
  EXPECT_EQ(transport_->in_flight(), 0u);
}

TEST_F(UdpTcpTransportTest, ZeroXTwentyRandomizesTheCaseAndRequiresItEchoed) {
  FakeUdpServer& server = Server();
  bool lowercase_reply = false;
  server.on_query = [&](const std::vector<uint8_t>& query, const sockaddr_storage& from) {
    std::vector<uint8_t> reply = ReplyTo(query, "192.0.2.1");
    if (lowercase_reply) {
      for (size_t i = 12; reply[i] != 0; ++i)
        reply[i] = static_cast<uint8_t>(std::tolower(reply[i]));
    }
    server.SendTo(reply, from);
  };
  LdnsRdfPtr name = Name(kName);
  UpstreamQuestion q = Question(name);
  q.randomize_case = true;
  absl::StatusOr<LdnsPktPtr> reply = Ask(server.endpoint(), q);
  ASSERT_TRUE(reply.ok()) << reply.status();
  const std::vector<uint8_t>& sent = server.queries().back();
  const bool has_upper =
      std::any_of(sent.begin() + 12, sent.end(), [](uint8_t c) { return std::isupper(c); });
  EXPECT_TRUE(has_upper) << "31 letters, none upper case: 0x20 did not randomize";
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(ldns_rdf_data(name.get())) + 1, 3), "abc")
      << "the caller's name was changed";

  lowercase_reply = true;
  reply = Ask(server.endpoint(), q, absl::Milliseconds(200));
  EXPECT_TRUE(absl::IsFailedPrecondition(reply.status())) << reply.status();
}

TEST_F(UdpTcpTransportTest, ATruncatedReplyIsRetriedOverTcp) {
  FakeUdpServer& server = Server();
  server.on_query = [&](const std::vector<uint8_t>& query, const sockaddr_storage& from) {
    server.SendTo(ReplyTo(query, "192.0.2.1", /*truncated=*/true), from);
  };
  // A TCP listener on the same port answers with the full reply.
  struct TcpServer {
    uv_tcp_t listener;
    uv_tcp_t conn;
    std::vector<uint8_t> in;
    std::vector<uint8_t> out;
    uv_write_t write;
    std::array<char, 4096> chunk;
    int queries = 0;
  } tcp;
  uv_tcp_init(&loop_, &tcp.listener);
  tcp.listener.data = &tcp;
  sockaddr_in addr{};
  uv_ip4_addr("127.0.0.1", server.port(), &addr);
  ASSERT_EQ(uv_tcp_bind(&tcp.listener, reinterpret_cast<const sockaddr*>(&addr), 0), 0);
  ASSERT_EQ(
      uv_listen(reinterpret_cast<uv_stream_t*>(&tcp.listener), 4,
                [](uv_stream_t* listener, int) {
                  auto* t = static_cast<TcpServer*>(listener->data);
                  uv_tcp_init(listener->loop, &t->conn);
                  t->conn.data = t;
                  uv_accept(listener, reinterpret_cast<uv_stream_t*>(&t->conn));
                  uv_read_start(
                      reinterpret_cast<uv_stream_t*>(&t->conn),
                      [](uv_handle_t* h, size_t, uv_buf_t* buf) {
                        auto* t = static_cast<TcpServer*>(h->data);
                        *buf = uv_buf_init(t->chunk.data(), t->chunk.size());
                      },
                      [](uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
                        auto* t = static_cast<TcpServer*>(s->data);
                        if (n <= 0) return;
                        t->in.insert(t->in.end(), buf->base, buf->base + n);
                        if (t->in.size() < 2) return;
                        const size_t length = (t->in[0] << 8) | t->in[1];
                        if (t->in.size() < 2 + length) return;
                        ++t->queries;
                        std::vector<uint8_t> reply = ReplyTo(
                            std::vector<uint8_t>(t->in.begin() + 2, t->in.begin() + 2 + length),
                            "192.0.2.1");
                        t->out = {static_cast<uint8_t>(reply.size() >> 8),
                                  static_cast<uint8_t>(reply.size())};
                        t->out.insert(t->out.end(), reply.begin(), reply.end());
                        uv_buf_t b =
                            uv_buf_init(reinterpret_cast<char*>(t->out.data()), t->out.size());
                        uv_write(&t->write, s, &b, 1, nullptr);
                      });
                }),
      0);
  LdnsRdfPtr name = Name(kName);
  absl::StatusOr<LdnsPktPtr> reply = Ask(server.endpoint(), Question(name));
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_FALSE(ldns_pkt_tc(reply->get()));
  EXPECT_EQ(AnswerAddress(**reply), "192.0.2.1");
  EXPECT_EQ(tcp.queries, 1);
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp.listener), nullptr);
  if (tcp.conn.data == &tcp) uv_close(reinterpret_cast<uv_handle_t*>(&tcp.conn), nullptr);
  uv_run(&loop_, UV_RUN_NOWAIT);  // the closes finish before `tcp` goes away
}

// A closed port answers with ICMP port unreachable: reported at once, not after the timeout.
TEST_F(UdpTcpTransportTest, AClosedPortIsUnavailableAtOnce) {
  uint16_t port;
  {
    const int fd = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
    socklen_t size = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size);
    port = ntohs(addr.sin_port);
    close(fd);
  }
  LdnsRdfPtr name = Name(kName);
  const absl::Time start = absl::Now();
  absl::StatusOr<LdnsPktPtr> reply =
      Ask(*Endpoint::Parse("127.0.0.1", port), Question(name), absl::Seconds(5));
  EXPECT_TRUE(absl::IsUnavailable(reply.status())) << reply.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
}

TEST_F(UdpTcpTransportTest, ErrorsInsideQueryAreReportedFromTheLoop) {
  LdnsRdfPtr name = Name(kName);
  bool called = false;
  UpstreamQuestion q = Question(name);
  q.name = nullptr;  // no name: refused before any socket
  transport_->Query(*Endpoint::Parse("127.0.0.1", 53), q, absl::Seconds(5),
                    [&](absl::StatusOr<LdnsPktPtr> r) {
                      called = true;
                      EXPECT_TRUE(absl::IsInvalidArgument(r.status())) << r.status();
                    });
  EXPECT_FALSE(called) << "the callback ran inside Query()";
  RunUntil([&] { return called; });
  EXPECT_TRUE(called);
}

TEST_F(UdpTcpTransportTest, DestroyingTheTransportDropsItsCallbacksAndClosesEverything) {
  FakeUdpServer& silent = Server();
  LdnsRdfPtr name = Name(kName);
  int called = 0;
  for (int i = 0; i < 3; ++i) {
    transport_->Query(silent.endpoint(), Question(name), absl::Seconds(5),
                      [&](absl::StatusOr<LdnsPktPtr>) { ++called; });
  }
  RunUntil([&] { return silent.queries().size() == 3; });
  EXPECT_EQ(transport_->in_flight(), 3u);
  transport_.reset();
  uv_run(&loop_, UV_RUN_NOWAIT);
  EXPECT_EQ(called, 0);
  // TearDown checks that the loop closes with nothing left open.
}

TEST_F(UdpTcpTransportTest, TimeoutsFireInDeadlineOrderWhateverTheOrderOfQueries) {
  FakeUdpServer& silent = Server();
  LdnsRdfPtr name = Name(kName);
  std::vector<int> order;
  const int timeouts_ms[] = {300, 100, 200};
  for (int i = 0; i < 3; ++i) {
    transport_->Query(silent.endpoint(), Question(name), absl::Milliseconds(timeouts_ms[i]),
                      [&order, i](absl::StatusOr<LdnsPktPtr> r) {
                        EXPECT_TRUE(absl::IsDeadlineExceeded(r.status())) << r.status();
                        order.push_back(i);
                      });
  }
  RunUntil([&] { return order.size() == 3; });
  EXPECT_EQ(order, (std::vector<int>{1, 2, 0}));
}

size_t OpenDescriptors() {
  return std::distance(std::filesystem::directory_iterator("/proc/self/fd"),
                       std::filesystem::directory_iterator());
}

// outgoing-range: beyond it, exchanges wait for a socket in order, and a socket given back by a
// cancel or a reply goes to the oldest waiting one.
TEST_F(UdpTcpTransportTest, OutgoingRangeMakesTheRestWaitInOrderForASocket) {
  UdpTcpTransportOptions options;
  options.max_sockets = 2;
  transport_ = std::make_unique<UdpTcpTransport>(&loop_, options);
  FakeUdpServer& server = Server();
  LdnsRdfPtr name = Name(kName);
  std::vector<std::optional<absl::Status>> results(4);
  std::vector<uint64_t> tickets;
  for (int i = 0; i < 4; ++i) {
    tickets.push_back(transport_->Query(
        server.endpoint(), Question(name), absl::Seconds(5),
        [&results, i](absl::StatusOr<LdnsPktPtr> r) { results[i] = r.status(); }));
  }
  RunUntil([&] { return server.queries().size() == 2; });
  const absl::Time settle = absl::Now() + absl::Milliseconds(50);
  RunUntil([&] { return absl::Now() > settle; });
  EXPECT_EQ(server.queries().size(), 2u);
  EXPECT_EQ(transport_->waiting_for_socket(), 2u);

  // A cancelled exchange gives its socket to the third, and never calls back.
  transport_->Cancel(tickets[0]);
  RunUntil([&] { return server.queries().size() == 3; });
  EXPECT_EQ(server.queries().size(), 3u);
  EXPECT_EQ(transport_->waiting_for_socket(), 1u);
  // An answered one gives its socket to the fourth.
  server.SendTo(ReplyTo(server.queries()[1], "192.0.2.7"), server.senders()[1]);
  RunUntil([&] { return server.queries().size() == 4; });
  EXPECT_EQ(server.queries().size(), 4u);
  ASSERT_TRUE(results[1].has_value());
  EXPECT_TRUE(results[1]->ok()) << *results[1];
  EXPECT_FALSE(results[0].has_value());
  EXPECT_EQ(transport_->waiting_for_socket(), 0u);
  EXPECT_EQ(transport_->in_flight(), 2u);
}

// The wait is a local limit: it ends as ResourceExhausted, which the resolver must not hold
// against the server (unlike DeadlineExceeded).
TEST_F(UdpTcpTransportTest, WaitingPastTheTimeoutForASocketIsResourceExhausted) {
  UdpTcpTransportOptions options;
  options.max_sockets = 1;
  transport_ = std::make_unique<UdpTcpTransport>(&loop_, options);
  FakeUdpServer& silent = Server();
  LdnsRdfPtr name = Name(kName);
  transport_->Query(silent.endpoint(), Question(name), absl::Seconds(5),
                    [](absl::StatusOr<LdnsPktPtr>) {});
  absl::StatusOr<LdnsPktPtr> waited =
      Ask(silent.endpoint(), Question(name), absl::Milliseconds(100));
  EXPECT_TRUE(absl::IsResourceExhausted(waited.status())) << waited.status();
  EXPECT_EQ(silent.queries().size(), 1u);
}

TEST_F(UdpTcpTransportTest, CancelClosesTheSocketAtOnceAndNeverCallsBack) {
  FakeUdpServer& silent = Server();
  LdnsRdfPtr name = Name(kName);
  const size_t before = OpenDescriptors();
  bool called = false;
  const uint64_t ticket = transport_->Query(silent.endpoint(), Question(name), absl::Seconds(5),
                                            [&](absl::StatusOr<LdnsPktPtr>) { called = true; });
  RunUntil([&] { return silent.queries().size() == 1; });
  EXPECT_EQ(OpenDescriptors(), before + 1);
  transport_->Cancel(ticket);
  EXPECT_EQ(OpenDescriptors(), before);
  EXPECT_EQ(transport_->in_flight(), 0u);
  transport_->Cancel(ticket);  // again, or after the end: nothing
  uv_run(&loop_, UV_RUN_NOWAIT);
  EXPECT_FALSE(called);
}

}  // namespace
}  // namespace rebound
