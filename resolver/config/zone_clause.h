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
  // After the whole file, when the server: options are known: settles DNS over TLS to the
  // forward-zones (tls-upstream, port 853 for an address without @port) and refuses what would
  // send their queries in plaintext. `tls_upstream_where` is where tls-upstream: yes is, "" if
  // it is not set.
  absl::Status FinishTls(const std::string& tls_upstream_where);

 private:
  absl::Status StartZone(const ConfigLine& line);
  // Adds the server `text` ("addr[@port]") to `addrs`: false for a duplicate (with a warning).
  absl::StatusOr<bool> AddAddress(const ConfigLine& line, absl::string_view text,
                                  std::vector<Endpoint>& addrs);
  absl::Status AddForwardAddress(const ConfigLine& line, ForwardZone& zone);
  // forward-host, stub-host: a server by name, resolved when first needed.
  absl::Status AddHost(const ConfigLine& line, std::vector<std::string>& hosts);
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
  // What FinishTls needs of each forward-zone (same order as Config::forward_zones): where its
  // lines are, and which forward-addr lines gave a port.
  struct ForwardNotes {
    std::string name_where;
    std::string tls_where;    // forward-tls-upstream: yes
    std::string first_where;  // forward-first: yes
    std::string host_where;   // the first forward-host
    std::vector<std::string> addr_where;
    std::vector<bool> port_given;
  };
  std::vector<ForwardNotes> forward_notes_;
  std::string first_stub_where_;  // the first stub-zone's name: line, "" if none
};

}  // namespace rebound::config_internal

#endif  // REBOUND_RESOLVER_CONFIG_ZONE_CLAUSE_H_
