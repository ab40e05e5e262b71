#include "resolver/core/pipeline.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rebound {
namespace {

std::unique_ptr<Request> MakeRequest() {
  LdnsPktPtr q(ldns_pkt_query_new(ldns_dname_new_frm_str("example.test."), LDNS_RR_TYPE_A,
                                  LDNS_RR_CLASS_IN, LDNS_RD));
  return std::make_unique<Request>(std::move(q), ClientInfo{}, absl::Now());
}

LdnsPktPtr AnswerWithRcode(ldns_pkt_rcode rcode) {
  LdnsPktPtr pkt(ldns_pkt_new());
  ldns_pkt_set_rcode(pkt.get(), rcode);
  return pkt;
}

// Records the calls it gets and answers according to its script.
class ScriptedStage : public Stage {
 public:
  ScriptedStage(std::string name, std::vector<std::string>* log, StageResult on_query,
                StageResult on_answer = StageResult::kContinue)
      : name_(std::move(name)), log_(log), on_query_(on_query), on_answer_(on_answer) {}

  StageResult OnQuery(Request& req) override {
    log_->push_back(name_ + ".query");
    if (on_query_ == StageResult::kDone) req.set_answer(AnswerWithRcode(LDNS_RCODE_NOERROR));
    if (on_query_ == StageResult::kPending) pending_ = req.handle().id();
    return on_query_;
  }
  StageResult OnAnswer(Request&) override {
    log_->push_back(name_ + ".answer");
    return on_answer_;
  }
  uint64_t pending() const { return pending_; }

 private:
  std::string name_;
  std::vector<std::string>* log_;
  StageResult on_query_;
  StageResult on_answer_;
  uint64_t pending_ = 0;
};

struct Sent {
  int count = 0;
  ldns_pkt_rcode rcode = LDNS_RCODE_NOERROR;
};

Pipeline::Responder Recorder(Sent* sent) {
  return [sent](Request& req) {
    ++sent->count;
    sent->rcode = ldns_pkt_get_rcode(req.answer());
  };
}

TEST(PipelineTest, AnswerRunsBackThroughEarlierStagesOnly) {
  std::vector<std::string> log;
  ScriptedStage a("a", &log, StageResult::kContinue);
  ScriptedStage b("b", &log, StageResult::kDone);
  ScriptedStage c("c", &log, StageResult::kContinue);
  Pipeline pipeline({&a, &b, &c});
  Sent sent;
  pipeline.Submit(MakeRequest(), Recorder(&sent));
  EXPECT_EQ(log, (std::vector<std::string>{"a.query", "b.query", "a.answer"}));
  EXPECT_EQ(sent.count, 1);
  EXPECT_EQ(sent.rcode, LDNS_RCODE_NOERROR);
  EXPECT_EQ(pipeline.pending(), 0u);
}

TEST(PipelineTest, NoStageAnsweringGivesServfail) {
  std::vector<std::string> log;
  ScriptedStage a("a", &log, StageResult::kContinue);
  ScriptedStage b("b", &log, StageResult::kContinue);
  Pipeline pipeline({&a, &b});
  Sent sent;
  pipeline.Submit(MakeRequest(), Recorder(&sent));
  EXPECT_EQ(log, (std::vector<std::string>{"a.query", "b.query", "b.answer", "a.answer"}));
  EXPECT_EQ(sent.count, 1);
  EXPECT_EQ(sent.rcode, LDNS_RCODE_SERVFAIL);
}

TEST(PipelineTest, PendingStageResumesLater) {
  std::vector<std::string> log;
  ScriptedStage a("a", &log, StageResult::kContinue);
  ScriptedStage b("b", &log, StageResult::kPending);
  Pipeline pipeline({&a, &b});
  Sent sent;
  pipeline.Submit(MakeRequest(), Recorder(&sent));
  EXPECT_EQ(sent.count, 0);
  EXPECT_EQ(pipeline.pending(), 1u);
  // The stage finishes its I/O and hands on with no answer: SERVFAIL after all OnAnswers.
  pipeline.Resume(b.pending(), StageResult::kContinue);
  EXPECT_EQ(sent.count, 1);
  EXPECT_EQ(sent.rcode, LDNS_RCODE_SERVFAIL);
  EXPECT_EQ(pipeline.pending(), 0u);
  // A late resume for a finished request is ignored.
  pipeline.Resume(b.pending(), StageResult::kDone);
  EXPECT_EQ(sent.count, 1);
}

TEST(PipelineTest, OnAnswerDoneStopsTheBackwardRun) {
  std::vector<std::string> log;
  ScriptedStage a("a", &log, StageResult::kContinue);
  ScriptedStage b("b", &log, StageResult::kContinue, StageResult::kDone);
  ScriptedStage c("c", &log, StageResult::kDone);
  Pipeline pipeline({&a, &b, &c});
  Sent sent;
  pipeline.Submit(MakeRequest(), Recorder(&sent));
  EXPECT_EQ(log, (std::vector<std::string>{"a.query", "b.query", "c.query", "b.answer"}));
  EXPECT_EQ(sent.count, 1);
}

TEST(PipelineTest, SlotsAreTypedAndPerRequest) {
  struct Counter {
    int n = 0;
  };
  auto req = MakeRequest();
  req->Slot<Counter>().n = 3;
  EXPECT_EQ(req->Slot<Counter>().n, 3);
  EXPECT_EQ(req->Slot<std::string>(), "");
  EXPECT_EQ(MakeRequest()->Slot<Counter>().n, 0);
}

TEST(PipelineTest, DroppedPipelineNeverResponds) {
  std::vector<std::string> log;
  ScriptedStage a("a", &log, StageResult::kPending);
  Sent sent;
  {
    Pipeline pipeline({&a});
    pipeline.Submit(MakeRequest(), Recorder(&sent));
  }
  EXPECT_EQ(sent.count, 0);
}

}  // namespace
}  // namespace rebound
