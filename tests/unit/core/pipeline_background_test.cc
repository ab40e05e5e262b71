// Background requests (prefetch, the refresh behind a stale answer: Pipeline::SubmitBackground)
// and a stage taking back a request it passed on (RequestHandle::AnswerFrom).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "resolver/core/pipeline.h"

namespace rebound {
namespace {

std::unique_ptr<Request> MakeRequest(absl::string_view client = "192.0.2.1@5353",
                                     absl::Time received = absl::Now()) {
  LdnsPktPtr q(ldns_pkt_query_new(ldns_dname_new_frm_str("example.test."), LDNS_RR_TYPE_A,
                                  LDNS_RR_CLASS_IN, LDNS_RD));
  ClientInfo info;
  info.address = *Endpoint::Parse(client, 53);
  return std::make_unique<Request>(std::move(q), info, received);
}

// Logs its calls; OnQuery passes on, answers, or holds the request pending.
class LoggingStage : public Stage {
 public:
  LoggingStage(std::string name, std::vector<std::string>* log, StageResult on_query)
      : name_(std::move(name)), log_(log), on_query_(on_query) {}
  StageResult OnQuery(Request& req) override {
    log_->push_back(name_ + ".query" + (req.background() ? " (background)" : ""));
    last_ = req.handle();
    position_ = req.stage();
    if (on_query_ == StageResult::kDone) {
      LdnsPktPtr answer(ldns_pkt_new());
      ldns_pkt_set_rcode(answer.get(), LDNS_RCODE_NOERROR);
      req.set_answer(std::move(answer));
    }
    return on_query_;
  }
  StageResult OnAnswer(Request&) override {
    log_->push_back(name_ + ".answer");
    return StageResult::kContinue;
  }
  void OnCancel(Request&) override { log_->push_back(name_ + ".cancel"); }
  RequestHandle last() const { return last_; }
  size_t position() const { return position_; }

 private:
  std::string name_;
  std::vector<std::string>* log_;
  StageResult on_query_;
  RequestHandle last_{nullptr, 0};
  size_t position_ = 0;
};

TEST(PipelineBackgroundTest, RunsEveryStageAndAnswersNobody) {
  std::vector<std::string> log;
  LoggingStage a("a", &log, StageResult::kContinue);
  LoggingStage b("b", &log, StageResult::kDone);
  Pipeline pipeline({&a, &b});
  EXPECT_NE(pipeline.SubmitBackground(MakeRequest(), /*prefetch=*/true), 0u);
  EXPECT_EQ(log,
            (std::vector<std::string>{"a.query (background)", "b.query (background)", "a.answer"}));
  EXPECT_EQ(pipeline.pending(), 0u);
}

TEST(PipelineBackgroundTest, TurnedAwayWhenTheListIsFull) {
  std::vector<std::string> log;
  LoggingStage slow("slow", &log, StageResult::kPending);
  Pipeline pipeline({&slow}, PipelineLimits{.max_requests = 1});
  ASSERT_NE(pipeline.Submit(MakeRequest(), [](Request&) {}), 0u);
  EXPECT_EQ(pipeline.SubmitBackground(MakeRequest(), /*prefetch=*/true), 0u);
  EXPECT_EQ(pipeline.pending(), 1u);
  EXPECT_EQ(pipeline.stats().jostled, 0u);  // the client's request stayed
}

TEST(PipelineBackgroundTest, DroppedFirstForAClientWhateverItsAge) {
  std::vector<std::string> log;
  LoggingStage slow("slow", &log, StageResult::kPending);
  Pipeline pipeline({&slow}, PipelineLimits{.max_requests = 2});
  const absl::Time now = absl::Now();
  ASSERT_NE(pipeline.Submit(MakeRequest("192.0.2.1@1", now), [](Request&) {}), 0u);
  ASSERT_NE(pipeline.SubmitBackground(MakeRequest("192.0.2.1@1", now), true), 0u);
  // Nothing has run past jostle-timeout, so only the background request can make room.
  int answered = 0;
  EXPECT_NE(pipeline.Submit(MakeRequest("192.0.2.2@1", now), [&](Request&) { ++answered; }), 0u);
  EXPECT_EQ(pipeline.pending(), 2u);
  EXPECT_EQ(std::count(log.begin(), log.end(), "slow.cancel"), 1);
  EXPECT_EQ(pipeline.stats().exceeded, 0u);
}

TEST(PipelineBackgroundTest, NotChargedToTheClientsShare) {
  std::vector<std::string> log;
  LoggingStage slow("slow", &log, StageResult::kPending);
  Pipeline pipeline({&slow}, PipelineLimits{.max_per_client = 1});
  ASSERT_NE(pipeline.SubmitBackground(MakeRequest("192.0.2.1@1"), true), 0u);
  EXPECT_NE(pipeline.Submit(MakeRequest("192.0.2.1@1"), [](Request&) {}), 0u);
  EXPECT_EQ(pipeline.pending(), 2u);
  EXPECT_EQ(std::count(log.begin(), log.end(), "slow.cancel"), 0);
}

// The middle stage passed the request on and takes it back: the stage below stops, only the
// stages above see the answer, and the client gets it.
TEST(PipelineBackgroundTest, AnswerFromCancelsBelowAndAnswersThroughTheStagesAbove) {
  std::vector<std::string> log;
  LoggingStage top("top", &log, StageResult::kContinue);
  LoggingStage middle("middle", &log, StageResult::kContinue);
  LoggingStage bottom("bottom", &log, StageResult::kPending);
  Pipeline pipeline({&top, &middle, &bottom});
  ldns_pkt_rcode sent = LDNS_RCODE_REFUSED;
  int answers = 0;
  pipeline.Submit(MakeRequest(), [&](Request& req) {
    ++answers;
    sent = ldns_pkt_get_rcode(req.answer());
  });
  ASSERT_EQ(pipeline.pending(), 1u);
  Request* req = middle.last().get();
  ASSERT_NE(req, nullptr);
  LdnsPktPtr answer(ldns_pkt_new());
  ldns_pkt_set_rcode(answer.get(), LDNS_RCODE_NXDOMAIN);
  req->set_answer(std::move(answer));
  middle.last().AnswerFrom(middle.position());
  EXPECT_EQ(log, (std::vector<std::string>{"top.query", "middle.query", "bottom.query",
                                           "bottom.cancel", "top.answer"}));
  EXPECT_EQ(answers, 1);
  EXPECT_EQ(sent, LDNS_RCODE_NXDOMAIN);
  EXPECT_EQ(pipeline.pending(), 0u);
}

}  // namespace
}  // namespace rebound
