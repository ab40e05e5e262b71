// The cache as unbound's dump_cache text (issue 17), against the real unbound over the loopback
// hierarchy: unbound's dump warms rebound, rebound's dump loads into unbound (`unbound-control
// load_cache`), and cache-file: keeps rebound's cache across a restart. Each "from the cache"
// is checked at NSD: no query reaches any authority.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/integration/fixture/dns_client.h"
#include "tests/integration/fixture/hierarchy_names.h"
#include "tests/integration/fixture/hierarchy_test_base.h"
#include "tests/integration/fixture/rebound_process.h"
#include "tests/integration/fixture/subprocess.h"

namespace rebound::integration {
namespace {

namespace n = names;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

constexpr char kListen[] = "127.0.0.30";
constexpr char kUnbound[] = "127.0.0.31";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The questions every test asks, and what the hierarchy answers.
struct Answer {
  ldns_pkt_rcode rcode;
  std::vector<std::string> a;  // A records in the answer section
  uint32_t ttl;                // of the first answer record, or of the SOA of a negative answer
};

class CacheDumpTest : public HierarchyTestBase {
 public:
  static void SetUpTestSuite() {
    StartSharedHierarchy({"bash", "nsd", "unbound", "unbound-control"}, false);
  }

 protected:
  std::string Path(absl::string_view name) const {
    return absl::StrCat(hierarchy().dir(), "/", name);
  }

  absl::StatusOr<std::unique_ptr<Subprocess>> StartReboundWith(const std::string& name,
                                                               const std::string& extra) {
    return StartRebound(REBOUND_BINARY, hierarchy(), name,
                        RecursiveServerConfig(hierarchy(), kListen) + extra, EndpointAt(kListen));
  }

  // A reference unbound on kUnbound with a control socket of its own.
  void StartControlledUnbound(const std::string& name) {
    control_conf_ = Path(name + "-control.conf");
    const std::string control =
        absl::StrCat("remote-control:\n  control-enable: yes\n",
                     "  control-interface: ", Path(name + ".ctl"), "\n  control-use-cert: no\n");
    std::ofstream(control_conf_) << control;
    ASSERT_TRUE(hierarchy().StartUnbound(EndpointAt(kUnbound), control).ok());
  }
  void StopUnbound() { ASSERT_TRUE(hierarchy().StopUnbound(EndpointAt(kUnbound)).ok()); }
  // `unbound-control COMMAND` against that unbound, stdin from `in` (or nothing), stdout to `out`.
  void UnboundControl(const std::string& command, const std::string& in, const std::string& out) {
    const std::string shell = absl::StrCat("unbound-control -c ", control_conf_, " ", command,
                                           in.empty() ? "" : " <" + in, " >", out);
    absl::Status run =
        RunToCompletion({"bash", "-c", shell}, Path("unbound-control.log"), absl::Seconds(10));
    ASSERT_TRUE(run.ok()) << run;
  }

  static Answer Ask(const char* server, absl::string_view name, ldns_rr_type type) {
    absl::StatusOr<LdnsPktPtr> reply = Query(EndpointAt(server), name, type);
    if (!reply.ok()) return Answer{LDNS_RCODE_SERVFAIL, {"no reply"}, 0};
    const ldns_pkt* pkt = reply->get();
    Answer answer{ldns_pkt_get_rcode(pkt), RdataStrings(pkt, LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
                  0};
    const ldns_rr_list* section = ldns_rr_list_rr_count(ldns_pkt_answer(pkt)) > 0
                                      ? ldns_pkt_answer(pkt)
                                      : ldns_pkt_authority(pkt);
    if (ldns_rr_list_rr_count(section) > 0) answer.ttl = ldns_rr_ttl(ldns_rr_list_rr(section, 0));
    return answer;
  }

  // The four questions, asked of `server`: a name with an A record, the same name's missing
  // AAAA (NODATA), a name that does not exist (NXDOMAIN), and a CNAME chain across three zones.
  static void ExpectTheAnswers(const char* server, const std::string& context) {
    SCOPED_TRACE(context);
    Answer v4 = Ask(server, n::kV4Only, LDNS_RR_TYPE_A);
    EXPECT_EQ(v4.rcode, LDNS_RCODE_NOERROR);
    EXPECT_THAT(v4.a, ElementsAre(n::kV4OnlyA));
    Answer nodata = Ask(server, n::kV4Only, LDNS_RR_TYPE_AAAA);
    EXPECT_EQ(nodata.rcode, LDNS_RCODE_NOERROR);
    EXPECT_THAT(nodata.a, IsEmpty());
    EXPECT_GT(nodata.ttl, 0);  // the SOA came along
    EXPECT_LE(nodata.ttl, n::kAlphaNegativeTtl);
    Answer nx = Ask(server, n::kNxdomain, LDNS_RR_TYPE_A);
    EXPECT_EQ(nx.rcode, LDNS_RCODE_NXDOMAIN);
    EXPECT_GT(nx.ttl, 0);
    EXPECT_LE(nx.ttl, n::kAlphaNegativeTtl);
    Answer cross = Ask(server, n::kCross, LDNS_RR_TYPE_A);
    EXPECT_EQ(cross.rcode, LDNS_RCODE_NOERROR);
    EXPECT_THAT(cross.a, ElementsAre(n::kCrossEndA));
  }

  std::string control_conf_;
};

TEST_F(CacheDumpTest, UnboundsDumpAnswersReboundsClientsWithoutAQueryUpstream) {
  StartControlledUnbound("unbound-dumps");
  ExpectTheAnswers(kUnbound, "unbound resolving");
  const std::string dump = Path("unbound-dump.txt");
  UnboundControl("dump_cache", "", dump);
  StopUnbound();
  ASSERT_THAT(ReadFile(dump), StartsWith("START_RRSET_CACHE\n"));

  // unbound's dump as it is, as rebound's cache-file (taken as written when it was modified).
  ASSERT_EQ(mkdir(Path("from-unbound").c_str(), 0755), 0);
  const std::string cache_file = Path("from-unbound/cache");
  ASSERT_EQ(rename(dump.c_str(), cache_file.c_str()), 0);
  absl::StatusOr<std::unique_ptr<Subprocess>> rebound =
      StartReboundWith("from-unbound", absl::StrCat("  cache-file: ", cache_file, "\n"));
  ASSERT_TRUE(rebound.ok()) << rebound.status();
  const uint64_t before = AllNsdQueries();
  ExpectTheAnswers(kListen, "rebound warmed by unbound's dump");
  EXPECT_EQ(AllNsdQueries(), before) << (*rebound)->LogTail();
  EXPECT_THAT((*rebound)->LogTail(), HasSubstr("cache-file " + cache_file + ": loaded"));
}

TEST_F(CacheDumpTest, ReboundsDumpLoadsIntoUnboundWhichAnswersFromIt) {
  ASSERT_EQ(mkdir(Path("to-unbound").c_str(), 0755), 0);
  const std::string cache_file = Path("to-unbound/cache");
  absl::StatusOr<std::unique_ptr<Subprocess>> rebound =
      StartReboundWith("to-unbound", absl::StrCat("  cache-file: ", cache_file, "\n"));
  ASSERT_TRUE(rebound.ok()) << rebound.status();
  ExpectTheAnswers(kListen, "rebound resolving");
  const int status = (*rebound)->Stop();
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << (*rebound)->LogTail();

  // The file is one header line and then the dump: what `tail -n +2` gives unbound-control.
  const std::string file = ReadFile(cache_file);
  ASSERT_THAT(file, StartsWith("; rebound cache-file written "));
  const std::string dump = Path("rebound-dump.txt");
  std::ofstream(dump) << file.substr(file.find('\n') + 1);

  StartControlledUnbound("unbound-loads");
  const std::string said = Path("load-cache.out");
  UnboundControl("load_cache", dump, said);
  EXPECT_EQ(ReadFile(said), "ok\n");
  const uint64_t before = AllNsdQueries();
  ExpectTheAnswers(kUnbound, "unbound loaded with rebound's dump");
  EXPECT_EQ(AllNsdQueries(), before)
      << ReadFileTail(hierarchy().UnboundLogPath(EndpointAt(kUnbound)), 4000);
  StopUnbound();
}

TEST_F(CacheDumpTest, ARestartAnswersFromTheCacheFileWithTtlsThatWentDown) {
  // As the user username: names, in a directory rebound makes for it, as a packaged rebound runs.
  ASSERT_EQ(chmod(hierarchy().dir().c_str(), 0755), 0);
  const std::string cache_file = Path("restart-state/rebound.cache");
  const std::string extra = absl::StrCat("  username: nobody\n  cache-file: ", cache_file, "\n");
  absl::StatusOr<std::unique_ptr<Subprocess>> rebound = StartReboundWith("restart", extra);
  ASSERT_TRUE(rebound.ok()) << rebound.status();
  const Answer first = Ask(kListen, n::kV4Only, LDNS_RR_TYPE_A);
  ASSERT_THAT(first.a, ElementsAre(n::kV4OnlyA));
  const Answer first_nx = Ask(kListen, n::kNxdomain, LDNS_RR_TYPE_A);
  ASSERT_EQ(first_nx.rcode, LDNS_RCODE_NXDOMAIN);
  const int status = (*rebound)->Stop();
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << (*rebound)->LogTail();
  struct stat st {};
  ASSERT_EQ(stat(cache_file.c_str(), &st), 0) << (*rebound)->LogTail();
  EXPECT_NE(st.st_uid, 0);  // written after root was dropped

  absl::SleepFor(absl::Seconds(2));
  rebound = StartReboundWith("restart", extra);
  ASSERT_TRUE(rebound.ok()) << rebound.status();
  const uint64_t before = AllNsdQueries();
  const Answer again = Ask(kListen, n::kV4Only, LDNS_RR_TYPE_A);
  EXPECT_THAT(again.a, ElementsAre(n::kV4OnlyA));
  EXPECT_LE(again.ttl, first.ttl - 2);
  EXPECT_GT(again.ttl, first.ttl - 30);
  const Answer again_nx = Ask(kListen, n::kNxdomain, LDNS_RR_TYPE_A);
  EXPECT_EQ(again_nx.rcode, LDNS_RCODE_NXDOMAIN);
  EXPECT_LE(again_nx.ttl, first_nx.ttl - 2);
  EXPECT_GT(again_nx.ttl, 0);
  EXPECT_EQ(AllNsdQueries(), before) << (*rebound)->LogTail();
  EXPECT_THAT((*rebound)->LogTail(), HasSubstr("cache-file " + cache_file + ": loaded"));
}

TEST_F(CacheDumpTest, ADamagedCacheFileIsLoggedWithItsLineAndTheStartGoesOnCold) {
  ASSERT_EQ(mkdir(Path("damaged").c_str(), 0755), 0);
  const std::string cache_file = Path("damaged/cache");
  std::ofstream(cache_file) << "; rebound cache-file written 1\nSTART_RRSET_CACHE\n;rrset x\n";
  absl::StatusOr<std::unique_ptr<Subprocess>> rebound =
      StartReboundWith("damaged", absl::StrCat("  cache-file: ", cache_file, "\n"));
  ASSERT_TRUE(rebound.ok()) << rebound.status();
  EXPECT_THAT((*rebound)->LogTail(),
              HasSubstr("cache-file " + cache_file + ": line 3: bad ;rrset line"));
  const uint64_t before = AllNsdQueries();
  EXPECT_THAT(Ask(kListen, n::kV4Only, LDNS_RR_TYPE_A).a, ElementsAre(n::kV4OnlyA));
  EXPECT_GT(AllNsdQueries(), before);  // cold: resolved over the network
}

}  // namespace
}  // namespace rebound::integration
