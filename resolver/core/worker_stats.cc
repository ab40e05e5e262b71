#include "resolver/core/worker_stats.h"

#include <algorithm>
#include <bit>

namespace rebound {

namespace {

constexpr uint64_t kMicrosPerSecond = 1'000'000;
// Bucket 20 is [524288 us, 1 s); from bucket 21 on the bounds are whole seconds.
constexpr size_t kFirstSecondsBucket = 21;

}  // namespace

size_t TimeHistogramBucket(absl::Duration elapsed) {
  const int64_t micros = absl::ToInt64Microseconds(elapsed);
  if (micros <= 0) return 0;
  const auto u = static_cast<uint64_t>(micros);
  if (u < kMicrosPerSecond) {
    // [2^(i-1), 2^i) us is bucket i: the bit width of the count (up to 20).
    return std::bit_width(u);
  }
  const size_t bucket = kFirstSecondsBucket - 1 + std::bit_width(u / kMicrosPerSecond);
  return std::min(bucket, kTimeHistogramBuckets - 1);
}

uint64_t TimeHistogramLowerMicros(size_t i) {
  if (i == 0) return 0;
  if (i < kFirstSecondsBucket) return uint64_t{1} << (i - 1);
  return (uint64_t{1} << (i - kFirstSecondsBucket)) * kMicrosPerSecond;
}

uint64_t TimeHistogramUpperMicros(size_t i) {
  if (i + 1 < kFirstSecondsBucket) return uint64_t{1} << i;
  return TimeHistogramLowerMicros(i + 1);
}

absl::Duration TimeHistogramMedian(const std::array<uint64_t, kTimeHistogramBuckets>& buckets) {
  uint64_t total = 0;
  for (uint64_t n : buckets) total += n;
  if (total == 0) return absl::ZeroDuration();
  // The point half-way through the counts, placed linearly inside the bucket that holds it.
  const double half = static_cast<double>(total) / 2;
  double before = 0;
  for (size_t i = 0; i < buckets.size(); ++i) {
    const auto n = static_cast<double>(buckets[i]);
    if (n > 0 && before + n >= half) {
      const double lower = static_cast<double>(TimeHistogramLowerMicros(i));
      const double upper = static_cast<double>(TimeHistogramUpperMicros(i));
      return absl::Microseconds(lower + (upper - lower) * ((half - before) / n));
    }
    before += n;
  }
  return absl::ZeroDuration();
}

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
