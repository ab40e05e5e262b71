// The unbound options rebound does not implement and cannot skip: without them rebound would be
// less secure, less private, or give other answers than unbound gave with the same file
// (issue 16's rule). They stop the start at their line with the reason; every other option of
// UnsupportedUnboundOptions() only draws a warning.
#ifndef REBOUND_RESOLVER_CONFIG_REFUSED_OPTIONS_H_
#define REBOUND_RESOLVER_CONFIG_REFUSED_OPTIONS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace rebound::config_internal {

// Why `name` with `values` is refused, or nullopt when skipping it with a warning is harmless.
// Some options are refused only when set to do something ("harden-referral-path: yes"); "no"
// or 0 asks for what rebound does anyway.
std::optional<std::string> RefusalOf(absl::string_view name,
                                     const std::vector<std::string>& values);

// The same for a whole clause unbound has and rebound skips (auth-zone:, view:, rpz:, ...).
std::optional<std::string> ClauseRefusalOf(absl::string_view clause);

// The names RefusalOf refuses in some form, sorted, for tests and the manual.
std::vector<absl::string_view> RefusedOptionNames();

}  // namespace rebound::config_internal

#endif  // REBOUND_RESOLVER_CONFIG_REFUSED_OPTIONS_H_
