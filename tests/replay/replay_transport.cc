#include "tests/replay/replay_transport.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "resolver/wire/presentation.h"

namespace rebound::replay {
namespace {

// A reply carrying only the question and an RCODE (or the scripted sections).
LdnsPktPtr BuildReply(const ldns_rdf* qname, ldns_rr_type qtype, ldns_rr_class qclass,
                      const ScriptedReply& script) {
  LdnsPktPtr reply(ldns_pkt_new());
  ldns_pkt_set_qr(reply.get(), true);
  ldns_pkt_set_aa(reply.get(), script.aa);
  ldns_pkt_set_ra(reply.get(), script.ra);
  ldns_pkt_set_rcode(reply.get(), script.rcode);
  PushQuestion(reply.get(), qname, qtype, qclass);
  MoveToSection(ParseRecords(script.answer), LDNS_SECTION_ANSWER, reply.get());
  MoveToSection(ParseRecords(script.authority), LDNS_SECTION_AUTHORITY, reply.get());
  MoveToSection(ParseRecords(script.additional), LDNS_SECTION_ADDITIONAL, reply.get());
  return reply;
}

}  // namespace

std::string UpstreamQuery::ToString() const {
  return absl::StrCat(server, " ", name, " ", TypeString(type));
}

uint64_t ReplayTransport::Query(const Endpoint& server, const UpstreamQuestion& q,
                                absl::Duration timeout, Callback cb) {
  Pending pending;
  pending.ticket = next_ticket_++;
  pending.logged.server = server.AddressString();
  pending.logged.name = absl::AsciiStrToLower(NameString(q.name));
  pending.logged.type = q.type;
  pending.logged.recursion_desired = q.recursion_desired;
  pending.logged.dnssec_ok = q.dnssec_ok;
  pending.logged.checking_disabled = q.checking_disabled;
  pending.name_as_sent.reset(ldns_rdf_clone(q.name));
  pending.qclass = q.qclass;
  pending.timeout = timeout;
  pending.cb = std::move(cb);
  sent_.push_back(pending.logged);
  const uint64_t ticket = pending.ticket;
  // The callback never runs inside Query (Transport's contract): replies wait for DeliverNext.
  pending_.push_back(std::move(pending));
  return ticket;
}

void ReplayTransport::Cancel(uint64_t ticket) {
  for (auto it = pending_.begin(); it != pending_.end(); ++it) {
    if (it->ticket != ticket) continue;
    pending_.erase(it);
    ++cancelled_;
    return;
  }
}

bool ReplayTransport::DeliverNext() {
  if (pending_.empty()) return false;
  // Off the queue before the callback runs: it may send new queries or cancel others.
  Pending query = std::move(pending_.front());
  pending_.pop_front();
  absl::StatusOr<LdnsPktPtr> outcome = Outcome(query);
  query.cb(std::move(outcome));
  return true;
}

const Misbehaviour* ReplayTransport::Match(const UpstreamQuery& query) {
  for (Misbehaviour& m : misbehaviours_) {
    if (m.times == 0 || (!m.server.empty() && m.server != query.server)) continue;
    if (!m.name.empty() && m.name != query.name) continue;
    if (m.type.has_value() && *m.type != query.type) continue;
    if (m.times > 0) --m.times;
    return &m;
  }
  return nullptr;
}

absl::StatusOr<LdnsPktPtr> ReplayTransport::Outcome(const Pending& query) {
  const ldns_rdf* qname = query.name_as_sent.get();
  const ldns_rr_type qtype = query.logged.type;
  const Misbehaviour* misbehaviour = Match(query.logged);
  if (misbehaviour == nullptr) {
    return internet_->Answer(query.logged.server, qname, qtype, query.qclass);
  }
  switch (misbehaviour->fault) {
    case Fault::kTimeout:
      // The resolver hears nothing until its own timeout for the query has passed.
      clock_->Advance(query.timeout);
      return absl::DeadlineExceededError("replay: no reply");
    case Fault::kServfail:
      return BuildReply(qname, qtype, query.qclass,
                        ScriptedReply{.rcode = LDNS_RCODE_SERVFAIL, .aa = false});
    case Fault::kRefused:
      return BuildReply(qname, qtype, query.qclass,
                        ScriptedReply{.rcode = LDNS_RCODE_REFUSED, .aa = false});
    case Fault::kReply:
      return BuildReply(qname, qtype, query.qclass, misbehaviour->reply);
  }
  return absl::InternalError("replay: unknown fault");
}

}  // namespace rebound::replay
