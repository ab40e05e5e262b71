// A scripted RelayExchange for unit and replay tests: records every question and lets the test
// deliver the answer (or a failure) when it chooses, as RelayClient would from its loop.
#ifndef REBOUND_TESTS_SUPPORT_FAKE_RELAY_EXCHANGE_H_
#define REBOUND_TESTS_SUPPORT_FAKE_RELAY_EXCHANGE_H_

#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "bootstrap/relay_exchange.h"

namespace rebound::testing {

class FakeRelayExchange : public RelayExchange {
 public:
  struct Asked {
    uint64_t id;
    std::string name;  // presentation form
    ldns_rr_type type;
    Callback cb;
  };

  uint64_t Resolve(const ldns_rdf* qname, ldns_rr_type qtype, Callback cb) override {
    char* name = ldns_rdf2str(qname);
    asked_.push_back({next_id_, name, qtype, std::move(cb)});
    free(name);
    return next_id_++;
  }
  void Cancel(uint64_t id) override {
    for (auto it = asked_.begin(); it != asked_.end(); ++it) {
      if (it->id != id) continue;
      asked_.erase(it);
      ++cancelled_;
      return;
    }
  }

  // Every outstanding question waits for `awaited_relay`.
  std::vector<Endpoint> Awaited(uint64_t id) const override {
    for (const Asked& asked : asked_) {
      if (asked.id == id) return {awaited_relay};
    }
    return {};
  }

  Endpoint awaited_relay = *Endpoint::Parse("192.0.2.53", 443);
  size_t outstanding() const { return asked_.size(); }
  size_t cancelled() const { return cancelled_; }
  const Asked& front() const { return asked_.front(); }
  // Completes the oldest outstanding question.
  void Answer(absl::StatusOr<RelayAnswer> answer) {
    Asked asked = std::move(asked_.front());
    asked_.pop_front();
    asked.cb(std::move(answer));
  }

 private:
  std::deque<Asked> asked_;
  uint64_t next_id_ = 1;
  size_t cancelled_ = 0;
};

}  // namespace rebound::testing

#endif  // REBOUND_TESTS_SUPPORT_FAKE_RELAY_EXCHANGE_H_
