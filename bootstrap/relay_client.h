// Asks the bootstrap relays a question over verified HTTPS, racing them: the last relay that
// answered starts first, then the others one after another by family, each with a head start
// (RFC 8305 5), and the first answer that passes the checks of relay_answer.h wins.
#ifndef REBOUND_BOOTSTRAP_RELAY_CLIENT_H_
#define REBOUND_BOOTSTRAP_RELAY_CLIENT_H_

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bootstrap/relay.h"
#include "bootstrap/relay_exchange.h"
#include "bootstrap/relay_memory.h"
#include "resolver/core/clock.h"
#include "resolver/wire/ldns_ptr.h"
#include "tls/https_client.h"
#include "tls/tls_context.h"

namespace rebound {

struct RelayClientOptions {
  // RFC 8305 5 recommends 250 ms between connection attempts: long enough for a working relay
  // to win, short enough that a dead address family costs little.
  absl::Duration head_start = absl::Milliseconds(250);
  // One relay's whole exchange, TCP and TLS handshakes included.
  absl::Duration attempt_timeout = absl::Seconds(4);
  // bootstrap-max-ttl.
  uint32_t max_ttl = 300;
  // A relay whose certificate failed verification sits out this long: it would fail again.
  absl::Duration verification_penalty = absl::Minutes(5);
};

// Lives on one loop (one per worker) and keeps one HTTPS connection per relay, reused by every
// question. Must be used from that loop's thread only.
class RelayClient : public RelayExchange {
 public:
  // `relays`, `tls`, `memory` and `clock` must outlive the client.
  RelayClient(uv_loop_t* loop, const TlsClientContext* tls, const std::vector<Relay>* relays,
              RelayMemory* memory, const Clock* clock, RelayClientOptions options);
  RelayClient(const RelayClient&) = delete;
  RelayClient& operator=(const RelayClient&) = delete;
  // Abandons every race: no callback runs afterwards. The loop must keep running until the
  // handles are closed.
  ~RelayClient() override;

  uint64_t Resolve(const ldns_rdf* qname, ldns_rr_type qtype, Callback cb) override;
  void Cancel(uint64_t id) override;
  std::vector<Endpoint> Awaited(uint64_t id) const override;

  size_t races_in_progress() const { return races_.size(); }

 private:
  struct Race;
  struct Attempt {
    size_t relay;          // index into *relays_
    uint64_t request = 0;  // the HttpsConnection request id
    bool running = true;
    absl::Time started = absl::InfinitePast();  // for the relay's RTT (bootstrap_status)
  };

  // Starts the next relay in the race's order, and arms the head-start timer for the one after.
  void StartNext(uint64_t race_id);
  void OnResponse(uint64_t race_id, size_t attempt, absl::StatusOr<HttpsResponse> response);
  // An attempt failed: the next relay starts at once, or the race fails when none is left.
  void AttemptFailed(Race& race, size_t attempt, const absl::Status& why);
  void Finish(uint64_t race_id, absl::StatusOr<RelayAnswer> result);
  HttpsConnection& ConnectionTo(size_t relay);
  bool Benched(size_t relay) const;

  uv_loop_t* loop_;
  const TlsClientContext* tls_;
  const std::vector<Relay>* relays_;
  RelayMemory* memory_;
  const Clock* clock_;
  const RelayClientOptions options_;
  std::vector<std::unique_ptr<HttpsConnection>> connections_;  // by relay index, made on use
  std::vector<absl::Time> benched_until_;                      // by relay index
  absl::flat_hash_map<uint64_t, std::unique_ptr<Race>> races_;
  uint64_t next_id_ = 1;
};

}  // namespace rebound

#endif  // REBOUND_BOOTSTRAP_RELAY_CLIENT_H_
