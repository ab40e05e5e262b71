#include "resolver/core/pipeline.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

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
  void OnCancel(Request& req) override { cancelled_.push_back(req.handle().id()); }
  uint64_t pending() const { return pending_; }
  const std::vector<uint64_t>& cancelled() const { return cancelled_; }

 private:
  std::string name_;
  std::vector<std::string>* log_;
  StageResult on_query_;
  StageResult on_answer_;
  uint64_t pending_ = 0;
  std::vector<uint64_t> cancelled_;
};

struct Sent {
  int count = 0;
  int dropped = 0;
  ldns_pkt_rcode rcode = LDNS_RCODE_NOERROR;
};

Pipeline::Responder Recorder(Sent* sent) {
  return [sent](Request& req) {
    ++sent->count;
    if (req.dropped()) ++sent->dropped;
    sent->rcode = ldns_pkt_get_rcode(req.answer());
  };
}

// A stage whose work ends before it returns (a cache hit behind an asynchronous interface):
// it answers and resumes from inside OnQuery, then returns kPending like any other.
class ResumesAtOnceStage : public Stage {
 public:
  StageResult OnQuery(Request& req) override {
    req.set_answer(AnswerWithRcode(LDNS_RCODE_NXDOMAIN));
    req.handle().Resume(StageResult::kDone);
    EXPECT_NE(req.handle().get(), nullptr) << "the resume ran inside the stage call";
    return StageResult::kPending;
  }
};

TEST(PipelineTest, AResumeFromInsideTheStageCallRunsWhenTheCallReturns) {
  std::vector<std::string> log;
  ScriptedStage before("before", &log, StageResult::kContinue);
  ResumesAtOnceStage at_once;
  Pipeline pipeline({&before, &at_once});
  Sent sent;
  pipeline.Submit(MakeRequest(), Recorder(&sent));
  EXPECT_EQ(sent.count, 1);
  EXPECT_EQ(sent.rcode, LDNS_RCODE_NXDOMAIN);
  EXPECT_EQ(log, (std::vector<std::string>{"before.query", "before.answer"}));
  EXPECT_EQ(pipeline.pending(), 0u);
}

// A stage's own question (DNS64's A query): a child request with the parent's client and DO,
// run through the stages below the one that asked, and dropped with its parent.
class AsksAChildStage : public Stage {
 public:
  StageResult OnQuery(Request& req) override {
    const RequestHandle parent = req.handle();
    LdnsRdfPtr name(ldns_dname_new_frm_str("child.test."));
    parent.SubmitChild(name.get(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, [this, parent](Request& c) {
      children.push_back(c.child());
      child_rcode = ldns_pkt_get_rcode(c.answer());
      child_client = c.client().address.ToString();
      parent.get()->set_answer(AnswerWithRcode(child_rcode));
      parent.Resume(StageResult::kDone);
    });
    return StageResult::kPending;
  }
  std::vector<bool> children;
  ldns_pkt_rcode child_rcode = LDNS_RCODE_NOERROR;
  std::string child_client;
};

TEST(PipelineTest, AChildRequestRunsThroughTheStagesBelowItsParentsStage) {
  std::vector<std::string> log;
  ScriptedStage above("above", &log, StageResult::kContinue);
  AsksAChildStage asks;
  ScriptedStage below("below", &log, StageResult::kContinue);
  Pipeline pipeline({&above, &asks, &below});
  Sent sent;
  pipeline.Submit(MakeRequest("192.0.2.9@53"), Recorder(&sent));
  // The child passed `below` both ways (and, unanswered, came back SERVFAIL), never `above`,
  // whose OnAnswer then saw the parent's answer only.
  EXPECT_EQ(log, (std::vector<std::string>{"above.query", "below.query", "below.answer",
                                           "above.answer"}));
  EXPECT_EQ(asks.children, std::vector<bool>{true});
  EXPECT_EQ(asks.child_rcode, LDNS_RCODE_SERVFAIL);
  EXPECT_EQ(asks.child_client, "192.0.2.9@53");
  EXPECT_EQ(sent.count, 1);
  EXPECT_EQ(sent.rcode, LDNS_RCODE_SERVFAIL);
  EXPECT_EQ(pipeline.pending(), 0u);
}

TEST(PipelineTest, AChildIsDroppedWithItsParent) {
  std::vector<std::string> log;
  AsksAChildStage asks;
  ScriptedStage waits("waits", &log, StageResult::kPending);
  Pipeline pipeline({&asks, &waits});
  Sent sent;
  const uint64_t parent = pipeline.Submit(MakeRequest(), Recorder(&sent));
  EXPECT_EQ(pipeline.pending(), 2u);
  const uint64_t child = waits.pending();
  pipeline.Abandon(parent);
  EXPECT_EQ(pipeline.pending(), 0u);
  EXPECT_EQ(waits.cancelled(), std::vector<uint64_t>{child}) << "the child's work stops too";
  EXPECT_TRUE(asks.children.empty()) << "a dropped child's callback ran";
  EXPECT_EQ(sent.count, 0);
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

// ---- DNSSEC records: only for a client that set DO (RFC 4035 3.2.1) ---------------------------

std::unique_ptr<Request> MakeRequestWithDo(bool dnssec_ok) {
  LdnsPktPtr q(ldns_pkt_query_new(ldns_dname_new_frm_str("example.test."), LDNS_RR_TYPE_A,
                                  LDNS_RR_CLASS_IN, LDNS_RD));
  if (dnssec_ok) {
    ldns_pkt_set_edns_do(q.get(), true);
    ldns_pkt_set_edns_udp_size(q.get(), 1232);
  }
  ClientInfo info;
  info.address = *Endpoint::Parse("192.0.2.1@5353", 53);
  return std::make_unique<Request>(std::move(q), info, absl::Now());
}

std::vector<ldns_rr_type> AnswerTypes(const Request& req) {
  std::vector<ldns_rr_type> types;
  for (size_t i = 0; i < ldns_rr_list_rr_count(ldns_pkt_answer(req.answer())); ++i) {
    types.push_back(ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_answer(req.answer()), i)));
  }
  return types;
}

// Answers with a signed A RRset, as a server asked with DO (or a relay) returns it.
class SignedAnswerStage : public Stage {
 public:
  StageResult OnQuery(Request& req) override {
    LdnsPktPtr answer(ldns_pkt_new());
    for (const char* text :
         {"example.test. 300 IN A 192.0.2.1",
          "example.test. 300 IN RRSIG A 13 2 300 20300101000000 20200101000000 12345 "
          "example.test. dGVzdA=="}) {
      ldns_rr* rr = nullptr;
      EXPECT_EQ(ldns_rr_new_frm_str(&rr, text, 0, nullptr, nullptr), LDNS_STATUS_OK) << text;
      ldns_pkt_push_rr(answer.get(), LDNS_SECTION_ANSWER, rr);
    }
    req.set_answer(std::move(answer));
    return StageResult::kDone;
  }
};

// Asks its client's question again as a child and passes the child's answer on (as DNS64 passes
// on what its A query found), noting what the child got.
class PassesAChildsAnswerOnStage : public Stage {
 public:
  StageResult OnQuery(Request& req) override {
    const RequestHandle parent = req.handle();
    parent.SubmitChild(req.qname(), req.qtype(), req.qclass(), [this, parent](Request& child) {
      child_types = AnswerTypes(child);
      parent.get()->set_answer(LdnsPktPtr(ldns_pkt_clone(child.answer())));
      parent.Resume(StageResult::kDone);
    });
    return StageResult::kPending;
  }
  std::vector<ldns_rr_type> child_types;
};

TEST(PipelineTest, ClientWithoutDoGetsTheAnswerWithoutItsSignatures) {
  SignedAnswerStage signs;
  Pipeline pipeline({&signs});
  std::vector<ldns_rr_type> types;
  pipeline.Submit(MakeRequestWithDo(false), [&](Request& req) { types = AnswerTypes(req); });
  EXPECT_EQ(types, std::vector<ldns_rr_type>{LDNS_RR_TYPE_A});
}

TEST(PipelineTest, ClientWithDoGetsTheSignatures) {
  SignedAnswerStage signs;
  Pipeline pipeline({&signs});
  std::vector<ldns_rr_type> types;
  pipeline.Submit(MakeRequestWithDo(true), [&](Request& req) { types = AnswerTypes(req); });
  EXPECT_EQ(types, (std::vector<ldns_rr_type>{LDNS_RR_TYPE_A, LDNS_RR_TYPE_RRSIG}));
}

// A child's answer goes to the stage that asked, not to a client: it keeps what it has, and the
// client's answer built from it loses the signatures on the way out.
TEST(PipelineTest, ChildAnswerKeepsItsSignaturesForTheStageThatAsked) {
  PassesAChildsAnswerOnStage passes;
  SignedAnswerStage signs;
  Pipeline pipeline({&passes, &signs});
  std::vector<ldns_rr_type> types;
  pipeline.Submit(MakeRequestWithDo(false), [&](Request& req) { types = AnswerTypes(req); });
  EXPECT_EQ(passes.child_types, (std::vector<ldns_rr_type>{LDNS_RR_TYPE_A, LDNS_RR_TYPE_RRSIG}));
  EXPECT_EQ(types, std::vector<ldns_rr_type>{LDNS_RR_TYPE_A});
}

// Limits: requests that wait forever in a pending stage, arriving at chosen times.
class PipelineLimitsTest : public ::testing::Test {
 protected:
  PipelineLimitsTest() : stage_("slow", &log_, StageResult::kPending) {}

  Pipeline MakePipeline(size_t max_requests, size_t max_per_client) {
    PipelineLimits limits;
    limits.max_requests = max_requests;
    limits.max_per_client = max_per_client;
    limits.jostle_after = absl::Milliseconds(200);
    return Pipeline({&stage_}, limits);
  }
  // Submits a request from `client` that arrived `ms` after t0.
  bool SubmitAt(Pipeline& pipeline, absl::string_view client, int ms) {
    return pipeline.Submit(MakeRequest(client, t0_ + absl::Milliseconds(ms)), Recorder(&sent_));
  }

  std::vector<std::string> log_;
  ScriptedStage stage_;
  Sent sent_;
  const absl::Time t0_ = absl::FromUnixSeconds(1700000000);
};

TEST_F(PipelineLimitsTest, FullListTurnsAwayWhileNothingIsOldEnoughToDrop) {
  Pipeline pipeline = MakePipeline(2, 0);
  EXPECT_TRUE(SubmitAt(pipeline, "192.0.2.1", 0));
  EXPECT_TRUE(SubmitAt(pipeline, "192.0.2.2", 10));
  EXPECT_FALSE(SubmitAt(pipeline, "192.0.2.3", 200));  // the oldest is exactly 200 ms old
  EXPECT_EQ(pipeline.pending(), 2u);
  EXPECT_EQ(pipeline.stats().exceeded, 1u);
  EXPECT_EQ(sent_.count, 0);
  EXPECT_TRUE(stage_.cancelled().empty());
}

TEST_F(PipelineLimitsTest, FullListDropsTheOldestRequestPastJostleTimeout) {
  Pipeline pipeline = MakePipeline(2, 0);
  ASSERT_TRUE(SubmitAt(pipeline, "192.0.2.1", 0));
  const uint64_t oldest = stage_.pending();
  ASSERT_TRUE(SubmitAt(pipeline, "192.0.2.2", 10));
  EXPECT_TRUE(SubmitAt(pipeline, "192.0.2.3", 201));
  // The oldest was dropped: its stage was told (to stop its lookup), and its responder ran with
  // dropped() set and a SERVFAIL, exactly once.
  EXPECT_EQ(stage_.cancelled(), std::vector<uint64_t>{oldest});
  EXPECT_EQ(pipeline.Find(oldest), nullptr);
  EXPECT_EQ(sent_.count, 1);
  EXPECT_EQ(sent_.dropped, 1);
  EXPECT_EQ(sent_.rcode, LDNS_RCODE_SERVFAIL);
  EXPECT_EQ(pipeline.pending(), 2u);
  EXPECT_EQ(pipeline.stats().jostled, 1u);
  EXPECT_EQ(pipeline.stats().max_pending, 2u);
}

TEST_F(PipelineLimitsTest, ClientAtItsShareDisplacesOnlyItsOwnRequests) {
  Pipeline pipeline = MakePipeline(100, 2);
  ASSERT_TRUE(SubmitAt(pipeline, "192.0.2.9", 0));  // someone else's, the oldest of all
  const uint64_t healthy = stage_.pending();
  ASSERT_TRUE(SubmitAt(pipeline, "2001:db8::66@1000", 1));
  const uint64_t flood_first = stage_.pending();
  ASSERT_TRUE(SubmitAt(pipeline, "2001:db8::66@1001", 2));
  // Too young to drop: the flooding address is turned away, whatever its source port.
  EXPECT_FALSE(SubmitAt(pipeline, "2001:db8::66@1002", 100));
  // Old enough: it replaces its own oldest, not the older request of the other client.
  EXPECT_TRUE(SubmitAt(pipeline, "2001:db8::66@1003", 300));
  EXPECT_EQ(stage_.cancelled(), std::vector<uint64_t>{flood_first});
  EXPECT_NE(pipeline.Find(healthy), nullptr);
  // Others still get in.
  EXPECT_TRUE(SubmitAt(pipeline, "192.0.2.10", 300));
  EXPECT_EQ(pipeline.pending(), 4u);
}

TEST_F(PipelineLimitsTest, ShareIsFreedWhenRequestsFinish) {
  Pipeline pipeline = MakePipeline(0, 1);
  ASSERT_TRUE(SubmitAt(pipeline, "192.0.2.1", 0));
  EXPECT_FALSE(SubmitAt(pipeline, "192.0.2.1", 0));
  pipeline.Resume(stage_.pending(), StageResult::kContinue);
  EXPECT_EQ(sent_.count, 1);
  EXPECT_EQ(sent_.dropped, 0);
  EXPECT_TRUE(SubmitAt(pipeline, "192.0.2.1", 0));
}

TEST_F(PipelineLimitsTest, CancelTellsThePendingStageAndRespondsOnce) {
  Pipeline pipeline = MakePipeline(0, 0);
  ASSERT_TRUE(SubmitAt(pipeline, "192.0.2.1", 0));
  const uint64_t id = stage_.pending();
  pipeline.Cancel(id);
  EXPECT_EQ(stage_.cancelled(), std::vector<uint64_t>{id});
  EXPECT_EQ(sent_.count, 1);
  EXPECT_EQ(sent_.dropped, 1);
  EXPECT_EQ(pipeline.pending(), 0u);
  // Late: a resume or a second cancel of the same request does nothing.
  pipeline.Resume(id, StageResult::kDone);
  pipeline.Cancel(id);
  EXPECT_EQ(sent_.count, 1);
  EXPECT_EQ(stage_.cancelled().size(), 1u);
}

// A client that has gone (its HTTP/2 stream reset) frees its share and stops the work, and
// nobody is answered.
TEST_F(PipelineLimitsTest, AbandonStopsTheWorkWithoutAResponse) {
  Pipeline pipeline = MakePipeline(0, 1);
  ASSERT_TRUE(SubmitAt(pipeline, "192.0.2.1", 0));
  const uint64_t id = stage_.pending();
  pipeline.Abandon(id);
  EXPECT_EQ(stage_.cancelled(), std::vector<uint64_t>{id});
  EXPECT_EQ(sent_.count, 0);
  EXPECT_EQ(pipeline.pending(), 0u);
  EXPECT_TRUE(SubmitAt(pipeline, "192.0.2.1", 0));
  pipeline.Abandon(id);  // again: nothing
  EXPECT_EQ(stage_.cancelled().size(), 1u);
}

}  // namespace
}  // namespace rebound
