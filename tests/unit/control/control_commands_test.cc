#include "resolver/control/control_commands.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "resolver/control/stats_text.h"

namespace rebound {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// Records what the commands asked of the daemon.
class FakeTarget : public ControlTarget {
 public:
  StatsReport ReadStats() override {
    StatsReport r = report;
    r.now = absl::Now();
    return r;
  }
  DaemonStatus Status() override { return status; }
  absl::Status Reload() override {
    ++reloads;
    return reload_result;
  }
  void SetVerbosity(int level) override { verbosity = level; }
  FlushCounts Flush(const CacheKeyFilter& filter) override {
    filters.push_back(filter);
    return {.rrsets = 3, .messages = 1};
  }
  FlushCounts FlushNegative() override { return {.messages = 5}; }
  size_t FlushInfra(const Endpoint* server) override {
    infra_flushes.push_back(server == nullptr ? "all" : server->AddressString());
    return 1;
  }
  void WithConfig(absl::FunctionRef<void(const Config&)> read) override { read(config); }
  std::string BootstrapStatus() override { return "relays\n"; }
  std::string DumpCache() override { return "START_RRSET_CACHE\nEND_RRSET_CACHE\nEOF\n"; }
  absl::StatusOr<std::string> LoadCache(absl::string_view text) override {
    loaded = std::string(text);
    return "ok\n";
  }

  StatsReport report;
  DaemonStatus status;
  absl::Status reload_result;
  int reloads = 0;
  int verbosity = -1;
  std::vector<CacheKeyFilter> filters;
  std::vector<std::string> infra_flushes;
  Config config;
  std::string loaded;
};

class ControlCommandsTest : public ::testing::Test {
 protected:
  FakeTarget target_;
  ControlCommands commands_{&target_};
};

TEST_F(ControlCommandsTest, UnknownCommandIsAnErrorAsInUnboundControl) {
  EXPECT_EQ(commands_.Run("foo", ""), "error unknown command 'foo'\n");
  EXPECT_THAT(commands_.Run("", ""), StartsWith("error"));
}

TEST_F(ControlCommandsTest, StatsResetsAndStatsNoresetDoesNot) {
  target_.report.threads.resize(1);
  target_.report.threads[0].queries = 5;
  target_.report.total.queries = 5;
  EXPECT_THAT(commands_.Run("stats_noreset", ""), HasSubstr("total.num.queries=5\n"));
  EXPECT_THAT(commands_.Run("stats", ""), HasSubstr("total.num.queries=5\n"));
  target_.report.threads[0].queries = 7;
  target_.report.total.queries = 7;
  const std::string after = commands_.Run("stats", "");
  EXPECT_THAT(after, HasSubstr("thread0.num.queries=2\n"));
  EXPECT_THAT(after, HasSubstr("total.num.queries=2\n"));
}

TEST_F(ControlCommandsTest, StatisticsCumulativeNeverResets) {
  target_.config.statistics_cumulative = true;
  target_.report.total.queries = 5;
  commands_.Run("stats", "");
  EXPECT_THAT(commands_.Run("stats", ""), HasSubstr("total.num.queries=5\n"));
}

TEST_F(ControlCommandsTest, ExtendedStatisticsAddTypesRcodesAndTheHistogram) {
  target_.report.total.query_types[28] = 4;
  target_.report.total.answer_rcodes[3] = 1;
  EXPECT_THAT(commands_.Run("stats_noreset", ""), Not(HasSubstr("num.query.type.AAAA")));
  target_.config.extended_statistics = true;
  const std::string out = commands_.Run("stats_noreset", "");
  EXPECT_THAT(out, HasSubstr("num.query.type.AAAA=4\n"));
  EXPECT_THAT(out, HasSubstr("num.answer.rcode.NXDOMAIN=1\n"));
  EXPECT_THAT(out, HasSubstr("num.answer.rcode.SERVFAIL=0\n"));
  EXPECT_THAT(out, HasSubstr("histogram.000000.524288.to.000001.000000=0\n"));
  EXPECT_THAT(out, Not(HasSubstr("num.query.type.A=")));
}

TEST_F(ControlCommandsTest, FlushCommandsBuildTheirFilters) {
  EXPECT_EQ(commands_.Run("flush www.example.com", ""), "ok\n");
  EXPECT_EQ(commands_.Run("flush_type example.com AAAA", ""), "ok\n");
  EXPECT_EQ(commands_.Run("flush_zone example.com", ""),
            "ok removed 3 rrsets, 1 messages and 0 key entries\n");
  ASSERT_EQ(target_.filters.size(), 3u);
  EXPECT_FALSE(target_.filters[0].subtree);
  EXPECT_FALSE(target_.filters[0].type.has_value());
  EXPECT_EQ(target_.filters[1].type, LDNS_RR_TYPE_AAAA);
  EXPECT_TRUE(target_.filters[2].subtree);
  EXPECT_EQ(commands_.Run("flush", ""), "error: this option requires a domain name\n");
  EXPECT_THAT(commands_.Run("flush_type example.com NOTATYPE", ""), StartsWith("error"));
  EXPECT_EQ(commands_.Run("flush_negative", ""),
            "ok removed 0 rrsets, 5 messages and 0 key entries\n");
}

TEST_F(ControlCommandsTest, FlushInfraTakesAnAddressOrAll) {
  EXPECT_EQ(commands_.Run("flush_infra all", ""), "ok\n");
  EXPECT_EQ(commands_.Run("flush_infra 192.0.2.1", ""), "ok\n");
  EXPECT_THAT(commands_.Run("flush_infra nonsense", ""), StartsWith("error"));
  EXPECT_EQ(target_.infra_flushes, (std::vector<std::string>{"all", "192.0.2.1"}));
}

TEST_F(ControlCommandsTest, ReloadAndVerbosityReportOkOrTheError) {
  EXPECT_EQ(commands_.Run("reload", ""), "ok\n");
  target_.reload_result = absl::InvalidArgumentError("the config file has an error");
  EXPECT_EQ(commands_.Run("reload", ""), "error the config file has an error\n");
  EXPECT_EQ(target_.reloads, 2);
  EXPECT_EQ(commands_.Run("verbosity 3", ""), "ok\n");
  EXPECT_EQ(target_.verbosity, 3);
  EXPECT_THAT(commands_.Run("verbosity x", ""), StartsWith("error"));
}

TEST_F(ControlCommandsTest, ListForwardsAndStubsInUnboundsFormat) {
  ForwardZone forward;
  forward.name = "example.org.";
  forward.addrs = {*Endpoint::Parse("::1", 53), *Endpoint::Parse("127.0.0.9", 5353)};
  target_.config.forward_zones.push_back(forward);
  StubZone stub;
  stub.name = "corp.";
  stub.stub_prime = true;
  stub.addrs = {*Endpoint::Parse("10.0.0.1", 53)};
  target_.config.stub_zones.push_back(stub);
  EXPECT_EQ(commands_.Run("list_forwards", ""), "example.org. IN forward ::1 127.0.0.9\n");
  EXPECT_EQ(commands_.Run("list_stubs", ""), "corp. IN stub prime 10.0.0.1\n");
}

TEST_F(ControlCommandsTest, LoadCacheGetsTheBody) {
  EXPECT_EQ(commands_.Run("load_cache", "START_RRSET_CACHE\n"), "ok\n");
  EXPECT_EQ(target_.loaded, "START_RRSET_CACHE\n");
}

TEST_F(ControlCommandsTest, StatusEndsWithUnboundsRunningLine) {
  target_.status.threads = 2;
  target_.status.modules = {"cache", "iterator"};
  target_.status.started = absl::Now();
  const std::string out = commands_.Run("status", "");
  EXPECT_THAT(out, HasSubstr("threads: 2\n"));
  EXPECT_THAT(out, HasSubstr("modules: 2 [ cache iterator ]\n"));
  EXPECT_THAT(out, HasSubstr(") is running...\n"));
}

}  // namespace
}  // namespace rebound
