// dump_requestlist and flush_requestlist on a real Pipeline (Pipeline::ListPending, DropAll):
// every request under way is listed with its stage and what that stage waits for, and a flush
// stops every stage's work and leaves nothing behind.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "resolver/core/pipeline.h"

namespace rebound {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1'700'000'000);

std::unique_ptr<Request> MakeRequest(const char* name, ldns_rr_type type,
                                     absl::Time received = kStart) {
  LdnsPktPtr q(ldns_pkt_query_new(ldns_dname_new_frm_str(name), type, LDNS_RR_CLASS_IN, LDNS_RD));
  ClientInfo info;
  info.address = *Endpoint::Parse("192.0.2.1", 53);
  return std::make_unique<Request>(std::move(q), info, received);
}

// Holds every request pending, as the iterator does while its query is out, and counts the
// cancels that stop that work.
class WaitingStage : public Stage {
 public:
  StageResult OnQuery(Request&) override { return StageResult::kPending; }
  void OnCancel(Request&) override { ++cancelled; }
  const char* name() const override { return "iterator"; }
  std::string DescribeWait(Request& req) override {
    return ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_question(&req.query()), 0)) ==
                   LDNS_RR_TYPE_AAAA
               ? ""
               : "wait for 192.0.2.53";
  }
  int cancelled = 0;
};

// Asks a child question (A for the same name) for each AAAA question and waits for it, as
// DNS64 does; passes the rest on.
class AskingStage : public Stage {
 public:
  StageResult OnQuery(Request& req) override {
    if (req.qtype() != LDNS_RR_TYPE_AAAA) return StageResult::kContinue;
    req.handle().SubmitChild(req.qname(), LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN,
                             [this](Request&) { ++children_answered; });
    return StageResult::kPending;
  }
  void OnCancel(Request&) override { ++cancelled; }
  const char* name() const override { return "dns64"; }
  int cancelled = 0;
  int children_answered = 0;
};

class PipelineRequestListTest : public ::testing::Test {
 protected:
  AskingStage asking_;
  WaitingStage waiting_;
  Pipeline pipeline_{{&asking_, &waiting_}};
  std::vector<const Request*> answered_;
  std::vector<bool> flushed_;

  void SubmitClient(const char* name, ldns_rr_type type, absl::Time received) {
    ASSERT_NE(pipeline_.Submit(MakeRequest(name, type, received),
                               [this](Request& req) {
                                 answered_.push_back(&req);
                                 flushed_.push_back(req.dropped() && req.flushed());
                               }),
              0u);
  }
};

TEST_F(PipelineRequestListTest, ListsEveryRequestWithItsStageAndWhatItWaitsFor) {
  SubmitClient("www.example.test.", LDNS_RR_TYPE_A, kStart);
  SubmitClient("v6.example.test.", LDNS_RR_TYPE_AAAA, kStart + absl::Seconds(1));
  ASSERT_NE(pipeline_.SubmitBackground(MakeRequest("prefetch.example.test.", LDNS_RR_TYPE_MX),
                                       /*prefetch=*/true),
            0u);
  const std::vector<PendingRequest> list = pipeline_.ListPending(kStart + absl::Milliseconds(2500));
  ASSERT_EQ(list.size(), 4u);  // the AAAA question's child A question too
  EXPECT_EQ(list[0].qname, "www.example.test.");
  EXPECT_EQ(list[0].qtype, LDNS_RR_TYPE_A);
  EXPECT_EQ(list[0].qclass, LDNS_RR_CLASS_IN);
  EXPECT_EQ(list[0].age, absl::Milliseconds(2500));
  EXPECT_EQ(list[0].status, "iterator wait for 192.0.2.53");
  EXPECT_EQ(list[1].qname, "v6.example.test.");
  EXPECT_EQ(list[1].qtype, LDNS_RR_TYPE_AAAA);
  EXPECT_EQ(list[1].age, absl::Milliseconds(1500));
  EXPECT_EQ(list[1].status, "dns64 wants A IN v6.example.test.");
  // The child, which no client waits for: unbound's "-".
  EXPECT_EQ(list[2].qname, "v6.example.test.");
  EXPECT_EQ(list[2].qtype, LDNS_RR_TYPE_A);
  EXPECT_EQ(list[2].age, std::nullopt);
  EXPECT_EQ(list[2].status, "iterator wait for 192.0.2.53");
  EXPECT_EQ(list[3].qname, "prefetch.example.test.");
  EXPECT_EQ(list[3].qtype, LDNS_RR_TYPE_MX);
  EXPECT_EQ(list[3].age, std::nullopt);
  EXPECT_EQ(list[3].status, "iterator wait for 192.0.2.53");
  // Listing changes nothing.
  EXPECT_EQ(pipeline_.pending(), 4u);
  EXPECT_EQ(waiting_.cancelled + asking_.cancelled, 0);
}

TEST_F(PipelineRequestListTest, AStageThatCannotSayWhatItWaitsForShowsUnboundsState) {
  ASSERT_NE(pipeline_.SubmitBackground(MakeRequest("quiet.example.test.", LDNS_RR_TYPE_AAAA),
                                       /*prefetch=*/false),
            0u);
  const std::vector<PendingRequest> list = pipeline_.ListPending(kStart);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].status, "dns64 wants A IN quiet.example.test.");
  // The child reached the waiting stage as an A question: it says what it waits for.
  EXPECT_EQ(list[1].status, "iterator wait for 192.0.2.53");
  pipeline_.DropAll();
  // An AAAA question held by the last stage, which cannot say.
  Pipeline only_waiting({&waiting_});
  ASSERT_NE(only_waiting.SubmitBackground(MakeRequest("x.example.test.", LDNS_RR_TYPE_AAAA),
                                          /*prefetch=*/false),
            0u);
  ASSERT_EQ(only_waiting.ListPending(kStart).size(), 1u);
  EXPECT_EQ(only_waiting.ListPending(kStart)[0].status, "iterator is module_wait_reply");
  only_waiting.DropAll();
}

// unbound's mesh_delete_all: everything goes; each stage that held a request stops its work; a
// client's answer callback hears it was flushed (the server sends a UDP client nothing); a child
// request's callback never runs.
TEST_F(PipelineRequestListTest, DropAllStopsEveryStagesWorkAndEmptiesTheList) {
  SubmitClient("www.example.test.", LDNS_RR_TYPE_A, kStart);
  SubmitClient("v6.example.test.", LDNS_RR_TYPE_AAAA, kStart);
  ASSERT_NE(pipeline_.SubmitBackground(MakeRequest("prefetch.example.test.", LDNS_RR_TYPE_MX),
                                       /*prefetch=*/true),
            0u);
  ASSERT_EQ(pipeline_.pending(), 4u);
  EXPECT_EQ(pipeline_.DropAll(), 4u);
  EXPECT_EQ(pipeline_.pending(), 0u);
  EXPECT_TRUE(pipeline_.ListPending(kStart).empty());
  // The iterator held three (the A question, the child, the prefetch), DNS64 one.
  EXPECT_EQ(waiting_.cancelled, 3);
  EXPECT_EQ(asking_.cancelled, 1);
  EXPECT_EQ(asking_.children_answered, 0);
  EXPECT_EQ(flushed_, (std::vector<bool>{true, true}));
  // The pipeline takes new work afterwards.
  SubmitClient("again.example.test.", LDNS_RR_TYPE_A, kStart);
  ASSERT_EQ(pipeline_.ListPending(kStart).size(), 1u);
  EXPECT_EQ(pipeline_.ListPending(kStart)[0].qname, "again.example.test.");
  EXPECT_EQ(pipeline_.DropAll(), 1u);
}

}  // namespace
}  // namespace rebound
