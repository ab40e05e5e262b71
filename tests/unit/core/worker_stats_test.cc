#include "resolver/core/worker_stats.h"

#include <gtest/gtest.h>

namespace rebound {
namespace {

TEST(WorkerStatsTest, HistogramBucketsHaveUnboundsBounds) {
  // unbound's lines: 000000.000000.to.000000.000001, ..., 000000.524288.to.000001.000000,
  // 000001.000000.to.000002.000000, ..., 262144.000000.to.524288.000000.
  EXPECT_EQ(TimeHistogramLowerMicros(0), 0u);
  EXPECT_EQ(TimeHistogramUpperMicros(0), 1u);
  EXPECT_EQ(TimeHistogramLowerMicros(20), 524288u);
  EXPECT_EQ(TimeHistogramUpperMicros(20), 1'000'000u);
  EXPECT_EQ(TimeHistogramLowerMicros(21), 1'000'000u);
  EXPECT_EQ(TimeHistogramUpperMicros(39), uint64_t{524288} * 1'000'000);
  for (size_t i = 0; i + 1 < kTimeHistogramBuckets; ++i) {
    EXPECT_EQ(TimeHistogramUpperMicros(i), TimeHistogramLowerMicros(i + 1)) << i;
  }
}

TEST(WorkerStatsTest, EachDurationFallsInTheBucketThatHoldsIt) {
  EXPECT_EQ(TimeHistogramBucket(absl::ZeroDuration()), 0u);
  EXPECT_EQ(TimeHistogramBucket(absl::Microseconds(1)), 1u);
  EXPECT_EQ(TimeHistogramBucket(absl::Microseconds(3)), 2u);
  EXPECT_EQ(TimeHistogramBucket(absl::Milliseconds(12)), 14u);  // [8192, 16384) us
  EXPECT_EQ(TimeHistogramBucket(absl::Milliseconds(999)), 20u);
  EXPECT_EQ(TimeHistogramBucket(absl::Milliseconds(1500)), 21u);
  EXPECT_EQ(TimeHistogramBucket(absl::Hours(1000)), kTimeHistogramBuckets - 1);
  for (int64_t micros : {1, 7, 100, 65536, 999'999, 1'000'000, 3'000'000}) {
    const size_t b = TimeHistogramBucket(absl::Microseconds(micros));
    EXPECT_LE(TimeHistogramLowerMicros(b), static_cast<uint64_t>(micros)) << micros;
    EXPECT_LT(static_cast<uint64_t>(micros), TimeHistogramUpperMicros(b)) << micros;
  }
}

TEST(WorkerStatsTest, MedianIsInterpolatedInsideItsBucket) {
  std::array<uint64_t, kTimeHistogramBuckets> buckets{};
  EXPECT_EQ(TimeHistogramMedian(buckets), absl::ZeroDuration());
  buckets[11] = 4;  // [1024, 2048) us: the half-way point is the middle of the bucket
  EXPECT_EQ(TimeHistogramMedian(buckets), absl::Microseconds(1536));
  buckets[21] = 4;  // half of the counts are below 2048 us: the median is that bound
  EXPECT_EQ(TimeHistogramMedian(buckets), absl::Microseconds(2048));
}

TEST(WorkerStatsTest, TotalsSumWorkersAndSinceSubtractsAllButTheGauges) {
  WorkerStats a, b;
  a.queries.Add(3);
  b.queries.Add(4);
  a.query_types[28].Add(2);
  a.requestlist_max.RaiseTo(7);
  b.requestlist_max.RaiseTo(5);
  b.requestlist_current.Set(2);
  StatsTotals total;
  AddTo(a, &total);
  AddTo(b, &total);
  EXPECT_EQ(total.queries, 7u);
  EXPECT_EQ(total.query_types[28], 2u);
  EXPECT_EQ(total.requestlist_max, 7u);  // the largest, not the sum
  EXPECT_EQ(total.requestlist_current, 2u);

  StatsTotals earlier = total;
  a.queries.Add(10);
  StatsTotals later;
  AddTo(a, &later);
  AddTo(b, &later);
  const StatsTotals since = Since(later, earlier);
  EXPECT_EQ(since.queries, 10u);
  EXPECT_EQ(since.query_types[28], 0u);
  EXPECT_EQ(since.requestlist_max, 7u);
  EXPECT_EQ(since.requestlist_current, 2u);
}

}  // namespace
}  // namespace rebound
