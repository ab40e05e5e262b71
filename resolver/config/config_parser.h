// Reads config text line by line: clauses, include:, and which clause each option goes to.
// The public entry points (LoadConfigFile, ParseConfigText) are declared in config.h.
#ifndef REBOUND_RESOLVER_CONFIG_CONFIG_PARSER_H_
#define REBOUND_RESOLVER_CONFIG_CONFIG_PARSER_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "resolver/config/config.h"
#include "resolver/config/config_line.h"
#include "resolver/config/dnstap_clause.h"
#include "resolver/config/remote_control_clause.h"
#include "resolver/config/server_clause.h"
#include "resolver/config/zone_clause.h"

namespace rebound::config_internal {

// include: nesting allowed. Loops are caught by path; this catches what paths cannot show
// (hard links, bind mounts) and runaway generated configs.
inline constexpr int kMaxIncludeDepth = 16;

class ConfigParser {
 public:
  explicit ConfigParser(std::vector<std::string>* warnings);
  ConfigParser(const ConfigParser&) = delete;
  ConfigParser& operator=(const ConfigParser&) = delete;

  // Reads one file's text. Included files are read as if their text stood in place of the
  // include: line, so a clause may continue across files, as in unbound.
  absl::Status ParseText(absl::string_view text, const std::string& filename);

  // Ends the input: closes the last clause and settles cross-option values.
  absl::StatusOr<Config> Finish();

 private:
  enum class Clause { kNone, kServer, kForwardZone, kStubZone, kRemoteControl, kDnstap, kSkipped };

  absl::Status HandleLine(const ConfigLine& line, const std::string& filename);
  absl::Status StartClause(const ConfigLine& line);
  static bool IsOptionName(absl::string_view token);
  absl::Status EndClause();
  absl::Status HandleOption(const ConfigLine& line);
  absl::Status Include(const ConfigLine& line, const std::string& filename);
  absl::Status IncludeFile(const ConfigLine& line, const std::string& path);
  // The clause an implemented option belongs to, for "wrong clause" messages; empty if none.
  static absl::string_view HomeClauseOf(absl::string_view key);

  std::vector<std::string>* warnings_;
  Config config_;
  ServerClause server_;
  ZoneClause zones_;
  RemoteControlClause remote_control_;
  DnstapClause dnstap_;
  Clause clause_ = Clause::kNone;
  std::string clause_name_;
  // Canonical paths of the files being read, outermost first: the include chain.
  std::vector<std::string> include_stack_;
};

}  // namespace rebound::config_internal

#endif  // REBOUND_RESOLVER_CONFIG_CONFIG_PARSER_H_
