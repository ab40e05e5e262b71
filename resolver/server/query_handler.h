// What the listeners do with one query from a client, whatever the transport: access control,
// the quick checks, the parse, the pipeline, the rendered response.
#ifndef REBOUND_RESOLVER_SERVER_QUERY_HANDLER_H_
#define REBOUND_RESOLVER_SERVER_QUERY_HANDLER_H_

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "resolver/config/access_control_list.h"
#include "resolver/core/clock.h"
#include "resolver/core/pipeline.h"

namespace rebound {

// Counters of one worker; read by tests and, later, by rebound-control.
struct ServerStats {
  uint64_t queries = 0;
  uint64_t dropped = 0;     // denied by the ACL, or no header to answer
  uint64_t refused = 0;     // refused by the ACL
  uint64_t malformed = 0;   // FORMERR, NOTIMP or BADVERS sent
  uint64_t truncated = 0;   // sent with TC=1
  uint64_t render_failures = 0;
};

class QueryHandler {
 public:
  using Reply = std::function<void(std::vector<uint8_t>)>;

  QueryHandler(const AccessControlList* acl, Pipeline* pipeline, const Clock* clock,
               uint16_t edns_buffer_size)
      : acl_(acl), pipeline_(pipeline), clock_(clock), edns_buffer_size_(edns_buffer_size) {}

  // `reply` runs once, possibly before Handle returns, unless the query is dropped: then Handle
  // returns false and `reply` never runs.
  bool Handle(std::span<const uint8_t> packet, const ClientInfo& client, Reply reply);
  const ServerStats& stats() const { return stats_; }

 private:
  const AccessControlList* acl_;
  Pipeline* pipeline_;
  const Clock* clock_;
  uint16_t edns_buffer_size_;
  ServerStats stats_;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_SERVER_QUERY_HANDLER_H_
