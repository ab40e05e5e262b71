// A step of the Pipeline (cache, DNS64, forwarder or iterator).
#ifndef REBOUND_RESOLVER_CORE_STAGE_H_
#define REBOUND_RESOLVER_CORE_STAGE_H_

#include "resolver/core/request.h"

namespace rebound {

enum class StageResult {
  kContinue,  // not mine / nothing to add: go on to the next stage
  kDone,      // the answer is set (OnQuery), or must be sent as it is now (OnAnswer)
  kPending,   // waiting on I/O or a sub-query; the stage calls req.handle().Resume(...) later
};

// Stages run OnQuery front to back until one sets the answer, then OnAnswer back to front over
// the stages before it (Knot Resolver's layers, unbound's modules, simplified). Stages never
// touch libuv: I/O goes through a Transport, so tests can script it.
class Stage {
 public:
  virtual ~Stage() = default;
  virtual StageResult OnQuery(Request& req) = 0;
  virtual StageResult OnAnswer(Request& req) {
    (void)req;
    return StageResult::kContinue;
  }
  // The request is being dropped while this stage has it pending: stop the work done for it (a
  // late Resume would be a no-op, but the lookup behind it would go on holding sockets).
  virtual void OnCancel(Request& req) { (void)req; }
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CORE_STAGE_H_
