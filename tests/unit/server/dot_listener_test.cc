// DNS over TLS (RFC 7858) in the TCP listener, on a real loop and loopback sockets with a
// certificate from a throw-away CA: queries pipelined past max_pipelined pause the reading and
// are all answered once it resumes; and which interfaces a configuration turns into DNS over TLS
// listeners (ListenTargets).
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "resolver/server/tcp_listener.h"
#include "resolver/server/worker.h"
#include "tests/common/temp_dir.h"
#include "tests/common/test_ca.h"
#include "tls/tls_context.h"

namespace rebound {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAreArray;

// Answers every A query with one record, 50 ms later from a timer, as an upstream reply would
// come: queries stay in flight long enough for more to arrive behind them.
class LaterStage : public Stage {
 public:
  explicit LaterStage(uv_loop_t* loop) : loop_(loop) {}

  StageResult OnQuery(Request& req) override {
    char* name = ldns_rdf2str(req.qname());
    const std::string qname(name);
    free(name);
    ldns_rr* rr = nullptr;
    EXPECT_EQ(
        ldns_rr_new_frm_str(&rr, (qname + " 300 IN A 192.0.2.1").c_str(), 0, nullptr, nullptr),
        LDNS_STATUS_OK);
    LdnsPktPtr answer(ldns_pkt_new());
    ldns_pkt_push_rr(answer.get(), LDNS_SECTION_ANSWER, rr);
    req.set_answer(std::move(answer));
    struct Delayed {
      uv_timer_t timer;
      RequestHandle handle;
    };
    auto* delayed = new Delayed{{}, req.handle()};
    delayed->timer.data = delayed;
    uv_timer_init(loop_, &delayed->timer);
    uv_timer_start(
        &delayed->timer,
        [](uv_timer_t* t) {
          auto* d = static_cast<Delayed*>(t->data);
          d->handle.Resume(StageResult::kDone);
          uv_close(reinterpret_cast<uv_handle_t*>(t),
                   [](uv_handle_t* h) { delete static_cast<Delayed*>(h->data); });
        },
        50, 0);
    return StageResult::kPending;
  }

 private:
  uv_loop_t* loop_;
};

// Two-byte length and an A query for `name` with `id`.
std::vector<uint8_t> FramedQuery(const std::string& name, uint16_t id) {
  LdnsPktPtr q(ldns_pkt_query_new(ldns_dname_new_frm_str(name.c_str()), LDNS_RR_TYPE_A,
                                  LDNS_RR_CLASS_IN, LDNS_RD));
  ldns_pkt_set_id(q.get(), id);
  uint8_t* wire = nullptr;
  size_t size = 0;
  EXPECT_EQ(ldns_pkt2wire(&wire, q.get(), &size), LDNS_STATUS_OK);
  std::vector<uint8_t> out = {static_cast<uint8_t>(size >> 8), static_cast<uint8_t>(size)};
  out.insert(out.end(), wire, wire + size);
  free(wire);
  return out;
}

class DotListenerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<testing::TempDir> dir = testing::TempDir::Create("rebound-dot-listener-");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = new testing::TempDir(*std::move(dir));
    absl::StatusOr<testing::TestCa> ca = testing::TestCa::Create(dir_->path());
    ASSERT_TRUE(ca.ok()) << ca.status();
    ca_file_ = new std::string(ca->cert_file());
    absl::StatusOr<testing::TestLeaf> leaf = ca->IssueLeaf("dot.test", {"127.0.0.1"});
    ASSERT_TRUE(leaf.ok()) << leaf.status();
    leaf_ = new testing::TestLeaf(*leaf);
  }
  static void TearDownTestSuite() {
    delete leaf_;
    delete ca_file_;
    delete dir_;
  }

  void SetUp() override {
    ASSERT_NE(leaf_, nullptr);
    absl::StatusOr<std::unique_ptr<TlsServerContext>> context =
        TlsServerContext::Create(leaf_->key_file, leaf_->cert_file, kAlpnDot);
    ASSERT_TRUE(context.ok()) << context.status();
    context_ = *std::move(context);
    uv_loop_init(&loop_);
    uv_async_init(&loop_, &stop_, [](uv_async_t* a) {
      static_cast<DotListenerTest*>(a->data)->listener_->Close();
      uv_close(reinterpret_cast<uv_handle_t*>(a), nullptr);
    });
    stop_.data = this;
    sockaddr_in loopback{};  // port 0: the kernel picks one
    loopback.sin_family = AF_INET;
    loopback.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    absl::StatusOr<TcpListener*> listener = TcpListener::Open(
        &loop_, Endpoint::FromSockaddr(reinterpret_cast<sockaddr*>(&loopback)),
        /*reuseport=*/false, &handler_, TcpLimits{.max_pipelined = 2}, {}, context_.get());
    ASSERT_TRUE(listener.ok()) << listener.status();
    listener_ = *listener;
    address_ = listener_->local_address();
    loop_thread_ = std::thread([this] { uv_run(&loop_, UV_RUN_DEFAULT); });
  }

  void TearDown() override {
    if (loop_thread_.joinable()) {
      uv_async_send(&stop_);
      loop_thread_.join();
      EXPECT_EQ(uv_loop_close(&loop_), 0);
    }
  }

  static inline testing::TempDir* dir_ = nullptr;
  static inline std::string* ca_file_ = nullptr;
  static inline testing::TestLeaf* leaf_ = nullptr;
  std::unique_ptr<TlsServerContext> context_;
  uv_loop_t loop_;
  uv_async_t stop_;
  LaterStage stage_{&loop_};
  Pipeline pipeline_{{&stage_}};
  AccessControlList acl_;  // 127.0.0.0/8 allowed
  QueryHandler handler_{&acl_, &pipeline_, SystemClock::Get(), QueryHandlerOptions{}};
  TcpListener* listener_ = nullptr;
  Endpoint address_;
  std::thread loop_thread_;
};

// Six queries, two and then four more, against max_pipelined 2: the listener stops reading
// while two are in flight and must take the rest up again as answers go out.
TEST_F(DotListenerTest, ReadingPausedAtMaxPipelinedResumesAndEveryQueryIsAnswered) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  const timeval tv = absl::ToTimeval(absl::Seconds(2));
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ASSERT_EQ(connect(fd, address_.sockaddr_ptr(), address_.sockaddr_len()), 0);
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_load_verify_locations(ctx, ca_file_->c_str(), nullptr);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  static const unsigned char kDot[] = {3, 'd', 'o', 't'};
  SSL_CTX_set_alpn_protos(ctx, kDot, sizeof kDot);
  SSL* ssl = SSL_new(ctx);
  SSL_set1_host(ssl, "dot.test");
  SSL_set_fd(ssl, fd);
  ASSERT_EQ(SSL_connect(ssl), 1);
  const unsigned char* alpn = nullptr;
  unsigned int alpn_length = 0;
  SSL_get0_alpn_selected(ssl, &alpn, &alpn_length);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(alpn), alpn_length), "dot");

  std::vector<uint8_t> first, second;
  for (uint16_t id = 1; id <= 6; ++id) {
    const std::vector<uint8_t> q = FramedQuery("q" + std::to_string(id) + ".test.", id);
    (id <= 2 ? first : second).insert((id <= 2 ? first : second).end(), q.begin(), q.end());
  }
  ASSERT_EQ(SSL_write(ssl, first.data(), static_cast<int>(first.size())),
            static_cast<int>(first.size()));
  // The second batch comes once the first two are in flight, so it finds the reading paused.
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(SSL_write(ssl, second.data(), static_cast<int>(second.size())),
            static_cast<int>(second.size()));

  std::vector<uint8_t> received;
  std::vector<uint16_t> ids;
  while (ids.size() < 6) {
    uint8_t chunk[4096];
    const int got = SSL_read(ssl, chunk, sizeof chunk);
    ASSERT_GT(got, 0) << "answers so far: " << ids.size();
    received.insert(received.end(), chunk, chunk + got);
    while (received.size() >= 2) {
      const size_t length = (size_t{received[0]} << 8) | received[1];
      if (received.size() < 2 + length) break;
      ldns_pkt* pkt = nullptr;
      ASSERT_EQ(ldns_wire2pkt(&pkt, received.data() + 2, length), LDNS_STATUS_OK);
      ids.push_back(ldns_pkt_id(pkt));
      EXPECT_EQ(ldns_rr_list_rr_count(ldns_pkt_answer(pkt)), 1u);
      ldns_pkt_free(pkt);
      received.erase(received.begin(), received.begin() + 2 + length);
    }
  }
  EXPECT_THAT(ids, UnorderedElementsAreArray({1, 2, 3, 4, 5, 6}));
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  close(fd);
}

// An interface on tls-port or a tls-additional-port is one DNS over TLS socket, with no UDP and
// no plain TCP beside it; https-port wins when the ports are the same.
TEST(ListenTargetsTest, TlsPortsServeDnsOverTlsOnly) {
  Config config = DefaultConfig();
  auto at = [](const char* text) { return *Endpoint::Parse(text, 53); };
  config.interfaces = {at("127.0.0.1"), at("127.0.0.1@853"), at("::1@8853"), at("::1@443")};
  config.tls_additional_ports = {8853};
  using Kind = ListenTarget::Kind;
  std::vector<std::pair<std::string, Kind>> targets;
  for (const ListenTarget& t : ListenTargets(config)) {
    targets.emplace_back(t.address.ToString(), t.kind);
  }
  EXPECT_THAT(targets, ElementsAre(std::pair{std::string("127.0.0.1@53"), Kind::kUdp},
                                   std::pair{std::string("127.0.0.1@53"), Kind::kTcp},
                                   std::pair{std::string("127.0.0.1@853"), Kind::kTls},
                                   std::pair{std::string("::1@8853"), Kind::kTls},
                                   std::pair{std::string("::1@443"), Kind::kHttps}));
  config.https_port = 853;
  EXPECT_EQ(ListenTargets(config).at(2).kind, Kind::kHttps);
}

}  // namespace
}  // namespace rebound
