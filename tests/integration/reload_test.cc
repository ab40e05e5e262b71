// SIGHUP (issue 16, process life): rebound reads its configuration again and applies it, keeping
// what its caches hold (unbound flushes them); a file with an error leaves the running
// configuration in place; after username: has dropped root, the reload still binds port 53.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <csignal>
#include <fstream>
#include <memory>
#include <string>

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

constexpr char kListen[] = "127.0.0.16";

class ReloadTest : public HierarchyTestBase {
 public:
  static void SetUpTestSuite() { StartSharedHierarchy({"bash", "nsd"}, false); }

 protected:
  std::string ConfigWith(absl::string_view extra) {
    return absl::StrCat(RecursiveServerConfig(hierarchy(), kListen), extra);
  }
  std::string ConfigPath(absl::string_view name) {
    return absl::StrCat(hierarchy().dir(), "/", name, ".conf");
  }
  // Rewrites the config StartRebound wrote, as a user editing it would.
  void Rewrite(absl::string_view name, absl::string_view extra) {
    std::ofstream(ConfigPath(name)) << ConfigWith(extra) << "\n" << kHierarchyLocalZones;
  }
  // The A records of `name`, asked until they are `expected` or 5 s have passed.
  std::vector<std::string> AnswerBecomes(absl::string_view name,
                                         const std::vector<std::string>& expected) {
    std::vector<std::string> answer;
    const absl::Time deadline = absl::Now() + absl::Seconds(5);
    do {
      absl::StatusOr<LdnsPktPtr> reply = Query(EndpointAt(kListen), name, LDNS_RR_TYPE_A);
      answer = reply.ok() ? RdataStrings(reply->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A)
                          : std::vector<std::string>{"no reply"};
      if (answer == expected) break;
      absl::SleepFor(absl::Milliseconds(100));
    } while (absl::Now() < deadline);
    return answer;
  }
};

TEST_F(ReloadTest, SighupAppliesANewLocalDataLineAndKeepsTheCache) {
  absl::StatusOr<std::unique_ptr<Subprocess>> rebound =
      StartRebound(REBOUND_BINARY, hierarchy(), "reload",
                   ConfigWith("  local-data: \"printer.lan. A 192.0.2.1\"\n"), EndpointAt(kListen));
  ASSERT_TRUE(rebound.ok()) << rebound.status();
  EXPECT_THAT(AnswerBecomes("printer.lan.", {"192.0.2.1"}), ElementsAre("192.0.2.1"));
  // A name from the hierarchy, now in the cache.
  EXPECT_THAT(AnswerBecomes(n::kV4Only, {std::string(n::kV4OnlyA)}), ElementsAre(n::kV4OnlyA));

  Rewrite("reload", "  local-data: \"printer.lan. A 192.0.2.2\"\n");
  ASSERT_TRUE((*rebound)->Signal(SIGHUP).ok());
  EXPECT_THAT(AnswerBecomes("printer.lan.", {"192.0.2.2"}), ElementsAre("192.0.2.2"))
      << (*rebound)->LogTail();
  // The cache survived: the name is answered again without a query to any authority.
  const uint64_t before = AllNsdQueries();
  EXPECT_THAT(AnswerBecomes(n::kV4Only, {std::string(n::kV4OnlyA)}), ElementsAre(n::kV4OnlyA));
  EXPECT_EQ(AllNsdQueries(), before) << "the reload emptied the cache";
  EXPECT_TRUE((*rebound)->Running());
}

TEST_F(ReloadTest, AFileWithAnErrorKeepsTheRunningConfiguration) {
  absl::StatusOr<std::unique_ptr<Subprocess>> rebound =
      StartRebound(REBOUND_BINARY, hierarchy(), "reload-bad",
                   ConfigWith("  local-data: \"printer.lan. A 192.0.2.1\"\n"), EndpointAt(kListen));
  ASSERT_TRUE(rebound.ok()) << rebound.status();
  Rewrite("reload-bad", "  local-data: \"printer.lan. A 192.0.2.2\"\n  num-threads: 0\n");
  ASSERT_TRUE((*rebound)->Signal(SIGHUP).ok());
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_TRUE((*rebound)->Running());
  EXPECT_THAT(AnswerBecomes("printer.lan.", {"192.0.2.1"}), ElementsAre("192.0.2.1"));
  EXPECT_THAT((*rebound)->LogTail(),
              HasSubstr(absl::StrCat("reload: ", ConfigPath("reload-bad"), ":")));
}

TEST_F(ReloadTest, AfterUsernameDroppedRootTheReloadStillBindsPort53) {
  // The reload reads the file as the user, as unbound's does: it must be readable to it.
  ASSERT_EQ(chmod(hierarchy().dir().c_str(), 0755), 0);
  absl::StatusOr<std::unique_ptr<Subprocess>> rebound =
      StartRebound(REBOUND_BINARY, hierarchy(), "reload-nobody",
                   ConfigWith("  username: nobody\n  local-data: \"printer.lan. A 192.0.2.1\"\n"),
                   EndpointAt(kListen));
  ASSERT_TRUE(rebound.ok()) << rebound.status();
  Rewrite("reload-nobody", "  username: nobody\n  local-data: \"printer.lan. A 192.0.2.3\"\n");
  ASSERT_EQ(chmod(ConfigPath("reload-nobody").c_str(), 0644), 0);
  ASSERT_TRUE((*rebound)->Signal(SIGHUP).ok());
  EXPECT_THAT(AnswerBecomes("printer.lan.", {"192.0.2.3"}), ElementsAre("192.0.2.3"))
      << (*rebound)->LogTail();
  EXPECT_TRUE((*rebound)->Running()) << (*rebound)->LogTail();
  // Of root's capabilities it kept CAP_NET_BIND_SERVICE (bit 10) alone (capabilities(7)).
  std::ifstream status(absl::StrCat("/proc/", (*rebound)->pid(), "/status"));
  std::string line, effective, permitted;
  while (std::getline(status, line)) {
    if (line.starts_with("CapEff:")) effective = line;
    if (line.starts_with("CapPrm:")) permitted = line;
  }
  EXPECT_EQ(effective, "CapEff:\t0000000000000400");
  EXPECT_EQ(permitted, "CapPrm:\t0000000000000400");
}

}  // namespace
}  // namespace rebound::integration
