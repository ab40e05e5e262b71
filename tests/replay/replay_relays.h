// The bootstrap relays of a replay scenario: a FakeRelayExchange (what BootstrapStage talks to
// instead of RelayClient) that notes every question and answers from the scenario's script.
// Each scripted answer is made into the DoH response a relay would send and goes through
// AcceptDohResponse, the check RelayClient applies, so the stage sees exactly what the daemon's
// relay client would hand it: ID 0, the question asked, TTLs capped at bootstrap-max-ttl.
#ifndef REBOUND_TESTS_REPLAY_REPLAY_RELAYS_H_
#define REBOUND_TESTS_REPLAY_REPLAY_RELAYS_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/fake_relay_exchange.h"

namespace rebound::replay {

// What the relays answer to one question. An RCODE other than NOERROR or NXDOMAIN is the relay
// failing to resolve the name (AcceptDohResponse makes it UnavailableError).
struct RelayReply {
  ldns_pkt_rcode rcode = LDNS_RCODE_NOERROR;
  std::vector<std::string> answer = {};     // master-file lines, as in FakeInternet::AddZone
  std::vector<std::string> authority = {};  // a negative answer's SOA
};

class ReplayRelays : public rebound::testing::FakeRelayExchange {
 public:
  // `max_ttl`: bootstrap-max-ttl.
  explicit ReplayRelays(uint32_t max_ttl) : max_ttl_(max_ttl) {}

  // The answer to (name, type); name absolute, lowercase. A question without one gets
  // UnavailableError, as RelayClient's when no relay gave an acceptable answer.
  void Script(const std::string& name, ldns_rr_type type, RelayReply reply);

  // Every relay benched (RelayClient after each failed): a question fails inside Resolve, as
  // RelayExchange allows.
  void BenchAll(bool benched) { all_benched_ = benched; }

  uint64_t Resolve(const ldns_rdf* qname, ldns_rr_type qtype, Callback cb) override;
  // Completes the oldest outstanding question from the script; false when none is outstanding.
  bool AnswerNext();

  // Every question since the start (or ForgetAsked), cancelled ones included, as
  // "www.example.test. A" (lowercased, like ReplayTransport's log).
  const std::vector<std::string>& asked() const { return asked_; }
  void ForgetAsked() { asked_.clear(); }

 private:
  absl::StatusOr<RelayAnswer> Reply(const std::string& name, ldns_rr_type type) const;

  const uint32_t max_ttl_;
  std::map<std::pair<std::string, ldns_rr_type>, RelayReply> script_;
  std::vector<std::string> asked_;
  bool all_benched_ = false;
  uint64_t next_benched_id_ = uint64_t{1} << 32;  // apart from FakeRelayExchange's ids
};

}  // namespace rebound::replay

#endif  // REBOUND_TESTS_REPLAY_REPLAY_RELAYS_H_
