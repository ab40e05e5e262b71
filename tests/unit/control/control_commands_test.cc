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
  // As the daemon: a copy edited, and kept only when the change went through.
  absl::Status ChangeLocalZones(absl::FunctionRef<absl::Status(LocalZones&)> change) override {
    LocalZones copy = Zones().Clone();
    if (absl::Status s = change(copy); !s.ok()) return s;
    zones = std::move(copy);
    ++published;
    return absl::OkStatus();
  }
  void WithLocalZones(absl::FunctionRef<void(const LocalZones&)> read) override { read(Zones()); }
  LocalZones& Zones() {
    if (!zones.has_value()) zones = *LocalZones::Build(config.local_zones);
    return *zones;
  }
  // From the config, as the daemon starts; then as the commands change them.
  std::vector<ConfiguredDelegation> Delegations() override {
    if (!delegations.has_value()) {
      delegations.emplace();
      for (const ForwardZone& z : config.forward_zones) {
        delegations->push_back(
            {.name = z.name, .forward = true, .addrs = z.addrs, .hosts = z.hosts});
      }
      for (const StubZone& z : config.stub_zones) {
        delegations->push_back(
            {.name = z.name, .prime = z.stub_prime, .addrs = z.addrs, .hosts = z.hosts});
      }
    }
    return *delegations;
  }
  absl::Status AddDelegation(const ConfiguredDelegation& zone) override {
    Delegations();
    std::erase_if(*delegations, [&](const auto& z) { return z.name == zone.name; });
    delegations->push_back(zone);
    return absl::OkStatus();
  }
  void RemoveDelegation(const ldns_rdf* name, bool forward) override {
    Delegations();
    char* text = ldns_rdf2str(name);
    std::erase_if(*delegations,
                  [&](const auto& z) { return z.forward == forward && z.name == text; });
    free(text);
  }
  std::string Lookup(const ldns_rdf* name) override {
    char* text = ldns_rdf2str(name);
    std::string out = absl::StrCat("lookup ", text, "\n");
    free(text);
    return out;
  }
  std::string BootstrapStatus() override { return "relays\n"; }
  // Hands out `dump_pieces` one by one, as the daemon hands out the caches' text.
  void DumpCache(ControlOutput write) override {
    dump_pieces_written = 0;
    for (const std::string& piece : dump_pieces) {
      ++dump_pieces_written;
      if (!write(piece)) return;
    }
  }
  absl::StatusOr<std::string> LoadCache(absl::string_view text) override {
    loaded = std::string(text);
    return "ok\n";
  }
  absl::StatusOr<std::vector<std::vector<PendingRequest>>> RequestLists() override {
    if (!workers_answer) return absl::UnavailableError("thread 1 did not answer in time");
    return request_lists;
  }
  absl::Status FlushRequestLists() override {
    ++request_list_flushes;
    return workers_answer ? absl::OkStatus()
                          : absl::UnavailableError("thread 1 did not answer in time");
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
  std::vector<std::string> dump_pieces = {"START_RRSET_CACHE\nEND_RRSET_CACHE\n",
                                          "START_MSG_CACHE\nEND_MSG_CACHE\n", "EOF\n"};
  size_t dump_pieces_written = 0;
  std::optional<LocalZones> zones;
  std::optional<std::vector<ConfiguredDelegation>> delegations;
  int published = 0;
  std::vector<std::vector<PendingRequest>> request_lists;
  bool workers_answer = true;
  int request_list_flushes = 0;
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

// dump_cache goes to the client piece by piece, as the target reads the caches.
TEST_F(ControlCommandsTest, DumpCacheIsWrittenPieceByPiece) {
  std::vector<std::string> written;
  commands_.Run(" dump_cache", "", [&written](absl::string_view piece) {
    written.emplace_back(piece);
    return true;
  });
  EXPECT_EQ(written, target_.dump_pieces);
  EXPECT_EQ(commands_.Run("dump_cache", ""),
            "START_RRSET_CACHE\nEND_RRSET_CACHE\nSTART_MSG_CACHE\nEND_MSG_CACHE\nEOF\n");
}

TEST_F(ControlCommandsTest, DumpCacheStopsWhenTheClientGoesAway) {
  int writes = 0;
  commands_.Run("dump_cache", "", [&writes](absl::string_view) {
    ++writes;
    return false;
  });
  EXPECT_EQ(writes, 1);
  EXPECT_EQ(target_.dump_pieces_written, 1);
}

// Every other command's output is written whole, once.
TEST_F(ControlCommandsTest, OtherCommandsAreWrittenOnce) {
  std::vector<std::string> written;
  commands_.Run("flush_negative", "", [&written](absl::string_view piece) {
    written.emplace_back(piece);
    return true;
  });
  EXPECT_THAT(written,
              ::testing::ElementsAre("ok removed 0 rrsets, 5 messages and 0 key entries\n"));
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

// The zone is answered from the first query after the command; listings show the change.
TEST_F(ControlCommandsTest, LocalZoneAndLocalDataChangeTheZonesInForce) {
  auto ask = [&](const char* name, ldns_rr_type type) {
    LdnsRdfPtr rdf(ldns_dname_new_frm_str(name));
    return target_.Zones().Answer({ldns_rdf_data(rdf.get()), ldns_rdf_size(rdf.get())}, type,
                                  LDNS_RR_CLASS_IN);
  };
  EXPECT_EQ(commands_.Run("local_zone blocked.example. refuse", ""), "ok\n");
  EXPECT_EQ(ask("www.blocked.example.", LDNS_RR_TYPE_A).rcode, LDNS_RCODE_REFUSED);
  EXPECT_THAT(commands_.Run("list_local_zones", ""), HasSubstr("blocked.example. refuse\n"));
  // An existing zone takes the new type, as in unbound.
  EXPECT_EQ(commands_.Run("local_zone blocked.example static", ""), "ok\n");
  EXPECT_EQ(ask("www.blocked.example.", LDNS_RR_TYPE_A).rcode, LDNS_RCODE_NXDOMAIN);
  EXPECT_EQ(commands_.Run("local_data www.blocked.example. 300 IN A 192.0.2.5", ""), "ok\n");
  LocalAnswer data = ask("www.blocked.example.", LDNS_RR_TYPE_A);
  EXPECT_EQ(data.kind, LocalAnswer::Kind::kAnswer);
  ASSERT_NE(data.answer, nullptr);
  EXPECT_EQ(ldns_rr_list_rr_count(data.answer.get()), 1u);
  EXPECT_THAT(commands_.Run("list_local_data", ""),
              HasSubstr("\nwww.blocked.example.\t300\tIN\tA\t192.0.2.5\n"));
  // Removing the data makes the name NXDOMAIN again in the static zone.
  EXPECT_EQ(commands_.Run("local_data_remove www.blocked.example", ""), "ok\n");
  EXPECT_EQ(ask("www.blocked.example.", LDNS_RR_TYPE_A).rcode, LDNS_RCODE_NXDOMAIN);
  EXPECT_THAT(commands_.Run("list_local_data", ""), Not(HasSubstr("blocked.example.")));
  EXPECT_EQ(commands_.Run("local_zone_remove blocked.example.", ""), "ok\n");
  EXPECT_EQ(ask("www.blocked.example.", LDNS_RR_TYPE_A).kind, LocalAnswer::Kind::kResolve);
  EXPECT_THAT(commands_.Run("list_local_zones", ""), Not(HasSubstr("blocked.example.")));
  // Data outside every zone makes a transparent zone of its name, as local-data: does.
  EXPECT_EQ(commands_.Run("local_data printer.lan. A 192.168.1.9", ""), "ok\n");
  EXPECT_THAT(commands_.Run("list_local_zones", ""), HasSubstr("printer.lan. transparent\n"));
  // A default zone can be removed too (unbound's local_zone_remove localhost.).
  EXPECT_EQ(commands_.Run("local_zone_remove localhost.", ""), "ok\n");
  EXPECT_EQ(ask("localhost.", LDNS_RR_TYPE_A).kind, LocalAnswer::Kind::kResolve);
  EXPECT_EQ(target_.published, 7);
}

// unbound-control's messages; a failed command publishes nothing.
TEST_F(ControlCommandsTest, LocalZoneErrorsAreUnboundsAndChangeNothing) {
  EXPECT_EQ(commands_.Run("local_zone example.", ""),
            "error could not find next argument after example.\n");
  EXPECT_EQ(commands_.Run("local_zone example. nonsense", ""), "error not a zone type. nonsense\n");
  EXPECT_EQ(commands_.Run("local_zone", ""), "error: this option requires a domain name\n");
  EXPECT_THAT(commands_.Run("local_data www.example. IN A not-an-address", ""),
              StartsWith("error parsing local-data"));
  EXPECT_EQ(target_.published, 0);
}

// The bulk forms read one argument a line and keep the lines that were right.
TEST_F(ControlCommandsTest, BulkFormsCountWhatTheyDidInOnePublication) {
  EXPECT_EQ(commands_.Run("local_zones", "a.example. static\nb.example. deny\nbad\n"),
            "error for input line: bad\nadded 2 zones\n");
  EXPECT_EQ(commands_.Run("local_datas", "a.example. A 192.0.2.1\na.example. AAAA 2001:db8::1\n"),
            "added 2 datas\n");
  EXPECT_EQ(commands_.Run("local_datas_remove", "a.example.\n"), "removed 1 datas\n");
  EXPECT_EQ(commands_.Run("local_zones_remove", "a.example.\nb.example.\n"), "removed 2 zones\n");
  EXPECT_THAT(commands_.Run("list_local_zones", ""), Not(HasSubstr("example.")));
  EXPECT_EQ(target_.published, 4);
}

// forward_add and stub_add with unbound-control's arguments; list_forwards shows the change.
TEST_F(ControlCommandsTest, ForwardAndStubCommandsChangeTheListedZones) {
  EXPECT_EQ(commands_.Run("forward_add +i corp.example 192.0.2.1 192.0.2.2@5353 ns.example.", ""),
            "ok\n");
  EXPECT_EQ(commands_.Run("list_forwards", ""),
            "corp.example. IN forward ns.example. 192.0.2.1 192.0.2.2\n");
  ASSERT_EQ(target_.delegations->size(), 1u);
  EXPECT_EQ((*target_.delegations)[0].addrs[1].port(), 5353);
  EXPECT_EQ(commands_.Run("stub_add +p lab.example 10.0.0.1", ""), "ok\n");
  EXPECT_EQ(commands_.Run("list_stubs", ""), "lab.example. IN stub prime 10.0.0.1\n");
  // The other kind's remove leaves a zone alone.
  EXPECT_EQ(commands_.Run("stub_remove corp.example", ""), "ok\n");
  EXPECT_EQ(target_.delegations->size(), 2u);
  EXPECT_EQ(commands_.Run("forward_remove +i corp.example.", ""), "ok\n");
  EXPECT_EQ(commands_.Run("list_forwards", ""), "");
  EXPECT_EQ(commands_.Run("forward_add corp.example", ""),
            "error could not find next argument after corp.example\n");
  EXPECT_EQ(commands_.Run("forward_add +x corp.example 192.0.2.1", ""),
            "error: unknown option x\n");
  EXPECT_EQ(commands_.Run("forward_add", ""), "error: this option requires a domain name\n");
}

TEST_F(ControlCommandsTest, LookupTakesAnAbsoluteName) {
  EXPECT_EQ(commands_.Run("lookup www.example", ""), "lookup www.example.\n");
  EXPECT_EQ(commands_.Run("lookup", ""), "error: this option requires a domain name\n");
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

// unbound's do_dump_requestlist lines ("%3d %4s %2s %s %s %s"), for each thread: a client's
// wait in seconds with microseconds, "-" for a request no client waits for.
TEST_F(ControlCommandsTest, DumpRequestlistPrintsEachThreadInUnboundControlsShape) {
  target_.request_lists = {{{.qname = "www.example.test.",
                             .qtype = LDNS_RR_TYPE_A,
                             .qclass = LDNS_RR_CLASS_IN,
                             .age = absl::Microseconds(1'503'211),
                             .status = "iterator wait for 192.0.2.1 192.0.2.2"},
                            {.qname = "v6.example.test.",
                             .qtype = LDNS_RR_TYPE_AAAA,
                             .qclass = LDNS_RR_CLASS_IN,
                             .age = std::nullopt,
                             .status = "dns64 wants A IN v6.example.test."}},
                           {}};
  EXPECT_EQ(commands_.Run("dump_requestlist", ""),
            "thread #0\n"
            "#   type cl name    seconds    module status\n"
            "  0    A IN www.example.test. 1.503211 iterator wait for 192.0.2.1 192.0.2.2\n"
            "  1 AAAA IN v6.example.test. - dns64 wants A IN v6.example.test.\n"
            "thread #1\n"
            "#   type cl name    seconds    module status\n");
  target_.workers_answer = false;
  EXPECT_EQ(commands_.Run("dump_requestlist", ""), "error thread 1 did not answer in time\n");
}

TEST_F(ControlCommandsTest, FlushRequestlistSaysOkOrWhyNot) {
  EXPECT_EQ(commands_.Run("flush_requestlist", ""), "ok\n");
  EXPECT_EQ(target_.request_list_flushes, 1);
  // Arguments are ignored, as unbound 1.17 does.
  EXPECT_EQ(commands_.Run("flush_requestlist now", ""), "ok\n");
  EXPECT_EQ(target_.request_list_flushes, 2);
  target_.workers_answer = false;
  EXPECT_EQ(commands_.Run("flush_requestlist", ""), "error thread 1 did not answer in time\n");
}

}  // namespace
}  // namespace rebound
