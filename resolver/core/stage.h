// A step of the Pipeline (cache, DNS64, forwarder or iterator).
#ifndef REBOUND_RESOLVER_CORE_STAGE_H_
#define REBOUND_RESOLVER_CORE_STAGE_H_

#include <string>
#include <vector>

#include "resolver/core/endpoint.h"
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

  // The stage's name in dump_requestlist and status: unbound's module name where unbound has
  // the module ("iterator", "dns64"), rebound's own otherwise ("cache", "bootstrap").
  virtual const char* name() const { return "stage"; }
  // What the stage waits for while it holds `req` pending, in the words unbound-control's
  // dump_requestlist puts after the module name ("wait for 192.0.2.1"); empty when it cannot say
  // cheaply. Called on the loop's thread, never during a stage call for `req`.
  virtual std::string DescribeWait(Request& req) {
    (void)req;
    return "";
  }
};

// unbound's get_mesh_status for servers a query is out to: "wait for" and each address; empty
// for none.
std::string WaitForText(const std::vector<Endpoint>& servers);

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CORE_STAGE_H_
