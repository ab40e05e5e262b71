// log-queries, log-replies and log-servfail (unbound.conf(5)): the lines QueryHandler writes for
// them, in unbound's words, whatever the verbosity, and none when they are off.
#include "resolver/server/query_log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "resolver/cache/packet_cache.h"
#include "resolver/config/access_control_list.h"
#include "resolver/core/clock.h"
#include "resolver/core/log.h"
#include "resolver/core/pipeline.h"
#include "resolver/server/query_handler.h"
#include "resolver/wire/ldns_ptr.h"

namespace rebound {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Answers every query with one A record and `rcode`.
class OneRecordStage : public Stage {
 public:
  StageResult OnQuery(Request& req) override {
    LdnsPktPtr answer(ldns_pkt_new());
    ldns_pkt_set_rcode(answer.get(), rcode);
    if (rcode == LDNS_RCODE_NOERROR) {
      ldns_rr* rr = nullptr;
      EXPECT_EQ(ldns_rr_new_frm_str(&rr, "q.test. 300 IN A 192.0.2.1", 0, nullptr, nullptr),
                LDNS_STATUS_OK);
      ldns_pkt_push_rr(answer.get(), LDNS_SECTION_ANSWER, rr);
    }
    if (!reason.empty()) req.set_extended_error(ExtendedDnsError{22, reason});
    req.set_answer(std::move(answer));
    return StageResult::kDone;
  }

  ldns_pkt_rcode rcode = LDNS_RCODE_NOERROR;
  std::string reason;
};

std::vector<uint8_t> Wire(const char* name, ldns_rr_type type) {
  LdnsPktPtr q(ldns_pkt_query_new(ldns_dname_new_frm_str(name), type, LDNS_RR_CLASS_IN, LDNS_RD));
  uint8_t* wire = nullptr;
  size_t size = 0;
  EXPECT_EQ(ldns_pkt2wire(&wire, q.get(), &size), LDNS_STATUS_OK);
  std::vector<uint8_t> out(wire, wire + size);
  free(wire);
  return out;
}

class QueryLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/rebound-query-log-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    // Verbosity 0: the lines are written all the same, as unbound's are.
    ASSERT_TRUE(ConfigureLog(0, dir_ + "/log").ok());
    ASSERT_TRUE(acl_.Add("127.0.0.0/8", AccessAction::kAllow).ok());
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }

  std::string Logged() {
    std::ifstream in(dir_ + "/log");
    std::stringstream out;
    out << in.rdbuf();
    return out.str();
  }

  // Asks `handler` and returns the response's size.
  size_t Ask(QueryHandler* handler, const char* name = "q.test.") {
    std::vector<uint8_t> out(1232);
    size_t size = 0;
    const QueryHandler::Handled handled = handler->Handle(
        Wire(name, LDNS_RR_TYPE_A), {*Endpoint::Parse("127.0.0.1@40000", 0), false}, out,
        [&] { return QueryHandler::Reply([&](std::vector<uint8_t> r) { size = r.size(); }); });
    return handled.outcome == QueryHandler::Outcome::kAnswered ? handled.size : size;
  }

  QueryHandler Handler(bool queries, bool replies, bool servfail) {
    return QueryHandler(&acl_, &pipeline_, &clock_,
                        QueryHandlerOptions{.packet_cache = &packet_cache_,
                                            .log_queries = queries,
                                            .log_replies = replies,
                                            .log_servfail = servfail});
  }

  std::string dir_;
  OneRecordStage stage_;
  Pipeline pipeline_{{&stage_}};
  AccessControlList acl_;
  FakeClock clock_;
  PacketCache packet_cache_{PacketCacheOptions{}, &clock_};
};

TEST_F(QueryLogTest, LogQueriesWritesTheClientAndTheQuestion) {
  QueryHandler handler = Handler(true, false, false);
  Ask(&handler);
  EXPECT_THAT(Logged(), HasSubstr("rebound[info]: 127.0.0.1 q.test. A IN\n"));
}

// The first reply came from the pipeline, the second from the packet cache (cached 1).
TEST_F(QueryLogTest, LogRepliesWritesTheRcodeTimeCacheAndSize) {
  QueryHandler handler = Handler(false, true, false);
  const size_t size = Ask(&handler);
  ASSERT_GT(size, 0u);
  Ask(&handler);
  const std::string log = Logged();
  EXPECT_THAT(log, HasSubstr("127.0.0.1 q.test. A IN NOERROR 0.000000 0 " + std::to_string(size)));
  EXPECT_THAT(log, HasSubstr("127.0.0.1 q.test. A IN NOERROR 0.000000 1 " + std::to_string(size)));
  EXPECT_THAT(log, Not(HasSubstr("127.0.0.1 q.test. A IN\n")))
      << "a query line without log-queries";
}

TEST_F(QueryLogTest, LogServfailWritesTheReasonAsAnError) {
  stage_.rcode = LDNS_RCODE_SERVFAIL;
  stage_.reason = "all servers for this domain failed";
  QueryHandler handler = Handler(false, false, true);
  Ask(&handler);
  EXPECT_THAT(Logged(),
              HasSubstr("rebound[error]: SERVFAIL <q.test. A IN>: all servers for this domain "
                        "failed\n"));
}

TEST_F(QueryLogTest, NothingIsLoggedWhenTheOptionsAreOff) {
  stage_.rcode = LDNS_RCODE_SERVFAIL;
  QueryHandler handler = Handler(false, false, false);
  Ask(&handler);
  EXPECT_EQ(Logged(), "");
}

TEST(QueryLogLineTest, ReplyLineCountsMicroseconds) {
  std::vector<uint8_t> query = Wire("example.com.", LDNS_RR_TYPE_AAAA);
  query[2] |= 0x80;  // QR: a response, NOERROR
  EXPECT_EQ(
      ReplyLogLine(*Endpoint::Parse("::1@53", 0), query, false, absl::Microseconds(1'234'567)),
      "::1 example.com. AAAA IN NOERROR 1.234567 0 " + std::to_string(query.size()));
}

}  // namespace
}  // namespace rebound
