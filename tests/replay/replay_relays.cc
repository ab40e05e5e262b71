#include "tests/replay/replay_relays.h"

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "bootstrap/relay_answer.h"
#include "resolver/wire/presentation.h"
#include "tests/replay/fake_internet.h"

namespace rebound::replay {
namespace {

// The relay that answers every scripted question: one relay is enough, RelayClient's race
// between several is its own unit tests' business.
Relay ScriptedRelay() {
  return Relay{.address = *Endpoint::Parse("198.51.100.53", 443), .tls_name = "relay.test"};
}

// The DoH response (RFC 8484 4.2) a relay sends for the script's reply, in wire form.
std::vector<uint8_t> ResponseWire(const ldns_rdf* qname, ldns_rr_type qtype,
                                  const RelayReply& reply) {
  LdnsPktPtr pkt(
      ldns_pkt_query_new(ldns_rdf_clone(qname), qtype, LDNS_RR_CLASS_IN, LDNS_RD | LDNS_RA));
  ldns_pkt_set_id(pkt.get(), 0);  // the DoH query's ID, which the relay echoes
  ldns_pkt_set_qr(pkt.get(), true);
  ldns_pkt_set_rcode(pkt.get(), reply.rcode);
  MoveToSection(ParseRecords(reply.answer), LDNS_SECTION_ANSWER, pkt.get());
  MoveToSection(ParseRecords(reply.authority), LDNS_SECTION_AUTHORITY, pkt.get());
  uint8_t* wire = nullptr;
  size_t size = 0;
  if (ldns_pkt2wire(&wire, pkt.get(), &size) != LDNS_STATUS_OK) return {};
  std::vector<uint8_t> out(wire, wire + size);
  free(wire);
  return out;
}

}  // namespace

void ReplayRelays::Script(const std::string& name, ldns_rr_type type, RelayReply reply) {
  script_[{name, type}] = std::move(reply);
}

uint64_t ReplayRelays::Resolve(const ldns_rdf* qname, ldns_rr_type qtype, Callback cb) {
  asked_.push_back(absl::StrCat(absl::AsciiStrToLower(NameString(qname)), " ", TypeString(qtype)));
  if (all_benched_) {
    cb(absl::UnavailableError("no bootstrap relay can answer this question"));
    return next_benched_id_++;
  }
  return FakeRelayExchange::Resolve(qname, qtype, std::move(cb));
}

bool ReplayRelays::AnswerNext() {
  if (outstanding() == 0) return false;
  absl::StatusOr<RelayAnswer> reply = Reply(front().name, front().type);
  Answer(std::move(reply));
  return true;
}

absl::StatusOr<RelayAnswer> ReplayRelays::Reply(const std::string& name, ldns_rr_type type) const {
  auto scripted = script_.find({absl::AsciiStrToLower(name), type});
  if (scripted == script_.end()) {
    return absl::UnavailableError(absl::StrCat("replay: no relay answer scripted for ", name));
  }
  LdnsRdfPtr qname(ldns_dname_new_frm_str(name.c_str()));
  const std::vector<uint8_t> wire = ResponseWire(qname.get(), type, scripted->second);
  absl::StatusOr<LdnsPktPtr> accepted = AcceptDohResponse(wire, qname.get(), type, max_ttl_);
  if (!accepted.ok()) return accepted.status();
  return RelayAnswer{*std::move(accepted), ScriptedRelay()};
}

}  // namespace rebound::replay
