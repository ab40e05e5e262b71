#include "bootstrap/remembered_answer.h"

#include <algorithm>

#include "bootstrap/bootstrap_stage.h"
#include "resolver/wire/message_check.h"

namespace rebound {

LdnsRrListPtr RememberedAnswerRecords(const PersistedAnswer& persisted, absl::Time now,
                                      uint32_t max_ttl, const PrivateAddresses* private_addresses) {
  LdnsRrListPtr records(ldns_rr_list_new());
  const int64_t left = absl::ToInt64Seconds(persisted.expires - now);
  if (left <= 0) return records;
  // The state file is input like any other: what ldns would mishandle is not parsed.
  LdnsPktPtr relay_answer = ParseMessage(persisted.wire);
  if (relay_answer == nullptr) return records;
  LdnsRdfPtr qname(ldns_dname_new_frm_str(persisted.qname.c_str()));
  if (qname == nullptr) return records;
  LdnsPktPtr answer = AnswerFromRelay(
      *relay_answer, qname.get(), static_cast<ldns_rr_type>(persisted.qtype), private_addresses);
  const uint32_t cap = static_cast<uint32_t>(std::min<int64_t>(left, max_ttl));
  ldns_rr_list* kept = ldns_pkt_answer(answer.get());
  for (size_t i = 0; i < ldns_rr_list_rr_count(kept); ++i) {
    ldns_rr* rr = ldns_rr_clone(ldns_rr_list_rr(kept, i));
    ldns_rr_set_ttl(rr, std::min(ldns_rr_ttl(rr), cap));
    ldns_rr_list_push_rr(records.get(), rr);
  }
  return records;
}

}  // namespace rebound
