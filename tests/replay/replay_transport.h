// A Transport that answers by itself from a FakeInternet, one reply at a time and in the order
// the queries were sent, and records every query; a scenario may script a server to misbehave.
#ifndef REBOUND_TESTS_REPLAY_REPLAY_TRANSPORT_H_
#define REBOUND_TESTS_REPLAY_REPLAY_TRANSPORT_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "resolver/core/clock.h"
#include "resolver/core/transport.h"
#include "tests/replay/fake_internet.h"

namespace rebound::replay {

// One query the resolver sent to an authoritative server.
struct UpstreamQuery {
  std::string server;  // the address, without the port
  std::string name;    // presentation form, lowercased (0x20 randomization undone)
  ldns_rr_type type = LDNS_RR_TYPE_A;
  bool recursion_desired = false;
  bool dnssec_ok = false;
  bool checking_disabled = false;
  // "192.0.2.1 www.example.test. A": what the scenarios compare.
  std::string ToString() const;
};

// A reply sent instead of the zone's own answer.
struct ScriptedReply {
  ldns_pkt_rcode rcode = LDNS_RCODE_NOERROR;
  bool aa = true;
  bool ra = false;  // a recursive server's reply sets it (RFC 1035 4.1.1)
  std::vector<std::string> answer = {};
  std::vector<std::string> authority = {};
  std::vector<std::string> additional = {};
};

enum class Fault {
  kTimeout,   // nothing comes back: the query's timeout passes on the clock, DeadlineExceeded
  kServfail,  // RCODE 2, nothing else
  kRefused,   // RCODE 5, nothing else
  kReply,     // Misbehaviour::reply
};

// How one server mishandles the queries that match.
struct Misbehaviour {
  std::string server = {};  // as in FakeInternet::AddZone; empty: every server
  std::string name = {};    // absolute, lowercase; empty: every name
  std::optional<ldns_rr_type> type = std::nullopt;  // nullopt: every type
  Fault fault = Fault::kTimeout;
  ScriptedReply reply = {};  // for kReply
  int times = -1;            // how many matching queries it spoils; -1: all of them
};

class ReplayTransport : public Transport {
 public:
  // Both must outlive the transport.
  ReplayTransport(const FakeInternet* internet, FakeClock* clock)
      : internet_(internet), clock_(clock) {}

  uint64_t Query(const Endpoint& server, const UpstreamQuestion& q, absl::Duration timeout,
                 Callback cb) override;
  void Cancel(uint64_t ticket) override;

  void Misbehave(Misbehaviour misbehaviour) { misbehaviours_.push_back(std::move(misbehaviour)); }
  // Every server behaves again (the network is back). A reply's fate is decided when it is
  // delivered, so queries still out are answered too.
  void ClearMisbehaviours() { misbehaviours_.clear(); }

  // Completes the oldest outstanding query (its callback may send more); false when none is.
  bool DeliverNext();
  size_t outstanding() const { return pending_.size(); }
  // Queries withdrawn by the resolver before their reply came.
  size_t cancelled() const { return cancelled_; }

  // Every query sent, in order (cancelled ones included).
  const std::vector<UpstreamQuery>& sent() const { return sent_; }
  void ForgetSent() { sent_.clear(); }

 private:
  struct Pending {
    uint64_t ticket = 0;
    UpstreamQuery logged;
    LdnsRdfPtr name_as_sent;  // the reply echoes its letter case
    ldns_rr_class qclass = LDNS_RR_CLASS_IN;
    absl::Duration timeout;
    Callback cb;
  };
  // The misbehaviour that applies to this query, if any; counts the use.
  const Misbehaviour* Match(const UpstreamQuery& query);
  absl::StatusOr<LdnsPktPtr> Outcome(const Pending& query);

  const FakeInternet* const internet_;
  FakeClock* const clock_;
  std::vector<Misbehaviour> misbehaviours_;
  std::deque<Pending> pending_;
  std::vector<UpstreamQuery> sent_;
  uint64_t next_ticket_ = 1;
  size_t cancelled_ = 0;
};

}  // namespace rebound::replay

#endif  // REBOUND_TESTS_REPLAY_REPLAY_TRANSPORT_H_
