// The last stage of the Pipeline: resolves the client's question iteratively from the root.
#ifndef REBOUND_RESOLVER_ITERATOR_ITERATOR_STAGE_H_
#define REBOUND_RESOLVER_ITERATOR_ITERATOR_STAGE_H_

#include <string>

#include "resolver/core/stage.h"
#include "resolver/iterator/iterative_resolver.h"

namespace rebound {

// One per event loop, like the IterativeResolver it holds.
class IteratorStage : public Stage {
 public:
  explicit IteratorStage(IteratorContext context) : resolver_(context) {}
  // kPending until the lookup ends (kDone at once when the cache held the rest of a chain). The
  // answer has the CNAME chain and the RRset, or the SOA of a negative answer in authority, or
  // is a SERVFAIL. A question of a class other than IN, or without RD, is REFUSED.
  StageResult OnQuery(Request& req) override;
  // Stops the lookup, and the queries it has out.
  void OnCancel(Request& req) override;
  const char* name() const override { return "iterator"; }
  // "wait for" and the servers its lookup (and the lookups for its servers' addresses) has
  // queries out to, as unbound's dump_requestlist names them; empty when none is out.
  std::string DescribeWait(Request& req) override;

  // For the bootstrap health probe, which asks the root servers past every cache.
  IterativeResolver& resolver() { return resolver_; }

 private:
  struct State;

  IterativeResolver resolver_;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_ITERATOR_ITERATOR_STAGE_H_
