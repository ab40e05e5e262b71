#include "resolver/core/pipeline.h"

#include <utility>

namespace rebound {

void RequestHandle::Resume(StageResult result) const { pipeline_->Resume(id_, result); }

Request* RequestHandle::get() const { return pipeline_->Find(id_); }

Request::Request(LdnsPktPtr query, ClientInfo client, absl::Time received)
    : query_(std::move(query)), client_(std::move(client)), received_(received) {}

namespace {

LdnsPktPtr ServfailAnswer() {
  LdnsPktPtr pkt(ldns_pkt_new());
  ldns_pkt_set_rcode(pkt.get(), LDNS_RCODE_SERVFAIL);
  return pkt;
}

}  // namespace

void Pipeline::Submit(std::unique_ptr<Request> req, Responder done) {
  const uint64_t id = next_id_++;
  req->pipeline_ = this;
  req->id_ = id;
  auto flight = std::make_unique<InFlight>();
  flight->req = std::move(req);
  flight->done = std::move(done);
  InFlight& f = *flight;
  requests_.emplace(id, std::move(flight));
  if (stages_.empty()) {
    f.answering = true;
    Advance(id, StageResult::kDone);
    return;
  }
  Advance(id, stages_[0]->OnQuery(*f.req));
}

void Pipeline::Resume(uint64_t request_id, StageResult result) {
  if (!requests_.contains(request_id)) return;
  Advance(request_id, result);
}

Request* Pipeline::Find(uint64_t request_id) const {
  auto it = requests_.find(request_id);
  return it == requests_.end() ? nullptr : it->second->req.get();
}

void Pipeline::Advance(uint64_t id, StageResult result) {
  // Heap-allocated, so the reference survives map changes made by stages (sub-requests);
  // only Finish removes it.
  InFlight& f = *requests_.at(id);
  for (;;) {
    if (result == StageResult::kPending) return;
    if (!f.answering) {
      if (result == StageResult::kContinue && f.stage + 1 < stages_.size()) {
        ++f.stage;
        result = stages_[f.stage]->OnQuery(*f.req);
        continue;
      }
      if (result == StageResult::kContinue) {
        // Every stage passed: all of them see the failure on the way back.
        f.req->set_answer(ServfailAnswer());
        f.stage = stages_.size();
      } else if (f.req->answer() == nullptr) {
        f.req->set_answer(ServfailAnswer());  // done, but without an answer
      }
      // OnAnswer runs over the stages before the one that answered.
      f.answering = true;
    } else if (result == StageResult::kDone) {
      Finish(id);
      return;
    }
    if (f.stage == 0) {
      Finish(id);
      return;
    }
    --f.stage;
    result = stages_[f.stage]->OnAnswer(*f.req);
  }
}

void Pipeline::Finish(uint64_t id) {
  auto node = requests_.extract(id);
  InFlight& f = *node.mapped();
  if (f.req->answer() == nullptr) f.req->set_answer(ServfailAnswer());
  f.done(*f.req);
}

}  // namespace rebound
