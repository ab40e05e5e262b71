// The unbound.conf names rebound knows of but does not implement: they draw a warning, not an
// error, so an unbound config can be reused as it is, except for those refused_options.h
// refuses.
#ifndef REBOUND_RESOLVER_CONFIG_UNBOUND_OPTIONS_H_
#define REBOUND_RESOLVER_CONFIG_UNBOUND_OPTIONS_H_

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace rebound::config_internal {

// An unbound option (of any clause) that rebound skips with a warning.
bool IsUnsupportedUnboundOption(absl::string_view name);

// An unbound clause (remote-control, auth-zone, view, ...) whose whole body rebound skips.
bool IsUnsupportedUnboundClause(absl::string_view name);

// The whole table, sorted, for tests.
absl::Span<const absl::string_view> UnsupportedUnboundOptions();

}  // namespace rebound::config_internal

#endif  // REBOUND_RESOLVER_CONFIG_UNBOUND_OPTIONS_H_
