// rebound-control's `stats` output: unbound-control's name=value lines, with unbound's names
// where unbound has the figure (so scripts and collectors written for unbound keep working) and
// rebound's own (num.dns64.*, num.bootstrap.*, num.relay.*) beside them.
#ifndef REBOUND_RESOLVER_CONTROL_STATS_TEXT_H_
#define REBOUND_RESOLVER_CONTROL_STATS_TEXT_H_

#include <string>

#include "resolver/core/stats_report.h"

namespace rebound {

// `extended`: extended-statistics: yes, which adds the histogram, the memory figures and the
// counts by query type, class, opcode, flag and RCODE, as in unbound.
std::string UnboundStatsText(const StatsReport& report, bool extended);

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CONTROL_STATS_TEXT_H_
