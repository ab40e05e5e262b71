// The counters of one worker thread (docs/architecture.md, "Statistics"). Each is written by its
// worker's thread alone and read by any thread (rebound-control's `stats`, the Prometheus
// /metrics page), so the query path counts with a relaxed load and store, never a lock or a
// locked read-modify-write; readers sum the workers' counters when asked.
#ifndef REBOUND_RESOLVER_CORE_WORKER_STATS_H_
#define REBOUND_RESOLVER_CORE_WORKER_STATS_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "absl/time/time.h"

namespace rebound {

// A counter with one writing thread. Add is not atomic as a whole (load, then store), which is
// right only because one thread writes; any thread may read.
class StatCounter {
 public:
  void Add(uint64_t n = 1) {
    value_.store(value_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  // For maxima: keeps the larger of the two.
  void RaiseTo(uint64_t v) {
    if (v > value()) value_.store(v, std::memory_order_relaxed);
  }
  void Set(uint64_t v) { value_.store(v, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// unbound's resolution-time histogram (extended-statistics), with its bounds: bucket 0 holds
// times under 1 us; then powers of two of microseconds up to [524288 us, 1 s); then powers of
// two of seconds, [1 s, 2 s) to [262144 s, 524288 s), the last also holding anything longer.
inline constexpr size_t kTimeHistogramBuckets = 40;
// The bucket of `elapsed`.
size_t TimeHistogramBucket(absl::Duration elapsed);
// The lower and upper bound of bucket `i`, in microseconds.
uint64_t TimeHistogramLowerMicros(size_t i);
uint64_t TimeHistogramUpperMicros(size_t i);
// The median of the times counted in `buckets`, interpolated within its bucket as unbound's
// recursion.time.median is; zero when nothing was counted.
absl::Duration TimeHistogramMedian(const std::array<uint64_t, kTimeHistogramBuckets>& buckets);

// The fields, once for counters (WorkerStats) and once for sums (StatsTotals); VisitStatFields
// lists them, so adding a field here and there is all a new counter needs.
template <typename T>
struct StatFields {
  T queries;            // num.queries: every query read, answered or not
  T cache_hits;         // num.cachehits: answered without asking a server or relay
  T cache_misses;       // num.cachemiss: went to the iterator or the relays
  T prefetches;         // num.prefetch: refreshes started by prefetch
  T expired;            // num.expired: stale answers served (serve-expired, RFC 8767)
  T local_answers;      // answered (or dropped) by a local zone
  T packet_cache_hits;  // of cache_hits, the ones the packet cache answered
  T dropped;            // denied by the ACL, or no header to answer
  T refused;            // refused by the ACL
  T malformed;          // FORMERR, NOTIMP or BADVERS sent
  T truncated;          // sent with TC=1
  T render_failures;
  // Turned away, or dropped after it was taken, for want of room in the pipeline.
  T overloaded;
  T tcp;    // num.query.tcp: over TCP, TLS or HTTPS
  T tls;    // num.query.tls
  T https;  // num.query.https
  T ipv6;   // num.query.ipv6
  T edns_present;
  T edns_do;
  std::array<T, 8> query_flags;    // QR AA TC RD RA Z AD CD, as set in the queries received
  std::array<T, 256> query_types;  // by type below 256; above it, query_type_other
  T query_type_other;
  std::array<T, 256> query_classes;
  std::array<T, 16> opcodes;
  std::array<T, 16> answer_rcodes;  // of the answers sent
  T answer_nodata;                  // NOERROR with an empty answer section
  T unwanted_queries;               // refused or dropped by access-control
  // The time from a cache miss's arrival to its answer, for the recursion.time figures; the
  // count is num.recursivereplies.
  T recursion_count;
  T recursion_micros;
  std::array<T, kTimeHistogramBuckets> recursion_histogram;
  // The pipeline (requestlist.*): its size when each request came, to average; its largest;
  // requests dropped for a newer one (overwritten) and turned away (exceeded); its size now.
  T requestlist_samples;
  T requestlist_sum;
  T requestlist_max;
  T requestlist_overwritten;
  T requestlist_exceeded;
  T requestlist_current;
  T dns64_synthesized;  // AAAA answers synthesized from A (RFC 6147 5.1.7)
  // dnstap messages dropped because this worker's queue to the writer was full (the collector
  // slow or gone) or the message could not be encoded: counted by the worker's own sink.
  T dnstap_dropped;
};

// Calls f(a_field, b_field) for each field of two StatFields, arrays element by element.
template <typename A, typename B, typename F>
void VisitStatFields(A& a, B& b, F f) {
  auto each = [&f](auto& x, auto& y) {
    if constexpr (requires { x.size(); }) {
      for (size_t i = 0; i < x.size(); ++i) f(x[i], y[i]);
    } else {
      f(x, y);
    }
  };
  each(a.queries, b.queries);
  each(a.cache_hits, b.cache_hits);
  each(a.cache_misses, b.cache_misses);
  each(a.prefetches, b.prefetches);
  each(a.expired, b.expired);
  each(a.local_answers, b.local_answers);
  each(a.packet_cache_hits, b.packet_cache_hits);
  each(a.dropped, b.dropped);
  each(a.refused, b.refused);
  each(a.malformed, b.malformed);
  each(a.truncated, b.truncated);
  each(a.render_failures, b.render_failures);
  each(a.overloaded, b.overloaded);
  each(a.tcp, b.tcp);
  each(a.tls, b.tls);
  each(a.https, b.https);
  each(a.ipv6, b.ipv6);
  each(a.edns_present, b.edns_present);
  each(a.edns_do, b.edns_do);
  each(a.query_flags, b.query_flags);
  each(a.query_types, b.query_types);
  each(a.query_type_other, b.query_type_other);
  each(a.query_classes, b.query_classes);
  each(a.opcodes, b.opcodes);
  each(a.answer_rcodes, b.answer_rcodes);
  each(a.answer_nodata, b.answer_nodata);
  each(a.unwanted_queries, b.unwanted_queries);
  each(a.recursion_count, b.recursion_count);
  each(a.recursion_micros, b.recursion_micros);
  each(a.recursion_histogram, b.recursion_histogram);
  each(a.requestlist_samples, b.requestlist_samples);
  each(a.requestlist_sum, b.requestlist_sum);
  each(a.requestlist_max, b.requestlist_max);
  each(a.requestlist_overwritten, b.requestlist_overwritten);
  each(a.requestlist_exceeded, b.requestlist_exceeded);
  each(a.requestlist_current, b.requestlist_current);
  each(a.dns64_synthesized, b.dns64_synthesized);
  each(a.dnstap_dropped, b.dnstap_dropped);
}

// One worker's counters, on cache lines of their own so that two workers never write one line.
struct alignas(64) WorkerStats : StatFields<StatCounter> {};

// Plain numbers: a worker's counters read at one moment, or several workers' summed.
struct StatsTotals : StatFields<uint64_t> {
  StatsTotals() {
    VisitStatFields(*this, *this, [](uint64_t& x, uint64_t&) { x = 0; });
  }
};

// `stats` read into `totals`, added to what it holds; the maxima (requestlist_max) are kept
// as the larger.
void AddTo(const WorkerStats& stats, StatsTotals* totals);
// `later` minus `earlier`, field by field, for the counters; the gauges (requestlist_max,
// requestlist_current) are `later`'s. For `stats` after a reset: what came since.
StatsTotals Since(const StatsTotals& later, const StatsTotals& earlier);

}  // namespace rebound

#endif  // REBOUND_RESOLVER_CORE_WORKER_STATS_H_
