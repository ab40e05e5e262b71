// dnstap's drops as an operator sees them: a worker's full queue counted in its WorkerStats and
// shown by `stats` (num.dnstap.dropped) and the /metrics page (rebound_dnstap_dropped_total).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "resolver/control/stats_text.h"
#include "resolver/core/stats_report.h"
#include "resolver/core/worker_stats.h"
#include "resolver/dnstap/dnstap_writer.h"
#include "resolver/metrics/prometheus_text.h"

namespace rebound {
namespace {

using ::testing::Contains;

// Client queries with no collector to take them, until the queue is full and drops one, then as
// many again. Returns what the worker's statistics counted.
uint64_t OverfillQueue(WorkerStats* stats, uint64_t* writer_total) {
  DnstapConfig config{
      .enable = true, .socket_path = "/nonexistent/dnstap.sock", .log_client_query = true};
  absl::StatusOr<std::unique_ptr<DnstapWriter>> writer =
      DnstapWriter::Start(config, "rebound test", 1);
  EXPECT_TRUE(writer.ok()) << writer.status();
  if (!writer.ok()) return 0;
  DnstapSink* sink = (*writer)->ForWorker(0, &stats->dnstap_dropped);
  const std::vector<uint8_t> query(40, 0x55);
  absl::StatusOr<Endpoint> client = Endpoint::Parse("127.0.0.1@5000", 53);
  EXPECT_TRUE(client.ok());
  // Until the first drop, then as many again (a bound in case nothing is ever dropped).
  int sent = 0;
  for (; sent < 10'000'000 && (*writer)->dropped() == 0; ++sent) {
    sink->ClientQuery(query, *client, Endpoint(), DnstapProtocol::kUdp, absl::Now());
  }
  for (int i = 0; i < sent; ++i) {
    sink->ClientQuery(query, *client, Endpoint(), DnstapProtocol::kUdp, absl::Now());
  }
  *writer_total = (*writer)->dropped();
  return stats->dnstap_dropped.value();
}

TEST(DnstapDropsTest, FullQueueDropsAreInTheWorkersStatsTextAndMetricsPage) {
  WorkerStats stats;
  uint64_t writer_total = 0;
  const uint64_t dropped = OverfillQueue(&stats, &writer_total);
  // The queue holds 4096 frames; the I/O thread, which has nowhere to write them, empties it
  // only now and then (how many are dropped depends on its timing).
  EXPECT_GT(dropped, 0u);
  EXPECT_EQ(dropped, writer_total) << "the worker counts every drop the writer logs at exit";

  StatsReport report;
  report.threads.emplace_back();
  AddTo(stats, &report.threads[0]);
  AddTo(stats, &report.total);
  report.started = report.last_reset = report.now = absl::Now();
  const std::vector<std::string> stats_lines =
      absl::StrSplit(UnboundStatsText(report, /*extended=*/false), '\n');
  EXPECT_THAT(stats_lines, Contains(absl::StrCat("num.dnstap.dropped=", dropped)));
  const std::vector<std::string> metrics_lines = absl::StrSplit(PrometheusText(report), '\n');
  EXPECT_THAT(metrics_lines, Contains("# TYPE rebound_dnstap_dropped_total counter"));
  EXPECT_THAT(metrics_lines, Contains(absl::StrCat("rebound_dnstap_dropped_total ", dropped)));
}

// The line is always there, as unbound prints its counters: 0 while nothing was dropped.
TEST(DnstapDropsTest, StatsTextShowsZeroWhenNothingWasDropped) {
  StatsReport report;
  report.started = report.last_reset = report.now = absl::Now();
  const std::vector<std::string> lines =
      absl::StrSplit(UnboundStatsText(report, /*extended=*/false), '\n');
  EXPECT_THAT(lines, Contains("num.dnstap.dropped=0"));
}

}  // namespace
}  // namespace rebound
