// A relay answer remembered in bootstrap-state-file, made ready for the cache at start.
#ifndef REBOUND_BOOTSTRAP_REMEMBERED_ANSWER_H_
#define REBOUND_BOOTSTRAP_REMEMBERED_ANSWER_H_

#include <cstdint>

#include "absl/time/time.h"
#include "bootstrap/state_file.h"
#include "resolver/iterator/private_addresses.h"
#include "resolver/wire/ldns_ptr.h"

namespace rebound {

// The answer records of `persisted` (as AnswerFromRelay keeps them: the CNAME chain from the
// question and the RRset it ends at), each TTL cut to the time the answer has left at `now` and
// to `max_ttl`, the bootstrap-max-ttl configured now: the file may come from a run whose
// bootstrap-max-ttl was higher. The private-address configured now (`private_addresses`, may be
// null) applies, for the same reason. Empty when the answer has expired or cannot be read.
LdnsRrListPtr RememberedAnswerRecords(const PersistedAnswer& persisted, absl::Time now,
                                      uint32_t max_ttl,
                                      const PrivateAddresses* private_addresses = nullptr);

}  // namespace rebound

#endif  // REBOUND_BOOTSTRAP_REMEMBERED_ANSWER_H_
