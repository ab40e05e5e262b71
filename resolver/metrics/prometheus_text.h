// The /metrics page: a StatsReport in Prometheus' text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/), the counters of
// rebound-control's `stats` under rebound_ names with labels.
#ifndef REBOUND_RESOLVER_METRICS_PROMETHEUS_TEXT_H_
#define REBOUND_RESOLVER_METRICS_PROMETHEUS_TEXT_H_

#include <string>

#include "resolver/core/stats_report.h"

namespace rebound {

// The Content-Type the page is served with.
inline constexpr char kPrometheusTextContentType[] = "text/plain; version=0.0.4; charset=utf-8";

// Every family with its HELP and TYPE lines. Counters end in _total and are the totals since the
// process started (Prometheus takes a decrease for a restart). Query types, classes, opcodes
// and rcodes are listed when they were seen, plus the common ones, so the page stays small.
std::string PrometheusText(const StatsReport& report);

// "0.000001", "1.5", "1700000000.25": `micros` as seconds, exact, without trailing zeros.
std::string SecondsFromMicros(int64_t micros);

}  // namespace rebound

#endif  // REBOUND_RESOLVER_METRICS_PROMETHEUS_TEXT_H_
