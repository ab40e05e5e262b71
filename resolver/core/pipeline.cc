#include "resolver/core/pipeline.h"

#include <optional>
#include <utility>

#include "resolver/core/check.h"
#include "resolver/wire/dnssec_records.h"

namespace rebound {

void RequestHandle::Resume(StageResult result) const { pipeline_->Resume(id_, result); }

Request* RequestHandle::get() const { return pipeline_->Find(id_); }

void RequestHandle::SubmitChild(const ldns_rdf* name, ldns_rr_type type, ldns_rr_class rr_class,
                                ChildDone done) const {
  pipeline_->SubmitChild(id_, name, type, rr_class, std::move(done));
}

void RequestHandle::SubmitRefresh(bool prefetch) const { pipeline_->SubmitRefresh(id_, prefetch); }

void RequestHandle::AnswerFrom(size_t by) const { pipeline_->AnswerFrom(id_, by); }

Request::Request(LdnsPktPtr query, ClientInfo client, absl::Time received)
    : query_(std::move(query)), client_(std::move(client)), received_(received) {}

namespace {

LdnsPktPtr ServfailAnswer() {
  LdnsPktPtr pkt(ldns_pkt_new());
  ldns_pkt_set_rcode(pkt.get(), LDNS_RCODE_SERVFAIL);
  return pkt;
}

// A query for (name, type, class) with RD, and the CD and DO of `from`.
LdnsPktPtr QueryLike(const Request& from, const ldns_rdf* name, ldns_rr_type type,
                     ldns_rr_class rr_class) {
  LdnsPktPtr query(ldns_pkt_query_new(ldns_rdf_clone(name), type, rr_class,
                                      LDNS_RD | (from.checking_disabled() ? LDNS_CD : 0)));
  if (from.dnssec_ok()) {
    ldns_pkt_set_edns_do(query.get(), true);
    ldns_pkt_set_edns_udp_size(query.get(), 1232);
  }
  return query;
}

}  // namespace

uint64_t Pipeline::Submit(std::unique_ptr<Request> req, Responder done) {
  const ClientKey client = req->client().address.AddressBytes();
  const bool background = req->background();
  if (!background && !MakeRoom(client, req->received())) {
    ++stats_.exceeded;
    if (counters_ != nullptr) counters_->requestlist_exceeded.Add();
    return 0;
  }
  const uint64_t id = next_id_++;
  req->pipeline_ = this;
  req->id_ = id;
  auto flight = std::make_unique<InFlight>();
  flight->req = std::move(req);
  flight->client = client;
  flight->done = std::move(done);
  InFlight& f = *flight;
  requests_.emplace(id, std::move(flight));
  if (!background) ++per_client_[client];
  if (requests_.size() > stats_.max_pending) stats_.max_pending = requests_.size();
  if (counters_ != nullptr) {
    // unbound's requestlist.avg is the list's size as each new request joins it, averaged.
    counters_->requestlist_samples.Add();
    counters_->requestlist_sum.Add(requests_.size());
    counters_->requestlist_max.RaiseTo(requests_.size());
    counters_->requestlist_current.Set(requests_.size());
  }
  if (stages_.empty()) {
    f.answering = true;
    Advance(id, StageResult::kDone);
    return id;
  }
  Advance(id, CallStage(f));
  return id;
}

uint64_t Pipeline::SubmitBackground(std::unique_ptr<Request> req, bool prefetch) {
  // Never at a client's expense: no room is made for it (unbound drops a prefetch when its
  // request list is full).
  if (limits_.max_requests > 0 && requests_.size() >= limits_.max_requests) return 0;
  req->background_ = true;
  req->prefetch_ = prefetch;
  return Submit(std::move(req), nullptr);
}

void Pipeline::SubmitRefresh(uint64_t of, bool prefetch) {
  const Request* from = Find(of);
  DCHECK(from != nullptr);
  if (from == nullptr) return;
  SubmitBackground(
      std::make_unique<Request>(QueryLike(*from, from->qname(), from->qtype(), from->qclass()),
                                from->client(), from->received()),
      prefetch);
}

void Pipeline::AnswerFrom(uint64_t id, size_t by_index) {
  auto it = requests_.find(id);
  if (it == requests_.end() || it->second->in_stage || it->second->answering) return;
  InFlight& f = *it->second;
  DCHECK(by_index < f.stage && by_index >= f.first_stage);
  if (by_index >= f.stage || by_index < f.first_stage) return;
  DCHECK(f.req->answer() != nullptr);
  for (uint64_t child : std::vector<uint64_t>(f.children)) Drop(child, /*respond=*/false);
  stages_[f.stage]->OnCancel(*f.req);
  // As if `by` had returned kDone: OnAnswer runs over the stages before it.
  f.stage = by_index;
  f.answering = true;
  Advance(id, StageResult::kContinue);
}

StageResult Pipeline::CallStage(InFlight& f) {
  Stage& stage = *stages_[f.stage];
  f.req->stage_ = f.stage;
  f.in_stage = true;
  StageResult result = f.answering ? stage.OnAnswer(*f.req) : stage.OnQuery(*f.req);
  f.in_stage = false;
  // The stage's work finished before the stage returned (a cache hit deeper down, say): it
  // resumed from inside the call, which is run now, as if it had come later.
  if (f.resumed) {
    DCHECK(result == StageResult::kPending);
    result = *std::exchange(f.resumed, std::nullopt);
  }
  DCHECK(result != StageResult::kDone || f.req->answer() != nullptr || f.req->dropped());
  return result;
}

void Pipeline::SubmitChild(uint64_t parent_id, const ldns_rdf* name, ldns_rr_type type,
                           ldns_rr_class rr_class, ChildDone done) {
  auto it = requests_.find(parent_id);
  DCHECK(it != requests_.end());
  if (it == requests_.end()) return;
  InFlight& parent = *it->second;
  const Request& from = *parent.req;
  LdnsPktPtr query = QueryLike(from, name, type, rr_class);
  const uint64_t id = next_id_++;
  auto flight = std::make_unique<InFlight>();
  flight->req = std::make_unique<Request>(std::move(query), from.client(), from.received());
  flight->req->pipeline_ = this;
  flight->req->id_ = id;
  flight->req->child_ = true;
  flight->done = std::move(done);
  flight->parent = parent_id;
  flight->first_stage = flight->stage = parent.stage + 1;
  InFlight& f = *flight;
  requests_.emplace(id, std::move(flight));
  parent.children.push_back(id);
  if (f.stage >= stages_.size()) {  // spawned by the last stage: nobody below to ask
    f.answering = true;
    f.stage = stages_.size() - 1;
    Advance(id, StageResult::kDone);
    return;
  }
  Advance(id, CallStage(f));
}

// unbound's rule (mesh_make_new_space), with a share per client on top: a client at its share
// replaces its own oldest request, so a flood of slow names from one address churns through
// that address's share and leaves the rest of the list to everyone else.
bool Pipeline::MakeRoom(const ClientKey& client, absl::Time now) {
  if (limits_.max_per_client > 0) {
    auto it = per_client_.find(client);
    if (it != per_client_.end() && it->second >= limits_.max_per_client && !Jostle(&client, now)) {
      return false;
    }
  }
  if (limits_.max_requests > 0 && requests_.size() >= limits_.max_requests) {
    return Jostle(nullptr, now);
  }
  return true;
}

bool Pipeline::Jostle(const ClientKey* client, absl::Time now) {
  // A background request (prefetch, refresh) goes first, whatever its age: no client waits on it.
  if (client == nullptr) {
    for (const auto& [id, flight] : requests_) {
      if (flight->req->background() && !flight->in_stage && flight->parent == 0) {
        Cancel(id);
        return true;
      }
    }
  }
  for (const auto& [id, flight] : requests_) {
    // In arrival order: once one is too young, all after it are.
    if (now - flight->req->received() <= limits_.jostle_after) return false;
    if (flight->in_stage || flight->parent != 0) continue;  // a child goes with its parent
    if (client != nullptr && flight->client != *client) continue;
    ++stats_.jostled;
    if (counters_ != nullptr) counters_->requestlist_overwritten.Add();
    Cancel(id);
    return true;
  }
  return false;
}

void Pipeline::Resume(uint64_t request_id, StageResult result) {
  auto it = requests_.find(request_id);
  if (it == requests_.end()) return;
  if (it->second->in_stage) {
    DCHECK(!it->second->resumed.has_value());
    it->second->resumed = result;  // CallStage takes it when the stage returns
    return;
  }
  Advance(request_id, result);
}

void Pipeline::Cancel(uint64_t request_id) { Drop(request_id, /*respond=*/true); }

void Pipeline::Abandon(uint64_t request_id) { Drop(request_id, /*respond=*/false); }

void Pipeline::Drop(uint64_t request_id, bool respond) {
  auto it = requests_.find(request_id);
  if (it == requests_.end() || it->second->in_stage) return;
  InFlight& f = *it->second;
  // Its questions go with it; none of them is inside a stage call now, as this one is not.
  for (uint64_t child : std::vector<uint64_t>(f.children)) Drop(child, /*respond=*/false);
  if (f.stage < stages_.size()) stages_[f.stage]->OnCancel(*f.req);
  f.req->dropped_ = true;
  f.req->set_answer(ServfailAnswer());
  if (!respond) f.done = nullptr;
  Finish(request_id);
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
    if (result == StageResult::kPending) {
      f.req->waited_ = true;
      return;
    }
    if (!f.answering) {
      if (result == StageResult::kContinue && f.stage + 1 < stages_.size()) {
        ++f.stage;
        result = CallStage(f);
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
    if (f.stage == f.first_stage) {
      Finish(id);
      return;
    }
    --f.stage;
    result = CallStage(f);
  }
}

void Pipeline::Finish(uint64_t id) {
  auto node = requests_.extract(id);
  InFlight& f = *node.mapped();
  if (f.parent != 0) {
    if (auto parent = requests_.find(f.parent); parent != requests_.end()) {
      std::erase(parent->second->children, id);
    }
  } else if (!f.req->background()) {
    auto client = per_client_.find(f.client);
    if (client != per_client_.end() && --client->second == 0) per_client_.erase(client);
  }
  if (counters_ != nullptr) counters_->requestlist_current.Set(requests_.size());
  if (f.req->answer() == nullptr) f.req->set_answer(ServfailAnswer());
  // Every client's answer passes here on its way out, whichever stage produced it (the caches,
  // the relays, the iterator), and after the stages have stored what they learned, so the caches
  // keep the signatures for DNSSEC clients. RFC 4035 3.2.1: a client without DO gets no RRSIG,
  // NSEC or NSEC3 records but those it asked for by type. A child's answer goes to the stage
  // that asked, which decides what of it to pass on.
  if (f.parent == 0 && !f.req->dnssec_ok()) {
    RemoveUnrequestedDnssecRecords(*f.req->answer(), f.req->qtype());
  }
  if (f.done) f.done(*f.req);
}

}  // namespace rebound
