// One request a Pipeline is working on, as rebound-control's dump_requestlist shows it (unbound's
// mesh states in unbound-control's dump_requestlist).
#ifndef REBOUND_RESOLVER_CORE_PENDING_REQUEST_H_
#define REBOUND_RESOLVER_CORE_PENDING_REQUEST_H_

#include <ldns/ldns.h>

#include <optional>
#include <string>

#include "absl/time/time.h"

namespace rebound {

struct PendingRequest {
  std::string qname;  // presentation format, with the final dot
  ldns_rr_type qtype = LDNS_RR_TYPE_A;
  ldns_rr_class qclass = LDNS_RR_CLASS_IN;
  // How long its client has waited; none for a request no client waits for (a prefetch, the
  // refresh behind a stale answer, a stage's child question), which unbound shows as "-".
  std::optional<absl::Duration> age;
  // The stage that has it (Stage::name()) and what that stage waits for, as one text:
  // "iterator wait for 192.0.2.1", "dns64 wants A IN example.", "cache is module_wait_reply".
  std::string status;
};

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CORE_PENDING_REQUEST_H_
