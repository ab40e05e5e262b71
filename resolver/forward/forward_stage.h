// Sends the queries of forward zones to the configured upstream resolvers.
#ifndef REBOUND_RESOLVER_FORWARD_FORWARD_STAGE_H_
#define REBOUND_RESOLVER_FORWARD_FORWARD_STAGE_H_

#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "resolver/core/clock.h"
#include "resolver/core/stage.h"
#include "resolver/core/transport.h"
#include "resolver/forward/forward_zone_set.h"

namespace rebound {

struct ForwardOptions {
  // How long one upstream gets before the next one is asked.
  absl::Duration attempt_timeout = absl::Milliseconds(1500);
  // The whole client query may take at most this long; then SERVFAIL.
  absl::Duration budget = absl::Seconds(8);
  // A server that timed out is tried after the others for this long.
  absl::Duration backoff = absl::Seconds(30);
};

// One per event loop (it holds that loop's Transport); the zone set is shared and read-only.
class ForwardStage : public Stage {
 public:
  ForwardStage(const ForwardZoneSet* zones, Transport* transport, const Clock* clock,
               ForwardOptions options);
  StageResult OnQuery(Request& req) override;

 private:
  struct State;
  // Asks the next server in the request's order; false when none is left within the budget.
  bool SendNext(Request& req, State& state);
  void OnReply(RequestHandle handle, size_t server, absl::StatusOr<LdnsPktPtr> reply);
  std::vector<size_t> ServerOrder(const ForwardZoneSet::Zone& zone) const;

  const ForwardZoneSet* zones_;
  Transport* transport_;
  const Clock* clock_;
  ForwardOptions options_;
  // Until when each upstream (by address) counts as unresponsive.
  absl::flat_hash_map<std::string, absl::Time> backoff_until_;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_FORWARD_FORWARD_STAGE_H_
