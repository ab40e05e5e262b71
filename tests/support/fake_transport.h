// A scripted Transport for unit and replay tests: records every query and lets the test
// deliver the reply (or an error) when it chooses, as the real transport would from its loop.
#ifndef REBOUND_TESTS_SUPPORT_FAKE_TRANSPORT_H_
#define REBOUND_TESTS_SUPPORT_FAKE_TRANSPORT_H_

#include <cstdint>
#include <deque>
#include <string>
#include <utility>

#include "resolver/core/transport.h"

namespace rebound::testing {

class FakeTransport : public Transport {
 public:
  struct Sent {
    Endpoint server;
    std::string name;  // presentation form, e.g. "www.example.test."
    ldns_rr_type type;
    bool recursion_desired;
    bool edns;
    bool randomize_case;
    absl::Duration timeout;
    Callback cb;
    uint64_t ticket;
  };

  uint64_t Query(const Endpoint& server, const UpstreamQuestion& q, absl::Duration timeout,
                 Callback cb) override {
    char* name = ldns_rdf2str(q.name);
    const uint64_t ticket = next_ticket_++;
    sent_.push_back({server, name, q.type, q.recursion_desired, q.edns, q.randomize_case, timeout,
                     std::move(cb), ticket});
    free(name);
    return ticket;
  }

  // A cancelled query is no longer outstanding; its callback never runs.
  void Cancel(uint64_t ticket) override {
    for (auto it = sent_.begin(); it != sent_.end(); ++it) {
      if (it->ticket != ticket) continue;
      sent_.erase(it);
      ++cancelled_;
      return;
    }
  }

  size_t outstanding() const { return sent_.size(); }
  size_t cancelled() const { return cancelled_; }
  const Sent& front() const { return sent_.front(); }
  // Completes the oldest outstanding query.
  void Reply(absl::StatusOr<LdnsPktPtr> reply) {
    Sent s = std::move(sent_.front());
    sent_.pop_front();
    s.cb(std::move(reply));
  }

 private:
  std::deque<Sent> sent_;
  uint64_t next_ticket_ = 1;
  size_t cancelled_ = 0;
};

}  // namespace rebound::testing

#endif  // REBOUND_TESTS_SUPPORT_FAKE_TRANSPORT_H_
