// Runs Requests through the Stages and hands the finished answer to a responder.
#ifndef REBOUND_RESOLVER_CORE_PIPELINE_H_
#define REBOUND_RESOLVER_CORE_PIPELINE_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include <functional>
#include "resolver/core/request.h"
#include "resolver/core/stage.h"

namespace rebound {

// One Pipeline per event loop; not thread-safe. The stages may be shared between pipelines only
// if they are thread-safe themselves.
class Pipeline {
 public:
  // Called once per request with the answer set (SERVFAIL if no stage produced one).
  using Responder = std::function<void(Request&)>;

  explicit Pipeline(std::vector<Stage*> stages) : stages_(std::move(stages)) {}
  // Pending requests are dropped without a response.
  ~Pipeline() = default;

  // Takes ownership and runs the stages; `done` may be called before Submit returns.
  void Submit(std::unique_ptr<Request> req, Responder done);
  // Continues a pending request; a no-op when the request is gone. Must not be called from
  // inside the stage call that returned kPending (transports defer their callbacks).
  void Resume(uint64_t request_id, StageResult result);
  // The request with this id, or null when it is gone.
  Request* Find(uint64_t request_id) const;
  size_t pending() const { return requests_.size(); }

 private:
  struct InFlight {
    std::unique_ptr<Request> req;
    Responder done;
    size_t stage = 0;         // the stage running or pending
    bool answering = false;   // false: OnQuery phase, true: OnAnswer phase
  };
  // Advances `f` from its current stage given the result that stage returned.
  void Advance(uint64_t id, StageResult result);
  void Finish(uint64_t id);

  std::vector<Stage*> stages_;
  absl::flat_hash_map<uint64_t, std::unique_ptr<InFlight>> requests_;
  uint64_t next_id_ = 1;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CORE_PIPELINE_H_
