#include "resolver/metrics/prometheus_text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <ldns/ldns.h>

#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "tests/common/child_process.h"
#include "tests/common/skip_or_fail.h"
#include "tests/common/temp_dir.h"

namespace rebound {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

// A report with a little of everything: two threads, a few types, an NXDOMAIN, a TYPE65000,
// times in three buckets, caches, bootstrap mode on.
StatsReport MadeReport() {
  StatsReport report;
  StatsTotals& t = report.total;
  t.queries = 12;
  t.query_types[LDNS_RR_TYPE_A] = 5;
  t.query_types[LDNS_RR_TYPE_AAAA] = 4;
  t.query_types[LDNS_RR_TYPE_NAPTR] = 2;  // not a common type: listed because it was seen
  t.query_type_other = 1;                 // TYPE65000
  t.query_classes[LDNS_RR_CLASS_IN] = 12;
  t.opcodes[LDNS_PACKET_QUERY] = 12;
  t.answer_rcodes[LDNS_RCODE_NOERROR] = 9;
  t.answer_rcodes[LDNS_RCODE_NXDOMAIN] = 3;
  t.cache_hits = 7;
  t.cache_misses = 5;
  t.prefetches = 1;
  t.expired = 2;
  t.dns64_synthesized = 3;
  t.tcp = 2;
  t.requestlist_max = 6;
  t.requestlist_exceeded = 1;
  // 5 resolutions: 2 under 1 us, 1 in [1, 2) us, 2 in [1024, 2048) us.
  t.recursion_histogram[0] = 2;
  t.recursion_histogram[1] = 1;
  t.recursion_histogram[11] = 2;
  t.recursion_count = 5;
  t.recursion_micros = 2500;
  report.threads.resize(2);
  report.threads[0].requestlist_current = 3;
  report.threads[1].requestlist_current = 1;
  report.caches = {.rrset_bytes = 4096,
                   .rrset_entries = 10,
                   .message_bytes = 2048,
                   .message_entries = 4,
                   .infra_entries = 3};
  report.bootstrap.enabled = true;
  report.bootstrap.active = true;
  report.bootstrap.since = absl::FromUnixMicros(1'700'000'100'500'000);
  report.bootstrap.entered = 1;
  report.bootstrap.relay_answers = 8;
  report.started = absl::FromUnixSeconds(1'700'000'000);
  report.now = absl::FromUnixSeconds(1'700'000'200);
  report.memory_bytes = 12'345'678;
  return report;
}

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

TEST(PrometheusTextTest, CountersCarryTheirFiguresUnderRenamedLabels) {
  const std::vector<std::string> lines = Lines(PrometheusText(MadeReport()));
  EXPECT_THAT(lines, Contains("# TYPE rebound_queries_total counter"));
  EXPECT_THAT(lines, Contains("rebound_queries_total 12"));
  EXPECT_THAT(lines, Contains("rebound_queries_by_type_total{type=\"A\"} 5"));
  EXPECT_THAT(lines, Contains("rebound_queries_by_type_total{type=\"AAAA\"} 4"));
  EXPECT_THAT(lines, Contains("rebound_queries_by_type_total{type=\"NAPTR\"} 2"));
  EXPECT_THAT(lines, Contains("rebound_queries_by_type_total{type=\"other\"} 1"));
  // A common type nobody asked is listed at 0; an uncommon one is not.
  EXPECT_THAT(lines, Contains("rebound_queries_by_type_total{type=\"MX\"} 0"));
  EXPECT_THAT(lines, Not(Contains(HasSubstr("type=\"HINFO\""))));
  EXPECT_THAT(lines, Contains("rebound_queries_by_class_total{class=\"IN\"} 12"));
  EXPECT_THAT(lines, Contains("rebound_queries_by_opcode_total{opcode=\"QUERY\"} 12"));
  EXPECT_THAT(lines, Contains("rebound_answers_total{rcode=\"NXDOMAIN\"} 3"));
  EXPECT_THAT(lines, Contains("rebound_answers_total{rcode=\"NOERROR\"} 9"));
  EXPECT_THAT(lines, Contains("rebound_answers_total{rcode=\"SERVFAIL\"} 0"));
  EXPECT_THAT(lines, Contains("rebound_cache_hits_total 7"));
  EXPECT_THAT(lines, Contains("rebound_cache_misses_total 5"));
  EXPECT_THAT(lines, Contains("rebound_prefetches_total 1"));
  EXPECT_THAT(lines, Contains("rebound_expired_answers_total 2"));
  EXPECT_THAT(lines, Contains("rebound_dns64_synthesized_total 3"));
  EXPECT_THAT(lines, Contains("rebound_queries_tcp_total 2"));
  EXPECT_THAT(lines, Contains("rebound_requestlist_exceeded_total 1"));
}

TEST(PrometheusTextTest, GaugesAndPerThreadSeries) {
  const std::vector<std::string> lines = Lines(PrometheusText(MadeReport()));
  EXPECT_THAT(lines, Contains("# TYPE rebound_requestlist_current gauge"));
  EXPECT_THAT(lines, Contains("rebound_requestlist_current{thread=\"0\"} 3"));
  EXPECT_THAT(lines, Contains("rebound_requestlist_current{thread=\"1\"} 1"));
  EXPECT_THAT(lines, Contains("rebound_requestlist_max 6"));
  EXPECT_THAT(lines, Contains("rebound_cache_bytes{cache=\"rrset\"} 4096"));
  EXPECT_THAT(lines, Contains("rebound_cache_bytes{cache=\"message\"} 2048"));
  EXPECT_THAT(lines, Contains("rebound_cache_entries{cache=\"infra\"} 3"));
  EXPECT_THAT(lines, Contains("rebound_bootstrap_mode 1"));
  EXPECT_THAT(lines, Contains("rebound_bootstrap_mode_since_seconds 1700000100.5"));
  EXPECT_THAT(lines, Contains("rebound_bootstrap_entered_total 1"));
  EXPECT_THAT(lines, Contains("rebound_relay_answers_total 8"));
  EXPECT_THAT(lines, Contains("rebound_process_start_time_seconds 1700000000"));
  EXPECT_THAT(lines, Contains("rebound_process_resident_memory_bytes 12345678"));
}

TEST(PrometheusTextTest, ABootstrapModeThatNeverChangedHeldSinceTheStart) {
  StatsReport report = MadeReport();
  report.bootstrap.since = absl::InfinitePast();
  EXPECT_THAT(Lines(PrometheusText(report)),
              Contains("rebound_bootstrap_mode_since_seconds 1700000000"));
}

TEST(PrometheusTextTest, TheHistogramIsCumulativeInSeconds) {
  const std::vector<std::string> lines = Lines(PrometheusText(MadeReport()));
  EXPECT_THAT(lines, Contains("# TYPE rebound_resolution_duration_seconds histogram"));
  EXPECT_THAT(lines, Contains("rebound_resolution_duration_seconds_bucket{le=\"0.000001\"} 2"));
  EXPECT_THAT(lines, Contains("rebound_resolution_duration_seconds_bucket{le=\"0.000002\"} 3"));
  EXPECT_THAT(lines, Contains("rebound_resolution_duration_seconds_bucket{le=\"0.001024\"} 3"));
  EXPECT_THAT(lines, Contains("rebound_resolution_duration_seconds_bucket{le=\"0.002048\"} 5"));
  // unbound's bounds: powers of two of microseconds below 1 s, of seconds above; 2^18 s is the
  // last finite one, the 40th bucket is +Inf.
  EXPECT_THAT(lines, Contains("rebound_resolution_duration_seconds_bucket{le=\"1\"} 5"));
  EXPECT_THAT(lines, Contains("rebound_resolution_duration_seconds_bucket{le=\"2\"} 5"));
  EXPECT_THAT(lines, Contains("rebound_resolution_duration_seconds_bucket{le=\"262144\"} 5"));
  EXPECT_THAT(lines, Contains("rebound_resolution_duration_seconds_bucket{le=\"+Inf\"} 5"));
  EXPECT_THAT(lines, Contains("rebound_resolution_duration_seconds_sum 0.0025"));
  EXPECT_THAT(lines, Contains("rebound_resolution_duration_seconds_count 5"));
  int buckets = 0;
  for (const std::string& line : lines) {
    if (line.starts_with("rebound_resolution_duration_seconds_bucket")) ++buckets;
  }
  EXPECT_EQ(buckets, kTimeHistogramBuckets);
}

TEST(PrometheusTextTest, EveryFamilyHasHelpAndTypeAndCountersEndInTotal) {
  for (const std::string& line : Lines(PrometheusText(MadeReport()))) {
    if (!line.starts_with("# TYPE ")) continue;
    const std::vector<std::string> words = absl::StrSplit(line, ' ');
    ASSERT_EQ(words.size(), 4u) << line;
    if (words[3] == "counter") {
      EXPECT_TRUE(words[2].ends_with("_total")) << line;
    }
  }
}

TEST(PrometheusTextTest, SecondsFromMicrosIsExact) {
  EXPECT_EQ(SecondsFromMicros(0), "0");
  EXPECT_EQ(SecondsFromMicros(1), "0.000001");
  EXPECT_EQ(SecondsFromMicros(1'500'000), "1.5");
  EXPECT_EQ(SecondsFromMicros(2'000'000), "2");
  EXPECT_EQ(SecondsFromMicros(-250'000), "-0.25");
}

// The page as Prometheus' own checker reads it: format and lint (names, units, _total).
TEST(PrometheusTextTest, PromtoolAcceptsThePage) {
  REBOUND_SKIP_OR_FAIL_UNLESS_OK(testing::CheckInPath("promtool"));
  absl::StatusOr<testing::TempDir> dir = testing::TempDir::Create();
  ASSERT_TRUE(dir.ok()) << dir.status();
  const std::string page = dir->path() + "/metrics.txt";
  std::ofstream(page) << PrometheusText(MadeReport());
  // promtool reads the page on stdin; ChildProcess gives its children /dev/null.
  absl::Status checked = testing::ChildProcess::Run(
      {"sh", "-c", "exec promtool check metrics < \"$0\"", page}, dir->path() + "/promtool.log");
  EXPECT_TRUE(checked.ok()) << checked;
  // An empty report (a daemon that has seen nothing) is a valid page too.
  std::ofstream(page) << PrometheusText(StatsReport{});
  checked = testing::ChildProcess::Run({"sh", "-c", "exec promtool check metrics < \"$0\"", page},
                                       dir->path() + "/promtool.log");
  EXPECT_TRUE(checked.ok()) << checked;
}

}  // namespace
}  // namespace rebound
