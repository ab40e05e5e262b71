// The dnstap: clause (unbound.conf(5)): dnstap logging to a Frame Streams collector.
#ifndef REBOUND_RESOLVER_CONFIG_DNSTAP_CLAUSE_H_
#define REBOUND_RESOLVER_CONFIG_DNSTAP_CLAUSE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "resolver/config/config.h"
#include "resolver/config/config_line.h"

namespace rebound::config_internal {

class DnstapClause {
 public:
  explicit DnstapClause(DnstapConfig* config) : config_(config) {}

  // True for every option of unbound's dnstap: clause, the refused ones included: each is
  // answered here, with its meaning or with the reason it cannot have it.
  static bool Handles(absl::string_view key);
  // One option inside the clause; `line.key` must satisfy Handles().
  absl::Status Apply(const ConfigLine& line);
  // After the whole file: dnstap-enable: yes needs a socket or an address to write to, and
  // dnstap-ip needs dnstap-tls: no.
  absl::Status Finish() const;

 private:
  DnstapConfig* config_;
  std::string enable_where_;  // the line that set dnstap-enable: yes, "" if none did
  std::string ip_where_;      // the line that set dnstap-ip, "" if none did
};

}  // namespace rebound::config_internal

#endif  // REBOUND_RESOLVER_CONFIG_DNSTAP_CLAUSE_H_
