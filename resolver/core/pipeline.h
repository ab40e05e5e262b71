// Runs Requests through the Stages and hands the finished answer to a responder, within the
// limits on how many requests may run at once (num-queries-per-thread, jostle-timeout).
#ifndef REBOUND_RESOLVER_CORE_PIPELINE_H_
#define REBOUND_RESOLVER_CORE_PIPELINE_H_

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "resolver/core/pending_request.h"
#include "resolver/core/request.h"
#include "resolver/core/stage.h"
#include "resolver/core/worker_stats.h"

namespace rebound {

// How much work a Pipeline takes on: unbound's request list, with a share per client so that
// one address cannot take the whole of it.
struct PipelineLimits {
  size_t max_requests = 0;    // num-queries-per-thread; 0: no limit
  size_t max_per_client = 0;  // requests from one client address; 0: no limit
  // jostle-timeout: a request older than this may be dropped to make room for a new one.
  absl::Duration jostle_after = absl::Milliseconds(200);
};

struct PipelineStats {
  uint64_t jostled = 0;   // dropped to make room for a newer request (requestlist.overwritten)
  uint64_t exceeded = 0;  // turned away: full, and nothing old enough to drop (.exceeded)
  size_t max_pending = 0;
};

// One Pipeline per event loop; not thread-safe. The stages may be shared between pipelines only
// if they are thread-safe themselves.
class Pipeline {
 public:
  // Called once per request with the answer set (SERVFAIL if no stage produced one); for a
  // request that was dropped, Request::dropped() is true. A client's answer has no RRSIG, NSEC
  // or NSEC3 records unless its query set DO or asked for that type (RFC 4035 3.2.1).
  using Responder = std::function<void(Request&)>;

  // `counters` (the worker's, for requestlist.*) may be null; it must outlive the Pipeline.
  explicit Pipeline(std::vector<Stage*> stages, PipelineLimits limits = {},
                    WorkerStats* counters = nullptr)
      : stages_(std::move(stages)), limits_(limits), counters_(counters) {}
  // Pending requests are dropped without a response.
  ~Pipeline() = default;

  // Takes ownership and runs the stages; `done` may be called before Submit returns. When the
  // limits leave no room (after dropping the oldest request that has run past jostle_after, the
  // client's own first when the client is at its share), the request is turned away: 0, and
  // `done` is never called. Otherwise the request's id (which names nothing once it is done).
  uint64_t Submit(std::unique_ptr<Request> req, Responder done);
  // A request nobody waits for (a prefetch, the refresh behind a stale answer): it runs through
  // every stage and its answer goes nowhere. It never takes room a client's request needs: it is
  // turned away (0) when the pipeline is full, and is the first dropped to make room for one.
  // Its client's share is not charged.
  uint64_t SubmitBackground(std::unique_ptr<Request> req, bool prefetch);
  // Continues a pending request; a no-op when the request is gone. Called from inside the
  // stage call (the work ended before the stage could return kPending), it takes effect when
  // that call returns, so a stage needs no flag of its own to tell the two cases apart.
  void Resume(uint64_t request_id, StageResult result);
  // Drops a pending request: its stage's OnCancel stops the work, and `done` runs with
  // dropped() set. A no-op when the request is gone; not for a request inside a stage call.
  void Cancel(uint64_t request_id);
  // Drops a pending request whose client has gone (an HTTP/2 stream reset, a closed
  // connection): as Cancel, but `done` never runs.
  void Abandon(uint64_t request_id);
  // The request with this id, or null when it is gone.
  Request* Find(uint64_t request_id) const;
  size_t pending() const { return requests_.size(); }
  // dump_requestlist (pipeline_requestlist.cc): every request under way in arrival order,
  // background and child requests included, with its client's wait at `now` and what its stage
  // waits for. Not from inside a stage call.
  std::vector<PendingRequest> ListPending(absl::Time now);
  // flush_requestlist: drops every request under way, as unbound's mesh_delete_all does: the
  // stage that has each one stops its work (OnCancel: timers, queries, sockets), a client's
  // `done` runs with dropped() and flushed() set, children and background requests go silently.
  // Returns how many requests were dropped, children included. Not from inside a stage call.
  size_t DropAll();
  const PipelineStats& stats() const { return stats_; }

 private:
  using ClientKey = std::array<uint8_t, 16>;
  struct InFlight {
    std::unique_ptr<Request> req;
    ClientKey client = {};  // the client's address, for its share
    Responder done;
    size_t stage = 0;                    // the stage running or pending
    bool answering = false;              // false: OnQuery phase, true: OnAnswer phase
    bool in_stage = false;               // a stage call for it is on the stack
    std::optional<StageResult> resumed;  // a Resume that came during that call
    // A child request (RequestHandle::SubmitChild) starts below its parent's stage, and its
    // OnAnswer phase ends there too.
    size_t first_stage = 0;
    uint64_t parent = 0;             // 0: a client's request
    std::vector<uint64_t> children;  // those still running
  };
  friend class RequestHandle;
  void SubmitChild(uint64_t parent, const ldns_rdf* name, ldns_rr_type type, ldns_rr_class rr_class,
                   ChildDone done);
  void SubmitRefresh(uint64_t of, bool prefetch);
  void AnswerFrom(uint64_t id, size_t by);
  // Makes room for a request from `client` that arrived at `now`; false when there is none.
  bool MakeRoom(const ClientKey& client, absl::Time now);
  // Drops the oldest request (of `client` only, if given) that has run longer than
  // jostle_after at `now`; false when none has.
  bool Jostle(const ClientKey* client, absl::Time now);
  // Calls f's current stage (OnQuery or OnAnswer); a Resume made during the call replaces the
  // kPending it returns.
  StageResult CallStage(InFlight& f);
  // Advances `f` from its current stage given the result that stage returned.
  void Advance(uint64_t id, StageResult result);
  // Cancel and Abandon: stops the pending stage's work, then finishes with or without `done`.
  void Drop(uint64_t id, bool respond);
  void Finish(uint64_t id);

  std::vector<Stage*> stages_;
  const PipelineLimits limits_;
  // Ordered by id, which is the order of arrival: the first is the oldest.
  absl::btree_map<uint64_t, std::unique_ptr<InFlight>> requests_;
  absl::flat_hash_map<ClientKey, size_t> per_client_;
  uint64_t next_id_ = 1;
  PipelineStats stats_;
  WorkerStats* const counters_;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CORE_PIPELINE_H_
