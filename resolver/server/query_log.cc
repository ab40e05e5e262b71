#include "resolver/server/query_log.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "resolver/wire/ldns_ptr.h"
#include "resolver/wire/presentation.h"

namespace rebound {
namespace {

std::string Question(const ldns_rdf* qname, ldns_rr_type qtype, ldns_rr_class qclass) {
  return absl::StrCat(NameString(qname), " ", TypeString(qtype), " ",
                      TakeLdnsString(ldns_rr_class2str(qclass)));
}

std::string RcodeString(ldns_pkt_rcode rcode) {
  const ldns_lookup_table* entry = ldns_lookup_by_id(ldns_rcodes, rcode);
  return entry != nullptr ? entry->name : absl::StrCat("RCODE", static_cast<int>(rcode));
}

}  // namespace

std::string QueryLogLine(const Endpoint& client, const ldns_rdf* qname, ldns_rr_type qtype,
                         ldns_rr_class qclass) {
  return absl::StrCat(client.AddressString(), " ", Question(qname, qtype, qclass));
}

std::optional<std::string> ReplyLogLine(const Endpoint& client, std::span<const uint8_t> response,
                                        bool cached, absl::Duration elapsed) {
  ldns_pkt* parsed = nullptr;
  if (ldns_wire2pkt(&parsed, response.data(), response.size()) != LDNS_STATUS_OK) {
    return std::nullopt;
  }
  LdnsPktPtr packet(parsed);
  if (ldns_pkt_qdcount(packet.get()) == 0) return std::nullopt;
  const ldns_rr* question = ldns_rr_list_rr(ldns_pkt_question(packet.get()), 0);
  // unbound prints the round trip as seconds.microseconds.
  const int64_t micros = absl::ToInt64Microseconds(elapsed);
  return absl::StrFormat(
      "%s %s %s %d.%06d %d %d", client.AddressString(),
      Question(ldns_rr_owner(question), ldns_rr_get_type(question), ldns_rr_get_class(question)),
      RcodeString(ldns_pkt_get_rcode(packet.get())), micros / 1'000'000, micros % 1'000'000,
      cached ? 1 : 0, response.size());
}

std::string ServfailLogLine(const ldns_rdf* qname, ldns_rr_type qtype, ldns_rr_class qclass,
                            absl::string_view reason) {
  return absl::StrCat("SERVFAIL <", Question(qname, qtype, qclass), ">: ", reason);
}

}  // namespace rebound
