// The forward-zone: and stub-zone: clauses: each names one zone and the servers to ask for it.
#ifndef REBOUND_RESOLVER_CONFIG_ZONE_CLAUSE_H_
#define REBOUND_RESOLVER_CONFIG_ZONE_CLAUSE_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "resolver/config/config.h"
#include "resolver/config/config_line.h"

namespace rebound::config_internal {

enum class ZoneKind { kForward, kStub };

class ZoneClause {
 public:
  ZoneClause(Config* config, std::vector<std::string>* warnings);

  // True for the options a clause of this kind implements, name: included.
  static bool Handles(ZoneKind kind, absl::string_view key);

  // At a "forward-zone:" or "stub-zone:" line. The previous zone clause must have been ended.
  void Begin(ZoneKind kind, const ConfigLine& clause_line);
  // One option inside the clause; `line.key` must satisfy Handles(kind).
  absl::Status Apply(const ConfigLine& line);
  // When another clause starts or the input ends: checks the zone is complete. No-op if no zone
  // clause is open.
  absl::Status End();

 private:
  absl::Status StartZone(const ConfigLine& line);
  absl::Status AddAddress(const ConfigLine& line, std::vector<Endpoint>& addrs);
  absl::Status AddStubHost(const ConfigLine& line, StubZone& zone);
  absl::string_view ClauseName() const;

  Config* config_;
  std::vector<std::string>* warnings_;
  bool open_ = false;
  ZoneKind kind_ = ZoneKind::kForward;
  std::string clause_where_;
  bool named_ = false;      // the open clause has had its name: line
  std::string name_where_;  // where that name: line is
  // Every zone name defined so far, to "forward-zone at file:line", to refuse duplicates.
  absl::flat_hash_map<std::string, std::string> defined_;
};

}  // namespace rebound::config_internal

#endif  // REBOUND_RESOLVER_CONFIG_ZONE_CLAUSE_H_
