// The UDP and TCP listeners on a real loop and real loopback sockets: batches of queries in,
// every response out exactly once, to the right client, whether it came from the packet cache,
// the pipeline at once, or the pipeline later (from a timer, with no more I/O to wake the loop).
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "resolver/server/tcp_listener.h"
#include "resolver/server/udp_listener.h"

namespace rebound {
namespace {

using ::testing::UnorderedElementsAreArray;

// Answers "NAME A" with one A record. Names starting with "later" are answered 5 ms later from a
// timer, as an upstream reply would be; the others at once.
class AnsweringStage : public Stage {
 public:
  explicit AnsweringStage(uv_loop_t* loop) : loop_(loop) {}

  StageResult OnQuery(Request& req) override {
    ++calls;
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
    if (!qname.starts_with("later")) return StageResult::kDone;
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
        5, 0);
    return StageResult::kPending;
  }

  int calls = 0;

 private:
  uv_loop_t* loop_;
};

std::vector<uint8_t> QueryWire(const std::string& name, uint16_t id, size_t pad_to = 0) {
  LdnsPktPtr q(ldns_pkt_query_new(ldns_dname_new_frm_str(name.c_str()), LDNS_RR_TYPE_A,
                                  LDNS_RR_CLASS_IN, LDNS_RD));
  ldns_pkt_set_id(q.get(), id);
  uint8_t* wire = nullptr;
  size_t size = 0;
  EXPECT_EQ(ldns_pkt2wire(&wire, q.get(), &size), LDNS_STATUS_OK);
  std::vector<uint8_t> out(wire, wire + size);
  free(wire);
  if (out.size() < pad_to) out.resize(pad_to, 0);  // bytes after the question: not a query
  return out;
}

struct Parsed {
  uint16_t id;
  ldns_pkt_rcode rcode;
  std::string question;
  size_t answers;
};

std::optional<Parsed> ParseResponse(const uint8_t* data, size_t size) {
  ldns_pkt* pkt = nullptr;
  if (ldns_wire2pkt(&pkt, data, size) != LDNS_STATUS_OK) return std::nullopt;
  LdnsPktPtr owned(pkt);
  std::string question;
  if (ldns_pkt_qdcount(pkt) == 1) {
    char* text = ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(pkt), 0)));
    question = text;
    free(text);
  }
  return Parsed{ldns_pkt_id(pkt), ldns_pkt_get_rcode(pkt), question,
                ldns_rr_list_rr_count(ldns_pkt_answer(pkt))};
}

// A worker in miniature: a loop on its own thread with one UDP and one TCP listener on
// 127.0.0.1, a pipeline of AnsweringStage, and a packet cache.
class ListenerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    uv_loop_init(&loop_);
    uv_async_init(&loop_, &stop_, [](uv_async_t* a) {
      auto* self = static_cast<ListenerTest*>(a->data);
      self->udp_->Close();
      self->tcp_->Close();
      uv_close(reinterpret_cast<uv_handle_t*>(a), nullptr);
    });
    stop_.data = this;
    sockaddr_in loopback{};  // port 0: the kernel picks one
    loopback.sin_family = AF_INET;
    loopback.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const Endpoint any_port = Endpoint::FromSockaddr(reinterpret_cast<sockaddr*>(&loopback));
    absl::StatusOr<UdpListener*> udp =
        UdpListener::Open(&loop_, any_port, /*reuseport=*/false, &handler_, 1232);
    ASSERT_TRUE(udp.ok()) << udp.status();
    udp_ = *udp;
    absl::StatusOr<TcpListener*> tcp =
        TcpListener::Open(&loop_, any_port, /*reuseport=*/false, &handler_, TcpLimits{});
    ASSERT_TRUE(tcp.ok()) << tcp.status();
    tcp_ = *tcp;
    udp_address_ = udp_->local_address();
    tcp_address_ = tcp_->local_address();
    loop_thread_ = std::thread([this] { uv_run(&loop_, UV_RUN_DEFAULT); });
  }

  void TearDown() override {
    if (loop_thread_.joinable()) {
      uv_async_send(&stop_);
      loop_thread_.join();
    }
    EXPECT_EQ(uv_loop_close(&loop_), 0);
  }

  // A UDP client socket on 127.0.0.1 that gives up waiting after a second.
  static int ClientSocket(int type) {
    int fd = socket(AF_INET, type, 0);
    timeval tv = absl::ToTimeval(absl::Seconds(1));
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
  }

  uv_loop_t loop_;
  uv_async_t stop_;
  AnsweringStage stage_{&loop_};
  Pipeline pipeline_{{&stage_}};
  AccessControlList acl_;  // 127.0.0.0/8 allowed
  PacketCache packet_cache_{PacketCacheOptions{}, SystemClock::Get()};
  QueryHandler handler_{&acl_, &pipeline_, SystemClock::Get(),
                        QueryHandlerOptions{.packet_cache = &packet_cache_}};
  UdpListener* udp_ = nullptr;
  TcpListener* tcp_ = nullptr;
  Endpoint udp_address_, tcp_address_;
  std::thread loop_thread_;
};

TEST_F(ListenerTest, UdpBatchesGetEveryAnswerOnceWhereverItComesFrom) {
  int fd = ClientSocket(SOCK_DGRAM);
  // More than two receive batches' worth, some answered at once, some 5 ms later, and each name
  // asked twice in a row so that many of the second asks are packet cache hits.
  std::map<uint16_t, std::string> sent;
  uint16_t id = 1;
  for (int i = 0; i < 40; ++i) {
    const std::string name = (i % 3 == 0 ? "later" : "now") + std::to_string(i) + ".test.";
    for (int twice = 0; twice < 2; ++twice) {
      const std::vector<uint8_t> q = QueryWire(name, id);
      sent[id++] = name;
      ASSERT_EQ(sendto(fd, q.data(), q.size(), 0, udp_address_.sockaddr_ptr(),
                       udp_address_.sockaddr_len()),
                static_cast<ssize_t>(q.size()));
    }
  }
  std::map<uint16_t, std::string> answered;
  std::vector<uint8_t> buffer(65535);
  while (answered.size() < sent.size()) {
    const ssize_t got = recv(fd, buffer.data(), buffer.size(), 0);
    ASSERT_GT(got, 0) << "no answer after " << answered.size() << " of " << sent.size();
    std::optional<Parsed> r = ParseResponse(buffer.data(), got);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->rcode, LDNS_RCODE_NOERROR);
    EXPECT_EQ(r->answers, 1u);
    EXPECT_FALSE(answered.contains(r->id)) << "two answers to id " << r->id;
    answered[r->id] = r->question;
  }
  EXPECT_EQ(answered, sent);
  close(fd);
}

TEST_F(ListenerTest, AnswerFinishedByATimerLeavesWithoutFurtherTraffic) {
  // The loop has nothing else to do: were the response held for the next batch, the client
  // would wait for ever.
  int fd = ClientSocket(SOCK_DGRAM);
  const std::vector<uint8_t> q = QueryWire("later.test.", 77);
  ASSERT_GT(
      sendto(fd, q.data(), q.size(), 0, udp_address_.sockaddr_ptr(), udp_address_.sockaddr_len()),
      0);
  std::vector<uint8_t> buffer(65535);
  const ssize_t got = recv(fd, buffer.data(), buffer.size(), 0);
  ASSERT_GT(got, 0);
  EXPECT_EQ(ParseResponse(buffer.data(), got)->id, 77);
  close(fd);
}

TEST_F(ListenerTest, OversizedUdpQueryGetsFormerr) {
  int fd = ClientSocket(SOCK_DGRAM);
  const std::vector<uint8_t> q = QueryWire("big.test.", 99, UdpListener::kMaxQuerySize + 100);
  ASSERT_GT(
      sendto(fd, q.data(), q.size(), 0, udp_address_.sockaddr_ptr(), udp_address_.sockaddr_len()),
      0);
  std::vector<uint8_t> buffer(65535);
  const ssize_t got = recv(fd, buffer.data(), buffer.size(), 0);
  ASSERT_GT(got, 0);
  std::optional<Parsed> r = ParseResponse(buffer.data(), got);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->id, 99);
  EXPECT_EQ(r->rcode, LDNS_RCODE_FORMERR);
  close(fd);
}

TEST_F(ListenerTest, TcpPipelinedQueriesAreAnsweredFromPipelineAndPacketCacheAlike) {
  int fd = ClientSocket(SOCK_STREAM);
  ASSERT_EQ(connect(fd, tcp_address_.sockaddr_ptr(), tcp_address_.sockaddr_len()), 0);
  // One write: a miss, then the same question (a packet cache hit by then), then a late one.
  std::vector<uint8_t> stream;
  const std::vector<std::pair<std::string, uint16_t>> queries = {
      {"tcp.test.", 1}, {"tcp.test.", 2}, {"latertcp.test.", 3}};
  for (const auto& [name, id] : queries) {
    const std::vector<uint8_t> q = QueryWire(name, id);
    stream.push_back(static_cast<uint8_t>(q.size() >> 8));
    stream.push_back(static_cast<uint8_t>(q.size()));
    stream.insert(stream.end(), q.begin(), q.end());
  }
  ASSERT_EQ(send(fd, stream.data(), stream.size(), 0), static_cast<ssize_t>(stream.size()));
  std::vector<uint16_t> ids;
  for (size_t i = 0; i < queries.size(); ++i) {
    uint8_t length[2];
    ASSERT_EQ(recv(fd, length, 2, MSG_WAITALL), 2) << "answer " << i;
    std::vector<uint8_t> message((size_t{length[0]} << 8) | length[1]);
    ASSERT_EQ(recv(fd, message.data(), message.size(), MSG_WAITALL),
              static_cast<ssize_t>(message.size()));
    std::optional<Parsed> r = ParseResponse(message.data(), message.size());
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->answers, 1u);
    ids.push_back(r->id);
  }
  EXPECT_THAT(ids, UnorderedElementsAreArray({1, 2, 3}));
  close(fd);
}

}  // namespace
}  // namespace rebound
