// serve-expired (RFC 8767) and prefetch against the real hierarchy: www.expired.test. lives 2 s
// (make-hierarchy.sh). With its NSD stopped once the TTL has run out, rebound answers with the
// expired record, TTL 30 and Extended DNS Error 3 (RFC 8914 4.4); with NSD back, the fresh
// answer. With prefetch, NSD sees the refresh before the record expires and no client waits.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/integration/fixture/bound_socket.h"
#include "tests/integration/fixture/dns_client.h"
#include "tests/integration/fixture/hierarchy_names.h"
#include "tests/integration/fixture/hierarchy_test_base.h"
#include "tests/integration/fixture/rebound_process.h"
#include "tests/integration/fixture/subprocess.h"

namespace rebound::integration {
namespace {

namespace n = names;
using ::testing::ElementsAre;

constexpr char kListen[] = "127.0.0.17";
constexpr char kExpiredInstance[] = "expired.test";

// The RFC 8914 INFO-CODE of the reply's Extended DNS Error, or -1.
int ExtendedError(ldns_pkt* reply) {
  ldns_edns_option_list* options = ldns_pkt_edns_get_option_list(reply);
  for (size_t i = 0; options != nullptr && i < ldns_edns_option_list_get_count(options); ++i) {
    ldns_edns_option* option = ldns_edns_option_list_get_option(options, i);
    if (ldns_edns_get_code(option) != 15 || ldns_edns_get_size(option) < 2) continue;
    const auto* data = static_cast<const uint8_t*>(ldns_edns_get_data(option));
    return (data[0] << 8) | data[1];
  }
  return -1;
}

// The TTL of the first answer record, or -1.
int64_t AnswerTtl(const ldns_pkt* reply) {
  const ldns_rr_list* answer = ldns_pkt_answer(reply);
  if (ldns_rr_list_rr_count(answer) == 0) return -1;
  return ldns_rr_ttl(ldns_rr_list_rr(answer, 0));
}

class ServeStaleTest : public HierarchyTestBase {
 public:
  static void SetUpTestSuite() { StartSharedHierarchy({"bash", "nsd"}, false); }

 protected:
  void TearDown() override {
    // The next test (or suite) expects the zone served.
    if (!IsSkipped()) {
      EXPECT_TRUE(hierarchy().RestartInstance(kExpiredInstance).ok());
    }
  }
  absl::StatusOr<std::unique_ptr<Subprocess>> Start(absl::string_view name,
                                                    absl::string_view extra) {
    return StartRebound(REBOUND_BINARY, hierarchy(), name,
                        absl::StrCat(RecursiveServerConfig(hierarchy(), kListen), extra),
                        EndpointAt(kListen));
  }
  static absl::StatusOr<LdnsPktPtr> AskWww() {
    return Query(EndpointAt(kListen), n::kExpiredWww, LDNS_RR_TYPE_A,
                 {.timeout = absl::Seconds(5)});
  }
  static uint64_t ExpiredNsdQueries() {
    absl::StatusOr<NsdQueryStats> stats = hierarchy().QueryStats(kExpiredInstance);
    EXPECT_TRUE(stats.ok()) << stats.status();
    return stats.ok() ? stats->queries : 0;
  }
};

TEST_F(ServeStaleTest, StaleAnswerWhileTheServerIsDownThenFreshAgain) {
  absl::StatusOr<std::unique_ptr<Subprocess>> rebound =
      Start("serve-stale", "  serve-expired: yes\n");
  ASSERT_TRUE(rebound.ok()) << rebound.status();
  absl::StatusOr<LdnsPktPtr> first = AskWww();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_THAT(RdataStrings(first->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
              ElementsAre(n::kExpiredWwwA));
  EXPECT_LE(AnswerTtl(first->get()), n::kExpiredTtl);

  absl::SleepFor(absl::Seconds(n::kExpiredTtl) + absl::Milliseconds(500));  // the TTL ran out
  ASSERT_TRUE(hierarchy().StopInstance(kExpiredInstance).ok());
  absl::StatusOr<LdnsPktPtr> stale = AskWww();
  ASSERT_TRUE(stale.ok()) << stale.status() << (*rebound)->LogTail();
  EXPECT_EQ(ldns_pkt_get_rcode(stale->get()), LDNS_RCODE_NOERROR);
  EXPECT_THAT(RdataStrings(stale->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
              ElementsAre(n::kExpiredWwwA));
  EXPECT_EQ(AnswerTtl(stale->get()), 30);     // serve-expired-reply-ttl, RFC 8767 4
  EXPECT_EQ(ExtendedError(stale->get()), 3);  // Stale Answer, RFC 8914 4.4

  // A stale answer is not kept in the packet cache: asked again, it is stale again, not fresher.
  absl::StatusOr<LdnsPktPtr> again = AskWww();
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(ExtendedError(again->get()), 3);

  // NSD is back. The refused queries had the server down in the infra cache, which does not ask
  // it again for its down time (60 s, docs/architecture.md): until then the stale answer stands.
  ASSERT_TRUE(hierarchy().RestartInstance(kExpiredInstance).ok());
  int ede = 3;
  int64_t ttl = 30;
  const absl::Time deadline = absl::Now() + absl::Seconds(75);
  do {
    absl::SleepFor(absl::Milliseconds(500));
    absl::StatusOr<LdnsPktPtr> fresh = AskWww();
    if (!fresh.ok()) continue;
    ede = ExtendedError(fresh->get());
    ttl = AnswerTtl(fresh->get());
  } while ((ede != -1 || ttl > n::kExpiredTtl) && absl::Now() < deadline);
  EXPECT_EQ(ede, -1) << (*rebound)->LogTail();
  EXPECT_LE(ttl, n::kExpiredTtl);
}

// RFC 8767 5: the server's address swallows queries (nothing answers, nothing refuses), so the
// resolution hangs: the stale answer comes at serve-expired-client-timeout, 1.8 s by default.
TEST_F(ServeStaleTest, StaleAnswerAtTheClientTimeoutWhileTheServerIsSilent) {
  absl::StatusOr<std::unique_ptr<Subprocess>> rebound =
      Start("serve-stale-silent", "  serve-expired: yes\n");
  ASSERT_TRUE(rebound.ok()) << rebound.status();
  ASSERT_TRUE(AskWww().ok());
  absl::SleepFor(absl::Seconds(n::kExpiredTtl) + absl::Milliseconds(500));
  ASSERT_TRUE(hierarchy().StopInstance(kExpiredInstance).ok());
  absl::StatusOr<int> silent = BoundSocket(EndpointAt(n::kExpiredServer), SOCK_DGRAM);
  ASSERT_TRUE(silent.ok()) << silent.status();
  const absl::Time asked = absl::Now();
  absl::StatusOr<LdnsPktPtr> stale = AskWww();
  const absl::Duration waited = absl::Now() - asked;
  close(*silent);
  ASSERT_TRUE(stale.ok()) << stale.status() << (*rebound)->LogTail();
  EXPECT_THAT(RdataStrings(stale->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
              ElementsAre(n::kExpiredWwwA));
  EXPECT_EQ(AnswerTtl(stale->get()), 30);
  EXPECT_EQ(ExtendedError(stale->get()), 3);
  // libuv's timers count whole milliseconds from the loop's cached time.
  EXPECT_GE(waited, absl::Milliseconds(1750));
  // The resolution itself gives up after about 3 s here (measured with a 60 s client timeout).
  EXPECT_LT(waited, absl::Milliseconds(2500)) << "not sent at the client timeout";
}

// Without serve-expired, the same outage is a SERVFAIL.
TEST_F(ServeStaleTest, WithoutServeExpiredTheOutageIsAServfail) {
  absl::StatusOr<std::unique_ptr<Subprocess>> rebound = Start("no-serve-stale", "");
  ASSERT_TRUE(rebound.ok()) << rebound.status();
  ASSERT_TRUE(AskWww().ok());
  absl::SleepFor(absl::Seconds(n::kExpiredTtl) + absl::Milliseconds(500));
  ASSERT_TRUE(hierarchy().StopInstance(kExpiredInstance).ok());
  absl::StatusOr<LdnsPktPtr> failed = AskWww();
  ASSERT_TRUE(failed.ok()) << failed.status();
  EXPECT_EQ(ldns_pkt_get_rcode(failed->get()), LDNS_RCODE_SERVFAIL);
  EXPECT_NE(ExtendedError(failed->get()), 3);
}

// prefetch: asked in the last tenth of the 2 s TTL, rebound answers from its cache at once and
// asks NSD once; after the old expiry the refreshed entry answers with no query to NSD.
TEST_F(ServeStaleTest, PrefetchRefreshesBeforeExpiryAndNoClientWaits) {
  absl::StatusOr<std::unique_ptr<Subprocess>> rebound = Start("prefetch", "  prefetch: yes\n");
  ASSERT_TRUE(rebound.ok()) << rebound.status();
  const absl::Time stored = absl::Now();
  ASSERT_TRUE(AskWww().ok());
  const uint64_t after_first = ExpiredNsdQueries();
  // The last tenth of 2 s starts 1.8 s after the record was stored.
  const absl::Time window = stored + absl::Milliseconds(1850);
  ASSERT_LT(absl::Now(), window - absl::Milliseconds(100)) << "reading NSD's counters was slow";
  absl::SleepFor(window - absl::Now());
  absl::Duration slowest;
  for (int i = 0; i < 3; ++i) {
    const absl::Time asked = absl::Now();
    absl::StatusOr<LdnsPktPtr> reply = AskWww();
    ASSERT_TRUE(reply.ok()) << reply.status();
    EXPECT_THAT(RdataStrings(reply->get(), LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A),
                ElementsAre(n::kExpiredWwwA));
    slowest = std::max(slowest, absl::Now() - asked);
  }
  EXPECT_LT(slowest, absl::Milliseconds(50)) << "a client waited for the refresh";
  // NSD was asked once, while the old record was still fresh: the prefetch.
  const uint64_t after_window = ExpiredNsdQueries();
  EXPECT_EQ(after_window, after_first + 1) << (*rebound)->LogTail();
  absl::SleepFor(stored + absl::Milliseconds(2300) - absl::Now());  // past the old expiry
  const absl::Time asked = absl::Now();
  absl::StatusOr<LdnsPktPtr> later = AskWww();
  ASSERT_TRUE(later.ok()) << later.status();
  EXPECT_LT(absl::Now() - asked, absl::Milliseconds(50));
  EXPECT_GE(AnswerTtl(later->get()), 1);
  // The refreshed entry answered it: nothing more reached NSD.
  EXPECT_EQ(ExpiredNsdQueries(), after_window) << (*rebound)->LogTail();
}

}  // namespace
}  // namespace rebound::integration
