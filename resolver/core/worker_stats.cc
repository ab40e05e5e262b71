#include "resolver/core/worker_stats.h"

#include <algorithm>
#include <bit>

namespace rebound {

size_t TimeHistogramBucket(absl::Duration elapsed) {
  const int64_t micros = absl::ToInt64Microseconds(elapsed);
  if (micros <= 0) return 0;
  // [2^(i-1), 2^i) us is bucket i: the bit width of the count.
  const size_t bucket = std::bit_width(static_cast<uint64_t>(micros));
  return bucket < kTimeHistogramBuckets ? bucket : kTimeHistogramBuckets - 1;
}

uint64_t TimeHistogramLowerMicros(size_t i) { return i == 0 ? 0 : uint64_t{1} << (i - 1); }

uint64_t TimeHistogramUpperMicros(size_t i) { return uint64_t{1} << i; }

namespace {

bool IsGauge(const StatsTotals& t, const uint64_t& field) {
  return &field == &t.requestlist_max || &field == &t.requestlist_current;
}

}  // namespace

void AddTo(const WorkerStats& stats, StatsTotals* totals) {
  VisitStatFields(stats, *totals, [totals](const StatCounter& from, uint64_t& to) {
    if (&to == &totals->requestlist_max) {
      to = std::max(to, from.value());
    } else {
      to += from.value();
    }
  });
}

StatsTotals Since(const StatsTotals& later, const StatsTotals& earlier) {
  StatsTotals result = later;
  VisitStatFields(result, earlier, [&result](uint64_t& r, const uint64_t& e) {
    if (!IsGauge(result, r)) r = r >= e ? r - e : 0;
  });
  return result;
}

}  // namespace rebound
