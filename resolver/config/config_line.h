// One line of an unbound.conf-style file split into "key:" and its values.
#ifndef REBOUND_RESOLVER_CONFIG_CONFIG_LINE_H_
#define REBOUND_RESOLVER_CONFIG_CONFIG_LINE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace rebound::config_internal {

struct ConfigLine {
  std::string where;                // "file:line", the prefix of every message about this line
  std::string key;                  // without its colon; empty for a blank or comment-only line
  std::vector<std::string> values;  // quotes removed

  // "file:line: message" as an InvalidArgumentError.
  absl::Status Error(absl::string_view message) const;
  // Appends "file:line: message" to `warnings` unless it is null.
  void Warn(std::vector<std::string>* warnings, absl::string_view message) const;
};

// Splits `text` (one line, without its newline) the way unbound's lexer does: a value is a run of
// non-blank characters or a "double" or 'single' quoted string; '#' starts a comment where a value
// could start (so "1.1.1.1@853#dns.example" stays one value, as in unbound); the key must be
// followed directly by ':'. Errors carry `where`.
absl::StatusOr<ConfigLine> TokenizeConfigLine(absl::string_view text, std::string where);

}  // namespace rebound::config_internal

#endif  // REBOUND_RESOLVER_CONFIG_CONFIG_LINE_H_
