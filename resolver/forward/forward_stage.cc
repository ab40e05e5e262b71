#include "resolver/forward/forward_stage.h"

#include <algorithm>
#include <utility>

#include "resolver/core/log.h"

namespace rebound {

struct ForwardStage::State {
  const ForwardZoneSet::Zone* zone = nullptr;
  std::vector<size_t> order;  // indexes into zone->servers, in the order to try them
  size_t next = 0;
};

namespace {

// An upstream that fails this way may be alone in its trouble: ask another (as unbound does).
bool IsServerFailure(const ldns_pkt& reply) {
  const ldns_pkt_rcode rcode = ldns_pkt_get_rcode(&reply);
  return rcode == LDNS_RCODE_SERVFAIL || rcode == LDNS_RCODE_REFUSED ||
         rcode == LDNS_RCODE_NOTIMPL || rcode == LDNS_RCODE_FORMERR;
}

}  // namespace

ForwardStage::ForwardStage(const ForwardZoneSet* zones, Transport* transport, const Clock* clock,
                           ForwardOptions options)
    : zones_(zones), transport_(transport), clock_(clock), options_(options) {}

StageResult ForwardStage::OnQuery(Request& req) {
  const ForwardZoneSet::Zone* zone = zones_->Find(req.qname());
  if (zone == nullptr) return StageResult::kContinue;
  State& state = req.Slot<State>();
  state.zone = zone;
  state.order = ServerOrder(*zone);
  state.next = 0;
  if (!SendNext(req, state)) return zone->first ? StageResult::kContinue : StageResult::kDone;
  return StageResult::kPending;
}

// The configured order, as a user of forward-addr expects, except that servers in backoff after
// a timeout go last.
std::vector<size_t> ForwardStage::ServerOrder(const ForwardZoneSet::Zone& zone) const {
  const size_t n = zone.servers.size();
  const absl::Time now = clock_->Now();
  std::vector<size_t> order;
  std::vector<size_t> backed_off;
  for (size_t i = 0; i < n; ++i) {
    auto it = backoff_until_.find(zone.servers[i].ToString());
    (it != backoff_until_.end() && it->second > now ? backed_off : order).push_back(i);
  }
  order.insert(order.end(), backed_off.begin(), backed_off.end());
  return order;
}

bool ForwardStage::SendNext(Request& req, State& state) {
  const absl::Duration left = req.received() + options_.budget - clock_->Now();
  if (state.next >= state.order.size() || left <= absl::ZeroDuration()) return false;
  const size_t server = state.order[state.next++];
  UpstreamQuestion q;
  q.name = req.qname();
  q.type = req.qtype();
  q.qclass = req.qclass();
  q.recursion_desired = true;  // the upstream is a recursive resolver
  q.checking_disabled = req.checking_disabled();
  q.dnssec_ok = req.dnssec_ok();
  transport_->Query(state.zone->servers[server], q, std::min(options_.attempt_timeout, left),
                    [this, handle = req.handle(), server](absl::StatusOr<LdnsPktPtr> reply) {
                      OnReply(handle, server, std::move(reply));
                    });
  return true;
}

void ForwardStage::OnReply(RequestHandle handle, size_t server,
                           absl::StatusOr<LdnsPktPtr> reply) {
  Request* req = handle.get();
  if (req == nullptr) return;  // the client request is gone
  State& state = req->Slot<State>();
  const Endpoint& upstream = state.zone->servers[server];
  if (reply.ok() && !IsServerFailure(**reply)) {
    backoff_until_.erase(upstream.ToString());
    req->set_answer(*std::move(reply));
    handle.Resume(StageResult::kDone);
    return;
  }
  if (!reply.ok()) {
    static RateLimiter limiter;
    if (limiter.Allow()) {
      Log(LogLevel::kOps, "forwarder %s: %s", upstream.ToString(), reply.status().ToString());
    }
    if (absl::IsDeadlineExceeded(reply.status()) || absl::IsUnavailable(reply.status())) {
      backoff_until_[upstream.ToString()] = clock_->Now() + options_.backoff;
    }
  }
  if (SendNext(*req, state)) return;
  // Every upstream failed: SERVFAIL (the pipeline's answer for kDone without one), or with
  // forward-first the next stage resolves the name itself.
  handle.Resume(state.zone->first ? StageResult::kContinue : StageResult::kDone);
}

}  // namespace rebound
